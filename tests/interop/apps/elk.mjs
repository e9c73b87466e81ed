// Elk (elk-zone/elk, a Nuxt web app on masto.js): the calls it makes on sign-in and when the
// default navigation entries are opened. Source files are under app/ in Elk's repository;
// docs/CLIENTS.md lists them.
import * as E from "./lib.mjs";

const { them } = await E.prepare();
const c = E.call;

// Sign-in (composables/users.ts loginTo, fetchAccountInfo; composables/masto/masto.ts).
const nodeinfo = await c("composables/users.ts", "GET", "/nodeinfo/2.0", { auth: null, shape: { version: "string", software: { name: "string" }, metadata: "object" } });
const instance = await c("composables/masto/masto.ts", "GET", "/api/v2/instance", { shape: E.InstanceV2 });
await c("composables/users.ts", "GET", "/api/v1/accounts/verify_credentials", { shape: { ...E.Account, source: { privacy: "string", sensitive: "boolean", note: "string", fields: "array" } } });
await c("composables/users.ts", "GET", "/api/v1/preferences", { shape: E.Preferences });
// Elk expects 404 here when no push subscription exists ("we get 404 response instead empty data").
await c("composables/users.ts", "GET", "/api/v1/push/subscription", { expect: (s) => s === 200 || s === 404 });
await c("composables/emojis.ts", "GET", "/api/v1/custom_emojis", { shape: [E.Emoji] });

// Home (components/timeline/TimelineHome.vue) and notifications (composables/masto/notification.ts),
// both live through `user` on one WebSocket.
await c("components/timeline/TimelineHome.vue", "GET", "/api/v1/timelines/home?limit=30", { shape: [E.Status] });
await c("components/timeline/TimelineHome.vue", "GET", "/api/v1/followed_tags", { shape: [{ ...E.Tag, following: "boolean" }] });
await c("composables/masto/notification.ts", "GET", "/api/v1/markers?timeline%5B%5D=notifications", { shape: "object" });
await c("composables/masto/notification.ts", "GET", "/api/v1/notifications?limit=30", { shape: [E.Notification] });
await E.websocket("composables/masto/masto.ts + TimelineHome.vue", instance.configuration.urls.streaming, [{ stream: "user" }], async () => {
  await fetch(`${E.url}/api/v1/statuses`, {
    method: "POST",
    headers: { authorization: `Bearer ${E.other}`, "content-type": "application/json" },
    body: JSON.stringify({ status: "a new post while Elk is open" }),
  });
});

// The navigation's default entries.
await c("pages/[[server]]/explore/index.vue", "GET", "/api/v1/trends/statuses", { shape: [E.Status] });
await c("pages/[[server]]/explore/tags.vue", "GET", "/api/v1/trends/tags?limit=20", { shape: [E.Tag] });
await c("pages/[[server]]/explore/links.vue", "GET", "/api/v1/trends/links", { shape: "array" });
await c("pages/[[server]]/explore/users.vue", "GET", "/api/v2/suggestions?limit=20", { shape: [{ source: "string", account: E.Account }] });
await c("components/timeline/TimelinePublicLocal.vue", "GET", "/api/v1/timelines/public?limit=30&local=true", { shape: [E.Status] });
await c("components/timeline/TimelinePublic.vue", "GET", "/api/v1/timelines/public?limit=30", { shape: [E.Status] });
await c("components/timeline/TimelineConversations.vue", "GET", "/api/v1/conversations", { shape: [E.Conversation] });
await c("pages/favourites.vue", "GET", "/api/v1/favourites", { shape: [E.Status] });
await c("pages/bookmarks.vue", "GET", "/api/v1/bookmarks", { shape: [E.Status] });
await c("pages/[[server]]/lists/index.vue", "GET", "/api/v1/lists", { shape: [E.List] });
await c("components/list/Lists.vue", "GET", `/api/v1/accounts/${them.id}/lists`, { shape: [E.List] });
await c("pages/scheduled-posts.vue", "GET", "/api/v1/scheduled_statuses", { shape: "array" });
void nodeinfo;
E.done("Elk");
