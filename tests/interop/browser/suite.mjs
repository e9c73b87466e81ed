// The web interface in a real browser against the real binary: instance A (the database
// under test: PALISADE_DATABASE_URL) and instance B (SQLite), federating over HTTP on
// loopback. Run by run.sh; prints "ok - …" lines and "N passed, M failed".
//   node suite.mjs   (env: PALISADE_BIN, A_DATABASE_URL, WORK, SCREENSHOTS=dir to write the README's shots)
import { spawn, execFileSync } from "node:child_process";
import { openSync, readFileSync } from "node:fs";
import { api, assert, axe, check, close, finish, follow, launch, loadedImage, newPage, onlyOrigins, png, poll, problems, signIn, visit } from "./lib.mjs";
import { compose, post, postPicture, seePicture } from "./media.mjs";
import { adminSuspend, blockDomain, shots } from "./stories.mjs";

const BIN = process.env.PALISADE_BIN;
const WORK = process.env.WORK;
const SHOTS = process.env.SCREENSHOTS || "";
const PASSWORD = "correct horse battery";
const A = { port: 3311, url: "http://localhost:3311", db: process.env.A_DATABASE_URL || `sqlite:${WORK}/a.db` };
const B = { port: 3312, url: "http://127.0.0.1:3312", db: `sqlite:${WORK}/b.db` };
const BD = "127.0.0.1:3312"; // B's domain
const tokens = {};

function env(x) {
  const e = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("PALISADE_")));
  return { ...e, PALISADE_DATABASE_URL: x.db, PALISADE_LISTEN: `127.0.0.1:${x.port}`, PALISADE_PUBLIC_URL: x.url,
    PALISADE_ALLOW_PRIVATE_ADDRESSES: "1", PALISADE_PLAIN_HTTP_PEERS: "1", PALISADE_RATE_LIMIT_AUTHENTICATED: "1000000",
    PALISADE_RATE_LIMIT_ANONYMOUS: "1000000", PALISADE_LOG: "info,palisade_federation=debug" };
}
function start(x, name) {
  x.out = `${WORK}/${name}.out`;
  x.proc = spawn(BIN, ["serve"], { env: env(x), cwd: WORK, stdio: ["ignore", openSync(x.out, "a"), openSync(`${WORK}/${name}.log`, "a")] });
}
const cli = (x, ...args) => execFileSync(BIN, args, { env: env(x), cwd: WORK, encoding: "utf8" });
function user(x, name, role) {
  cli(x, "admin", "user", "create", name, "--email", `${name}@example.org`, "--password", PASSWORD, ...(role ? ["--role", role] : []));
  const scopes = role ? "read write follow push admin:read admin:write" : "read write follow push";
  tokens[name] = cli(x, "admin", "token", "create", name, "--scopes", scopes).trim().split("\n").pop().trim();
}
async function resolve(x, who, acct) {
  const r = await api(x.url, tokens[who], "GET", `/api/v2/search?q=${encodeURIComponent(acct)}&resolve=true&type=accounts`);
  const a = r.accounts.find((a) => a.acct === acct.replace(/^@/, ""));
  assert(a, `${who} cannot resolve ${acct}: ${JSON.stringify(r.accounts.map((a) => a.acct))}`);
  return a;
}
async function followAcct(x, who, acct) {
  const a = await resolve(x, who, acct);
  await api(x.url, tokens[who], "POST", `/api/v1/accounts/${a.id}/follow`);
  await poll(`${who} follows ${acct}`, async () => (await api(x.url, tokens[who], "GET", `/api/v1/accounts/relationships?id[]=${a.id}`))[0].following);
  return a;
}
const home = async (x, who) => api(x.url, tokens[who], "GET", "/api/v1/timelines/home?limit=40");

await launch();
// The browser only ever talks to A: every request of every page must go there (remote
// avatars and attachments come through A's /system/proxy, never from B).
onlyOrigins(A.url);
start(A, "a");
start(B, "b");
for (const x of [A, B]) await poll(`${x.url} answers`, async () => (await fetch(`${x.url}/health`)).ok, 30000);

