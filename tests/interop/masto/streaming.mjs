// masto.js 8 streaming against a running Palisade: Alice opens one WebSocket (the streaming
// URL read from /api/v2/instance, the token as subprotocol, as masto sends it), subscribes to
// her user stream and a hashtag; Bob posts and mentions her. She must receive `update` and
// `notification` with the REST entities, and the hashtag stream its `update`; a delete
// arrives as `delete`. Usage: PALISADE_URL=… TOKEN_A=… TOKEN_B=… node streaming.mjs
import { createRestAPIClient, createStreamingAPIClient } from "masto";

const url = process.env.PALISADE_URL ?? "http://localhost:3000";
const alice = createRestAPIClient({ url, accessToken: process.env.TOKEN_A });
const bob = createRestAPIClient({ url, accessToken: process.env.TOKEN_B });

function check(condition, message) {
  if (!condition) {
    console.error(`masto.js streaming: FAILED: ${message}`);
    process.exit(1);
  }
  console.log(`ok - ${message}`);
}

const instance = await alice.v2.instance.fetch();
const streamingApiUrl = instance.configuration.urls.streaming;
check(/^wss?:\/\//.test(streamingApiUrl), `the instance advertises ${streamingApiUrl}`);
const health = await fetch(`${url}/api/v1/streaming/health`);
check(health.status === 200 && (await health.text()) === "OK", "the streaming health check answers OK");

const me = await alice.v1.accounts.verifyCredentials();
const bobAccount = await bob.v1.accounts.verifyCredentials();
await alice.v1.accounts.$select(bobAccount.id).follow();

const streaming = createStreamingAPIClient({ streamingApiUrl, accessToken: process.env.TOKEN_A, retry: false });
const tag = `mastojs${Date.now()}`;

// Read each subscription from the start (masto subscribes when iteration begins).
function collect(subscription) {
  const events = [];
  (async () => {
    for await (const event of subscription) events.push(event);
  })().catch((e) => check(false, `stream error: ${e}`));
  return events;
}
async function next(events, wanted, what) {
  for (let i = 0; i < 100; i++) {
    const at = events.findIndex((e) => wanted.includes(e.event));
    if (at >= 0) return events.splice(at, 1)[0];
    await new Promise((r) => setTimeout(r, 100));
  }
  check(false, `timed out waiting for ${what}`);
}
const user = streaming.user.subscribe();
const hashtag = streaming.hashtag.subscribe({ tag });
const userEvents = collect(user);
const tagEvents = collect(hashtag);
await new Promise((r) => setTimeout(r, 1000));

const post = await bob.v1.statuses.create({ status: `@${me.acct} hello over the stream #${tag}`, visibility: "public" });
const seen = {};
while (!(seen.update && seen.notification)) {
  const e = await next(userEvents, ["update", "notification"], "update and notification");
  seen[e.event] = e.payload;
}
check(seen.update.id === post.id && seen.update.account.id === bobAccount.id, "update: Bob's status on Alice's user stream");
const rest = await alice.v1.statuses.$select(post.id).fetch();
check(JSON.stringify(seen.update) === JSON.stringify(rest), "update: the payload is the REST entity");
check(seen.notification.type === "mention" && seen.notification.status.id === post.id, "notification: the mention");
const tagged = await next(tagEvents, ["update"], "the hashtag update");
check(tagged.payload.id === post.id && tagged.stream.includes("hashtag"), "update on the hashtag stream");

await bob.v1.statuses.$select(post.id).remove();
const deleted = await next(userEvents, ["delete"], "the delete");
check(deleted.payload === post.id, "delete: the deleted status' id");

user.unsubscribe();
hashtag.unsubscribe();
streaming.close();
await alice.v1.accounts.$select(bobAccount.id).unfollow();
console.log("masto.js streaming: all checks passed");
process.exit(0);
