// masto.js 8 against a running Palisade: register an app, sign in through the OAuth
// authorization page, post, read home, favourite, paginate, delete, upload an image and
// read it back. Exits non-zero on the
// first failed expectation. Usage: PALISADE_URL=http://localhost:3000 LOGIN=… PASSWORD=… node smoke.mjs
import { deflateSync, crc32 } from "node:zlib";
import { createOAuthAPIClient, createRestAPIClient } from "masto";

const url = process.env.PALISADE_URL ?? "http://localhost:3000";
const login = process.env.LOGIN;
const password = process.env.PASSWORD;
const oob = "urn:ietf:wg:oauth:2.0:oob";

function check(condition, message) {
  if (!condition) {
    console.error(`masto.js: FAILED: ${message}`);
    process.exit(1);
  }
  console.log(`ok - ${message}`);
}

// 1. Register an app with masto's own client.
const anonymous = createRestAPIClient({ url });
const app = await anonymous.v1.apps.create({
  clientName: "masto.js smoke test",
  redirectUris: oob,
  scopes: "read write follow",
});
check(app.clientId && app.clientSecret, "app registered");

// 2. Sign in as a person would: the authorization page, then the code for a token.
const form = new URLSearchParams({
  response_type: "code",
  client_id: app.clientId,
  redirect_uri: oob,
  scope: "read write follow",
  login,
  password,
  decision: "approve",
});
const page = await fetch(`${url}/oauth/authorize?${new URLSearchParams({ response_type: "code", client_id: app.clientId, redirect_uri: oob, scope: "read write follow" })}`);
check(page.status === 200, "authorization page shown");
const answer = await fetch(`${url}/oauth/authorize`, { method: "POST", body: form });
const html = await answer.text();
const code = html.match(/<code id="code">([^<]+)<\/code>/)?.[1];
check(code, "authorization code issued");
const oauth = createOAuthAPIClient({ url });
const token = await oauth.token.create({
  grantType: "authorization_code",
  clientId: app.clientId,
  clientSecret: app.clientSecret,
  redirectUri: oob,
  code,
  scope: "read write follow",
});
check(token.accessToken && token.scope === "read write follow", "token obtained");

const masto = createRestAPIClient({ url, accessToken: token.accessToken });
const me = await masto.v1.accounts.verifyCredentials();
check(me.id && me.acct, `signed in as ${me.acct}`);

// 3. Post three statuses, newest last.
const marker = `masto-${Date.now()}`;
const posted = [];
for (let i = 0; i < 3; i++) {
  posted.push(await masto.v1.statuses.create({ status: `${marker} number ${i} #mastojs`, visibility: "public" }));
}
check(posted.every((s) => s.content.includes(marker)), "three statuses posted");
check(posted[0].tags.some((t) => t.name === "mastojs"), "hashtag parsed");

// 4. Home timeline, paginated two at a time through the Link headers.
const seen = [];
let pages = 0;
for await (const batch of masto.v1.timelines.home.list({ limit: 2 })) {
  pages += 1;
  seen.push(...batch.map((s) => s.id));
  if (posted.every((p) => seen.includes(p.id)) || pages > 20) break;
}
check(posted.every((p) => seen.includes(p.id)), `home timeline shows the posts (${pages} pages)`);
check(pages >= 2, "pagination followed the next link");
const ids = seen.map(BigInt);
check(ids.every((id, i) => i === 0 || ids[i - 1] > id), "home is newest first");

// 5. Favourite, and see it in the favourites list.
const faved = await masto.v1.statuses.$select(posted[1].id).favourite();
check(faved.favourited === true && faved.favouritesCount === 1, "favourited");
const favourites = await masto.v1.favourites.list({ limit: 5 });
check(favourites.some((s) => s.id === posted[1].id), "favourites list has it");
const unfaved = await masto.v1.statuses.$select(posted[1].id).unfavourite();
check(unfaved.favourited === false, "unfavourited");

// 6. Delete, and the statuses are gone.
for (const s of posted) {
  const deleted = await masto.v1.statuses.$select(s.id).remove();
  check(deleted.id === s.id, `deleted ${s.id}`);
}
let gone = 0;
for (const s of posted) {
  try {
    await masto.v1.statuses.$select(s.id).fetch();
  } catch (e) {
    if (e?.statusCode === 404) gone += 1;
  }
}
check(gone === 3, "deleted statuses answer 404");

// 7. Instance information as masto reads it.
const instance = await masto.v2.instance.fetch();
check(instance.configuration.urls.streaming, "v2 instance has a streaming URL");
check(instance.configuration.mediaAttachments.supportedMimeTypes.includes("image/png"), "PNG uploads are accepted");

// 8. Upload an image (multipart), read it back as an entity and as a file, post it.
function png(width, height) {
  const chunk = (type, data) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body) >>> 0);
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const rows = [];
  for (let y = 0; y < height; y++) {
    const row = Buffer.alloc(1 + width * 3);
    for (let x = 0; x < width; x++) row.set([x * 4, y * 5, 128], 1 + x * 3);
    rows.push(row);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr),
    chunk("IDAT", deflateSync(Buffer.concat(rows))),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}
const upload = await masto.v2.media.create({
  file: new Blob([png(64, 48)], { type: "image/png" }),
  description: "a gradient",
  focus: "0.5,-0.5",
});
check(upload.type === "image" && upload.url && upload.previewUrl, "image uploaded through v2/media");
check(upload.meta?.original?.width === 64 && upload.meta?.focus?.x === 0.5, "its meta has the size and focus");
const readBack = await masto.v1.media.$select(upload.id).fetch();
check(readBack.id === upload.id && readBack.description === "a gradient", "read back through v1/media/:id");
const file = await fetch(upload.url);
const bytes = Buffer.from(await file.arrayBuffer());
check(file.status === 200 && file.headers.get("content-type") === "image/png", "the file is served");
check(bytes.readUInt32BE(16) === 64 && bytes.readUInt32BE(20) === 48, "the served file is the 64x48 image");
const withMedia = await masto.v1.statuses.create({ status: `${marker} with a picture`, mediaIds: [upload.id] });
check(withMedia.mediaAttachments.length === 1 && withMedia.mediaAttachments[0].id === upload.id, "posted with the image");
const fetched = await masto.v1.statuses.$select(withMedia.id).fetch();
check(fetched.mediaAttachments[0].description === "a gradient", "the status shows it with its description");
await masto.v1.statuses.$select(withMedia.id).remove();
console.log("masto.js: all checks passed");