await check("first run: serve prints the address and how to create an admin; the empty front page says it too", async () => {
  const out = readFileSync(A.out, "utf8");
  assert(out.includes(`open ${A.url}`) && out.includes("admin user create"), `serve printed: ${out}`);
  assert(!readFileSync(`${WORK}/a.log`, "utf8").includes("\x1b["), "the log file has no terminal colour codes");
  const page = await newPage();
  await visit(page, A.url);
  assert((await page.textContent("main")).includes("no admin yet"), "the front page says the instance has no admin");
  await page.context().close();
});

for (const [name, role] of [["root", "admin"], ["moe", "moderator"], ["mia"], ["ned"], ["kit"], ["lou"]]) user(A, name, role);
for (const name of ["tom", "tia"]) user(B, name);

await check("visitor pages: front, about, local timeline, sign-up and sign-in", async () => {
  const page = await newPage();
  for (const p of ["/", "/about", "/public/local", "/auth/sign_up", "/auth/sign_in"]) await visit(page, `${A.url}${p}`);
  assert(!(await page.textContent("main")).includes("no admin yet") || true, "");
  await visit(page, `${A.url}/`);
  assert(!(await page.textContent("main")).includes("no admin yet"), "once an admin exists, the notice is gone");
  await page.context().close();
});

await check("a visitor signs up; the member posts, favourites, boosts, bookmarks, edits, replies and deletes", async () => {
  const page = await newPage();
  await visit(page, `${A.url}/auth/sign_up`);
  await page.fill("#username", "zoe");
  await page.fill("#email", "zoe@example.org");
  await page.fill("#password", PASSWORD);
  await page.check("input[name=agreement]");
  await follow(page, () => page.click("form[action='/auth/sign_up'] button[type=submit]"));
  assert(new URL(page.url()).pathname === "/home", `after sign-up: ${page.url()}`);
  await page.fill("#status", "Hello from the web interface #firstpost");
  await page.fill("#spoiler_text", "");
  await follow(page, () => page.click("form.compose button[type=submit]"));
  const post = "article.status:has-text('Hello from the web interface')";
  assert(await page.$(post), "the post is on home");
  for (const label of ["Favourite", "Boost", "Bookmark"]) {
    await follow(page, () => page.click(`${post} >> nth=0 >> button:has-text("${label}")`));
  }
  const pressed = await page.$$eval("article.status button[aria-pressed=true]", (b) => b.map((x) => x.textContent));
  assert(pressed.some((t) => t.startsWith("Favourited")) && pressed.some((t) => t.startsWith("Bookmarked")), `pressed: ${pressed}`);
  await follow(page, () => page.click(`${post} >> nth=0 >> a:has-text("Edit")`));
  await page.fill("#status", "Hello from the web interface, said better #firstpost");
  await follow(page, () => page.click("form.compose button[type=submit]"));
  const edited = await page.textContent("main");
  assert(edited.includes("said better") && edited.includes("· edited"), "the post shows its new text, marked edited");
  await visit(page, `${A.url}/home`);
  await follow(page, () => page.click(`${post} >> nth=0 >> a:has-text("Reply")`));
  await page.fill("#status", "and a reply");
  await follow(page, () => page.click("form.compose button[type=submit]"));
  assert(await page.$("article.status:has-text('and a reply')"), "the reply is in the thread");
  page.once("dialog", (d) => d.accept());
  await follow(page, () => page.click("article.status:has-text('and a reply') button:has-text('Delete')"));
  await visit(page, `${A.url}/bookmarks`);
  await visit(page, `${A.url}/notifications`);
  await visit(page, `${A.url}/tags/firstpost`);
  assert(await page.$("article.status"), "the hashtag page shows the post");
  await visit(page, `${A.url}/settings/profile`);
  await page.fill("#display_name", "Zoe Z");
  await follow(page, () => page.click("form[action='/settings/profile'] button[type=submit]"));
  assert((await page.textContent(".notice")).includes("saved"), "profile saved");
  await visit(page, `${A.url}/@zoe`);
  assert((await page.textContent("#profile-name")).includes("Zoe Z"), "the profile shows the new name");
  await page.context().close();
});

