// One story of stories.mjs for the federation harness (tests/interop/federation/
// scenarios_web.py), run inside its network namespace against ours.test over HTTPS:
//   node harness.mjs blockDomain|adminSuspend|peerPicture 'JSON options'
// Prints "ok - …"/"not ok - …" lines, then "RESULT <json>" with what the page showed, then
// "N passed, M failed"; exits non-zero on a failure.
import { check, close, finish, launch, newPage } from "./lib.mjs";
import { peerPicture } from "./media.mjs";
import { adminSuspend, blockDomain } from "./stories.mjs";

const [story, json] = process.argv.slice(2);
const opts = JSON.parse(json || "{}");
const stories = { blockDomain, adminSuspend, peerPicture };
if (!stories[story]) {
  console.error(`usage: harness.mjs ${Object.keys(stories).join("|")} 'JSON options'`);
  process.exit(2);
}
await launch();
let result = null;
await check(`${story} in the browser`, async () => {
  const page = await newPage();
  result = await stories[story](page, opts);
  await page.context().close();
});
console.log(`RESULT ${JSON.stringify(result)}`);
const status = await finish();
await close();
process.exit(status);
