// The two stories the issue is about, shared by the standalone suite (suite.mjs, two
// Palisades) and the federation harness (harness.mjs, against a real Fedify peer):
//   blockDomain: a member searches a domain, opens a remote profile, its menu, "Block
//     domain", reads the prompt (counts and names), confirms;
//   adminSuspend: an admin finds a peer on the dashboard with its failure reason, previews
//     a suspension, suspends, and lifts it within the grace period.
import { DESKTOP, PHONE, assert, axe, follow, screenshot, signIn, tabTo, visit } from "./lib.mjs";

async function texts(page, selector) {
  return page.$$eval(selector, (els) => els.map((e) => e.textContent.trim()));
}

/** The prompt's figures and names, as the page shows them. */
export async function readPrompt(page) {
  const n = async (id) => Number(await page.textContent(`#${id} .n`));
  return {
    followingCount: await n("following-count"),
    followersCount: await n("followers-count"),
    following: (await texts(page, "#following-names .handle")).sort(),
    followers: (await texts(page, "#followers-names .handle")).sort(),
  };
}

/** Shots of the current page at desktop and phone width, light and dark. */
export async function shots(page, dir, name) {
  if (!dir) return;
  for (const [size, viewport] of [["desktop", DESKTOP], ["phone", PHONE]]) {
    for (const scheme of ["light", "dark"]) {
      await page.setViewportSize(viewport);
      await page.emulateMedia({ colorScheme: scheme });
      await screenshot(page, dir, `${name}-${size}-${scheme}`);
    }
  }
  await page.setViewportSize(DESKTOP);
  await page.emulateMedia({ colorScheme: "light" });
  await axe(page); // dark colours are checked too
}

export async function blockDomain(page, o) {
  const { base, domain, account } = o;
  await signIn(page, base, o.login, o.password);
  // The search box in the navigation.
  await page.fill("#nav-q", domain);
  await follow(page, () => page.press("#nav-q", "Enter"));
  const handle = `@${account}@${domain}`;
  const listed = await texts(page, "#on-domain ~ ul .handle, section[aria-labelledby=on-domain] .handle");
  assert(listed.includes(handle), `search for ${domain} lists ${JSON.stringify(listed)}, not ${handle}`);
  await follow(page, () => page.click(`section[aria-labelledby=on-domain] a.account:has(.handle:text-is("${handle}"))`));
  assert(decodeURIComponent(new URL(page.url()).pathname) === `/${handle}`, `profile at ${page.url()}`);
  const blockLabel = `Block domain ${domain}`;
  if (o.keyboard) {
    await tabTo(page, "the profile menu", (el) => el.tag === "SUMMARY");
    await page.keyboard.press("Enter");
    await tabTo(page, `"${blockLabel}"`, (el) => el.text === blockLabel);
    await follow(page, () => page.keyboard.press("Enter"));
  } else {
    await page.click("details.menu > summary");
    await follow(page, () => page.click(`details.menu a:text-is("${blockLabel}")`));
  }
  assert(new URL(page.url()).pathname === "/domain_blocks/new", `the prompt, not ${page.url()}`);
  const seen = await readPrompt(page);
  const heading = await page.textContent("#prompt-title");
  assert(heading.includes(domain), `prompt heading ${heading}`);
  const effects = await texts(page, "ul.effects li");
  assert(effects.some((e) => e.includes("won't see posts or notifications")) && effects.some((e) => e.includes("still see your public posts")),
    `the prompt explains the block: ${JSON.stringify(effects)}`);
  const alt = await texts(page, ".prompt .actions button, .prompt .actions a");
  assert(alt.some((t) => t === `Block ${handle} instead`) && alt.includes("Cancel"), `the prompt offers ${JSON.stringify(alt)}`);
  if (o.expect) {
    const e = o.expect;
    const want = { followingCount: e.followingCount, followersCount: e.followersCount, following: [...e.following].sort(), followers: [...e.followers].sort() };
    assert(JSON.stringify(seen) === JSON.stringify(want), `the prompt shows ${JSON.stringify(seen)}, the API says ${JSON.stringify(want)}`);
  }
  await shots(page, o.shots, "block-prompt");
  if (o.keyboard) {
    await tabTo(page, `the "Block ${domain}" button`, (el) => el.tag === "BUTTON" && el.text === `Block ${domain}`);
    await follow(page, () => page.keyboard.press("Enter"));
  } else {
    await follow(page, () => page.click(`.prompt button:text-is("Block ${domain}")`));
  }
  const done = await page.textContent("#done-title");
  assert(done.includes(`You blocked ${domain}`), `after confirming: ${done}`);
  return seen;
}

export async function adminSuspend(page, o) {
  const { base } = o;
  await signIn(page, base, o.login, o.password);
  await visit(page, `${base}/admin/peers`);
  const row = `#peers tr[data-domain="${o.peer}"]`;
  assert(await page.$(row), `the dashboard lists ${o.peer}`);
  const state = (await page.textContent(`${row} .pill`)).trim();
  const reasonEl = await page.$(`${row} .reason`);
  const reason = reasonEl ? (await reasonEl.textContent()).trim() : "";
  if (o.reason) assert(new RegExp(o.reason).test(reason), `${o.peer}'s reason is "${reason}" (state ${state}), wanted /${o.reason}/`);
  if (o.state) assert(state === o.state, `${o.peer} is "${state}", wanted "${o.state}"`);
  await shots(page, o.shots, "peers-dashboard");
  // Filter by state and name (server side; works without JavaScript).
  await visit(page, `${base}/admin/peers?state=${encodeURIComponent(state.replace(/ /g, "_"))}&q=${encodeURIComponent(o.peer)}`);
  assert(await page.$(row), `filtering by state ${state} and name keeps ${o.peer}`);
  await visit(page, `${base}/admin/peers/${encodeURIComponent(o.peer)}`);
  assert(await page.$("svg.chart"), "the peer page has its 7-day chart");
  // Preview the suspension; the numbers must equal the API's.
  await visit(page, `${base}/admin/domain_blocks/new?domain=${encodeURIComponent(o.suspend)}&severity=suspend`);
  const impact = {};
  for (const li of await page.$$("#impact li")) {
    impact[await li.getAttribute("data-key")] = Number(await li.$eval(".n", (e) => e.textContent));
  }
  if (o.expectImpact) {
    for (const [k, v] of Object.entries(o.expectImpact)) {
      assert(impact[k] === v, `preview ${k}: the page shows ${impact[k]}, the API ${v} (${JSON.stringify(impact)})`);
    }
  }
  const members = await texts(page, "#affected .handle");
  await follow(page, () => page.click(`button:text-is("Confirm: suspend ${o.suspend}")`));
  const pill = (await page.textContent("main h2 .pill")).trim();
  assert(pill === "suspend", `after confirming, the policy is ${pill}`);
  const grace = await page.$("#grace");
  assert(grace, "the policy page says until when the data is kept");
  await follow(page, () => page.click(`button:text-is("Lift the suspend of ${o.suspend}")`));
  const notice = (await page.textContent(".notice")).trim();
  const restored = Number((notice.match(/(\d+) relationships restored/) || [])[1]);
  assert(Number.isFinite(restored), `after lifting: ${notice}`);
  return { impact, members, restored, state, reason };
}