let tomPost;
await check("federation set-up (API): mia follows tom and tia on B, tom follows mia; ned and tom follow each other; kit follows tia; tom posts", async () => {
  await followAcct(A, "mia", `tom@${BD}`);
  await followAcct(A, "mia", `tia@${BD}`);
  await followAcct(A, "ned", `tom@${BD}`);
  await followAcct(A, "kit", `tia@${BD}`);
  await followAcct(B, "tom", "mia@localhost:3311");
  await followAcct(B, "tom", "ned@localhost:3311");
  tomPost = (await api(B.url, tokens.tom, "POST", "/api/v1/statuses", { status: "tom's public post from B", visibility: "public" })).uri;
  await poll("tom's post reaches mia's home", async () => (await home(A, "mia")).some((s) => s.uri === tomPost));
});

await check("a locked member, lou, accepts tia's follow request (from B) on her notifications page; B learns the answer", async () => {
  await api(A.url, tokens.lou, "PATCH", "/api/v1/accounts/update_credentials", { locked: true });
  const lou = await resolve(B, "tia", "lou@localhost:3311");
  await api(B.url, tokens.tia, "POST", `/api/v1/accounts/${lou.id}/follow`);
  await poll("tia's request reaches lou", async () => (await api(A.url, tokens.lou, "GET", "/api/v1/follow_requests")).length === 1);
  const page = await newPage();
  await signIn(page, A.url, "lou", PASSWORD);
  await visit(page, `${A.url}/notifications`);
  assert((await page.textContent("main")).includes("asked to follow you"), "the request is among lou's notifications");
  await follow(page, () => page.click("form[action$='/authorize'] button"));
  assert((await page.textContent(".notice")).includes("now follows you"), "lou is told");
  await poll("B learns that tia follows lou", async () =>
    (await api(B.url, tokens.tia, "GET", `/api/v1/accounts/relationships?id[]=${lou.id}`))[0].following);
  await visit(page, `${A.url}/follow_requests`);
  assert((await page.textContent("main")).includes("No one is waiting"), "no request is left");
  await page.context().close();
});

await check("media: mia posts a picture with alt text in one submit and sees it at home; ned sees it; sensitive media waits behind a button; a refused file is named next to its field and nothing is posted", async () => {
  const page = await newPage();
  await signIn(page, A.url, "mia", PASSWORD);
  const alt = "A green garden, seen from above";
  await postPicture(page, { base: A.url, text: "My garden #webmedia", alt });
  // Sensitive: blurred behind a button until clicked.
  await compose(page, { text: "A sensitive picture", sensitive: true,
    files: [{ name: "s.png", bytes: png(200, 200, [200, 40, 40]), alt: "Something red" }] });
  const hidden = `${post("A sensitive picture")} .attachment img[alt="Something red"]`;
  assert(!(await page.isVisible(hidden)), "the sensitive picture is hidden");
  await page.click(`${post("A sensitive picture")} details.sensitive > summary`);
  await loadedImage(page, hidden);
  assert(await page.isVisible(hidden), "one click shows it");
  await axe(page);
  // A file that is not what it says: refused next to its field, nothing posted.
  const before = problems.length;
  await compose(page, { text: "this must not be posted", status: 422,
    files: [{ name: "notes.png", bytes: Buffer.from("just some text, not a picture"), alt: "" }] });
  const said = (await page.textContent("#file_0-error")).trim();
  assert(said.length > 10, `the error next to the file: ${said}`);
  assert((await page.inputValue("#status")) === "this must not be posted", "the text is kept");
  // The browser logs the (expected) 422 of the refused form as a console error.
  problems.splice(before, problems.length - before, ...problems.slice(before).filter((p) => !p.includes("status of 422")));
  await visit(page, `${A.url}/home`);
  assert(!(await page.textContent("main")).includes("this must not be posted"), "nothing was posted");
  // Settings → profile: an avatar with its description.
  await visit(page, `${A.url}/settings/profile`);
  await page.setInputFiles("#avatar", { name: "me.png", mimeType: "image/png", buffer: png(240, 240, [90, 60, 180]) });
  await page.fill("#avatar_description", "Mia's purple square");
  await follow(page, () => page.click("form[action='/settings/profile'] button[type=submit]"));
  await visit(page, `${A.url}/@mia`);
  const avatar = await loadedImage(page, ".profile-head img.avatar.big[alt=\"Mia's purple square\"]");
  assert(avatar.startsWith("/system/"), `the avatar is the instance's: ${avatar}`);
  await page.context().close();
  const ned = await newPage();
  await signIn(ned, A.url, "ned", PASSWORD);
  await visit(ned, `${A.url}/public/local`);
  await seePicture(ned, { text: "My garden #webmedia", alt });
  await ned.context().close();
});

/** A one-second video made by ffmpeg (null without it: CI installs it, PALISADE_REQUIRE_FFMPEG=1). */
function video() {
  const out = `${WORK}/film.webm`;
  try {
    execFileSync("ffmpeg", ["-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "testsrc=size=160x120:rate=10",
      "-f", "lavfi", "-i", "sine=frequency=440", "-t", "1", "-c:v", "libvpx", "-c:a", "libvorbis", out]);
    return readFileSync(out);
  } catch (e) {
    if (process.env.PALISADE_REQUIRE_FFMPEG === "1") throw e;
    return null;
  }
}

await check("video: ned posts a short video with a description; the post shows it processing, then a native player in place without a reload, once ffmpeg is done", async () => {
  const film = video();
  if (!film) { console.log("# ffmpeg is not installed: the video step is skipped"); return; }
  const page = await newPage();
  await signIn(page, A.url, "ned", PASSWORD);
  await visit(page, `${A.url}/home`);
  await compose(page, { text: "A short film", files: [{ name: "film.webm", type: "video/webm", bytes: film, alt: "Colour bars and a tone" }] });
  const player = `${post("A short film")} video[aria-label="Colour bars and a tone"]`;
  // The page puts the player in place by itself once ffmpeg is done (no reload).
  let sawProcessing = false;
  await poll("the video is processed", async () => {
    if (await page.$(player)) return true;
    const state = await page.$(`${post("A short film")} [data-state=processing]`);
    assert(state, "while it is processed, the post says so");
    sawProcessing = true;
    return false;
  }, 30000);
  console.log(`# the post said "processing" first: ${sawProcessing}`);
  await axe(page);
  const src = await page.getAttribute(player, "src");
  const poster = await page.getAttribute(player, "poster");
  assert(src.startsWith("/system/") && poster.startsWith("/system/"), `the video and its poster are the instance's: ${src} ${poster}`);
  await page.context().close();
});

await check("remote media through the instance: tom on B sets an avatar and posts a picture; mia's pages show both from A (/system/proxy), loaded", async () => {
  const auth = { authorization: `Bearer ${tokens.tom}` };
  const form = (field, name, bytes, extra = {}) => {
    const fd = new FormData();
    fd.append(field, new Blob([bytes], { type: "image/png" }), name);
    for (const [k, v] of Object.entries(extra)) fd.append(k, v);
    return fd;
  };
  const r = await fetch(`${B.url}/api/v1/accounts/update_credentials`, { method: "PATCH", headers: auth,
    body: form("avatar", "tom.png", png(200, 200, [220, 120, 20]), { avatar_description: "Tom's orange square" }) });
  assert(r.ok, `tom's avatar on B: ${r.status} ${await r.text()}`);
  const m = await (await fetch(`${B.url}/api/v2/media`, { method: "POST", headers: auth,
    body: form("file", "sea.png", png(300, 200, [20, 90, 200]), { description: "A blue sea" }) })).json();
  assert(m.id, `tom's upload on B: ${JSON.stringify(m)}`);
  const st = await api(B.url, tokens.tom, "POST", "/api/v1/statuses", { status: "tom's picture from B", media_ids: [m.id], visibility: "public" });
  await poll("tom's picture reaches mia's home", async () => (await home(A, "mia")).some((s) => s.uri === st.uri));
  const page = await newPage();
  await signIn(page, A.url, "mia", PASSWORD);
  await visit(page, `${A.url}/home`);
  const src = await seePicture(page, { text: "tom's picture from B", alt: "A blue sea" });
  assert(src.startsWith("/system/proxy/"), `tom's picture comes through A's proxy: ${src}`);
  await shots(page, SHOTS, "timeline-media");
  let avatar = "";
  await poll("tom's new avatar reaches A", async () => {
    await page.goto(`${A.url}/@tom@${BD}`);
    avatar = (await page.getAttribute(".profile-head img.avatar.big", "src")) || "";
    return avatar.startsWith("/system/proxy/");
  }, 30000);
  await loadedImage(page, ".profile-head img.avatar.big");
  await axe(page);
  await page.context().close();
});

await check(`the Threads story: mia searches ${BD}, opens tom's profile, its menu, "Block domain", reads the counts and names, confirms`, async () => {
  const preview = await api(A.url, tokens.mia, "GET", `/api/v1/domain_blocks/preview?domain=${encodeURIComponent(BD)}`);
  const page = await newPage();
  await blockDomain(page, {
    base: A.url, login: "mia", password: PASSWORD, domain: BD, account: "tom", shots: SHOTS,
    expect: { followingCount: preview.following_count, followersCount: preview.followers_count,
      following: [`@tom@${BD}`, `@tia@${BD}`], followers: [`@tom@${BD}`] },
  });
  assert(preview.following_count === 2 && preview.followers_count === 1, `API preview ${JSON.stringify(preview)}`);
  // What happened, from outside: B dropped mia; her home no longer shows tom's post.
  const tomAtB = (await api(B.url, tokens.tom, "GET", "/api/v1/accounts/verify_credentials")).id;
  await poll("B removes mia from tom's followers", async () =>
    !(await api(B.url, tokens.tom, "GET", `/api/v1/accounts/${tomAtB}/followers`)).some((a) => a.acct === "mia@localhost:3311"));
  assert(!(await home(A, "mia")).some((s) => s.uri === tomPost), "tom's post left mia's home");
  await visit(page, `${A.url}/home`);
  assert(!(await page.textContent("main")).includes("tom's public post"), "the home page no longer shows it");
  // Unblocking is one click away, on the domain's page.
  await visit(page, `${A.url}/settings/domains/${encodeURIComponent(BD)}`);
  await follow(page, () => page.click(`button:text-is("Unblock ${BD}")`));
  const a = await resolve(A, "mia", `tom@${BD}`);
  const rel = (await api(A.url, tokens.mia, "GET", `/api/v1/accounts/relationships?id[]=${a.id}`))[0];
  assert(rel.domain_blocking === false, "unblocked");
  await page.context().close();
});

await check("mia's settings: blocked domains, severed relationships with CSV downloads, her ties with a domain", async () => {
  const page = await newPage();
  await signIn(page, A.url, "mia", PASSWORD);
  await visit(page, `${A.url}/settings/domain_blocks`);
  await visit(page, `${A.url}/settings/severed_relationships`);
  const link = await page.getAttribute("a[href$='following.csv']", "href");
  const csv = await page.evaluate(async (u) => (await fetch(u)).text(), link);
  assert(csv.includes(`tom@${BD}`) && csv.includes(`tia@${BD}`), `following.csv: ${csv}`);
  await visit(page, `${A.url}/settings/domains/${encodeURIComponent(BD)}`);
  await visit(page, `${A.url}/search?q=${encodeURIComponent(BD)}`);
  await page.context().close();
});

await check("keyboard only: kit reaches the block prompt from tia's profile and confirms with Tab and Enter", async () => {
  const page = await newPage();
  const seen = await blockDomain(page, { base: A.url, login: "kit", password: PASSWORD, domain: BD, account: "tia", keyboard: true,
    expect: { followingCount: 1, followersCount: 0, following: [`@tia@${BD}`], followers: [] } });
  assert(seen.followingCount === 1, JSON.stringify(seen));
  await page.context().close();
});

await check(`the admin previews a suspension of ${BD} (numbers equal the API's), suspends, and lifts it within the grace period`, async () => {
  const preview = await api(A.url, tokens.root, "GET", `/api/v1/admin/domain_blocks/preview?domain=${encodeURIComponent(BD)}&severity=suspend`);
  const page = await newPage();
  const r = await adminSuspend(page, { base: A.url, login: "root", password: PASSWORD, peer: BD, suspend: BD, expectImpact: preview.impact });
  assert(r.restored === preview.impact.relationships, `restored ${r.restored}, severed ${preview.impact.relationships}`);
  const a = await resolve(A, "ned", `tom@${BD}`);
  const rel = (await api(A.url, tokens.ned, "GET", `/api/v1/accounts/relationships?id[]=${a.id}`))[0];
  assert(rel.following && rel.followed_by, `ned and tom follow each other again: ${JSON.stringify(rel)}`);
  await page.context().close();
});

await check("B goes down: the peers dashboard shows it failing with the reason; the peer page charts it; the admin retries", async () => {
  B.proc.kill("SIGKILL");
  await api(A.url, tokens.ned, "POST", "/api/v1/statuses", { status: "ned posts while B is down", visibility: "public" });
  const page = await newPage();
  await signIn(page, A.url, "root", PASSWORD);
  await poll("the dashboard shows B failing", async () => {
    await page.goto(`${A.url}/admin/peers?sort=failures`);
    return ((await page.textContent(`#peers tr[data-domain="${BD}"] .pill`)) || "").trim() === "failing";
  }, 30000);
  await axe(page);
  const reason = await page.textContent(`#peers tr[data-domain="${BD}"] .reason`);
  assert(/connect|refused|timeout/i.test(reason), `reason: ${reason}`);
  await shots(page, SHOTS, "peers-dashboard");
  await visit(page, `${A.url}/admin/peers/${encodeURIComponent(BD)}`);
  await follow(page, () => page.click("button:text-is('Retry now')"));
  assert((await page.textContent(".notice")).includes("due now"), "retry said what it did");
  await visit(page, `${A.url}/admin/audit`);
  assert((await page.textContent("#audit")).includes("retry_peer"), "the retry is in the audit log");
  await page.context().close();
});

await check("roles: a moderator reads the admin pages without action buttons; a member gets 403", async () => {
  const page = await newPage();
  await signIn(page, A.url, "moe", PASSWORD);
  await visit(page, `${A.url}/admin/peers/${encodeURIComponent(BD)}`);
  assert((await page.textContent("main")).includes("Only admins can act"), "no actions for moderators");
  for (const p of ["/admin/domain_blocks", "/admin/domain_allows", "/admin/reports", "/admin/reports?resolved=true", "/admin/sign_ups", "/admin/audit"]) {
    await visit(page, `${A.url}${p}`);
  }
  assert(!(await page.$("form[action='/admin/federation_settings'] button")), "no save button for moderators");
  await page.context().close();
  const member = await newPage();
  await signIn(member, A.url, "mia", PASSWORD);
  const before = problems.length;
  const r = await member.goto(`${A.url}/admin/peers`);
  assert(r.status() === 403, `a member opening /admin/peers gets ${r.status()}`);
  await axe(member);
  // The browser logs the (expected) 403 of the page itself as a console error.
  problems.splice(before, problems.length - before, ...problems.slice(before).filter((p) => !p.includes("status of 403")));
  await member.context().close();
});

await check("the OAuth authorize page uses the web session: a signed-in member approves without typing a password", async () => {
  const app = await (await fetch(`${A.url}/api/v1/apps`, { method: "POST", headers: { "content-type": "application/json" },
    body: JSON.stringify({ client_name: "browser test", redirect_uris: "urn:ietf:wg:oauth:2.0:oob", scopes: "read" }) })).json();
  const page = await newPage();
  await signIn(page, A.url, "mia", PASSWORD);
  await page.goto(`${A.url}/oauth/authorize?response_type=code&client_id=${app.client_id}&redirect_uri=urn:ietf:wg:oauth:2.0:oob&scope=read`);
  assert((await page.textContent("body")).includes("signed in as"), "the page knows the session");
  assert(!(await page.$("#password")), "no password asked");
  await follow(page, () => page.click("button[value=approve]"));
  const code = (await page.textContent("#code")).trim();
  const tok = await (await fetch(`${A.url}/oauth/token`, { method: "POST", headers: { "content-type": "application/json" },
    body: JSON.stringify({ grant_type: "authorization_code", code, client_id: app.client_id, client_secret: app.client_secret, redirect_uri: "urn:ietf:wg:oauth:2.0:oob" }) })).json();
  const me = await api(A.url, tok.access_token, "GET", "/api/v1/accounts/verify_credentials");
  assert(me.username === "mia", `token for ${me.username}`);
  await page.context().close();
});

const status = await finish();
await close();
A.proc.kill();
B.proc.kill();
process.exit(status);
