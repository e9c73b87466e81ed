// Phanpy (cheeaun/phanpy, a web app on masto.js): the calls it makes on start and when its
// default views (home, notifications) are shown. Source files are under src/ in Phanpy's
// repository; docs/CLIENTS.md lists them.
import * as E from "./lib.mjs";

await E.prepare();
const c = E.call;

// Start (app.jsx → utils/api.js initInstance, initAccount, initPreferences).
const instance = await c("utils/api.js initInstance", "GET", "/api/v2/instance", { shape: E.InstanceV2 });
await c("utils/api.js initAccount", "GET", "/api/v1/accounts/verify_credentials", { shape: E.Account });
await c("utils/api.js initPreferences", "GET", "/api/v1/preferences", { shape: E.Preferences });
await c("utils/custom-emojis.js", "GET", "/api/v1/custom_emojis", { shape: [E.Emoji] });
await c("utils/lists.js getLists", "GET", "/api/v1/lists", { shape: [E.List] });
await c("utils/followed-tags.js", "GET", "/api/v1/followed_tags?limit=200", { shape: [E.Tag] });
await c("utils/push-notifications.js", "GET", "/api/v1/push/subscription", { expect: (s) => s === 200 || s === 404 });

// Home (pages/following2.jsx, pages/home.jsx).
await c("pages/following2.jsx", "GET", "/api/v1/timelines/home?limit=20", { shape: [E.Status] });
await c("pages/home.jsx", "GET", "/api/v1/follow_requests?limit=1", { shape: [E.Account] });

// Notifications: the background service watches `user:notification` (components/background-service.jsx),
// the page reads grouped notifications, markers, announcements, the policy and requests
// (pages/notifications.jsx).
await c("components/background-service.jsx", "GET", "/api/v2/notifications?limit=1", {
  shape: { accounts: [E.Account], statuses: [E.Status], notification_groups: [{ group_key: "string", notifications_count: "number", type: "string", sample_account_ids: ["string"] }] },
});
await c("components/background-service.jsx", "GET", "/api/v1/markers?timeline%5B%5D=notifications", { shape: "object" });
await E.websocket("utils/api.js + components/background-service.jsx", instance.configuration.urls.streaming, [{ stream: "user:notification" }], async () => {
  const me = await (await fetch(`${E.url}/api/v1/accounts/verify_credentials`, { headers: { authorization: `Bearer ${E.token}` } })).json();
  await fetch(`${E.url}/api/v1/statuses`, {
    method: "POST",
    headers: { authorization: `Bearer ${E.other}`, "content-type": "application/json" },
    body: JSON.stringify({ status: `@${me.acct} while Phanpy is open` }),
  });
});
await c("pages/notifications.jsx", "GET", "/api/v2/notifications?limit=40", { shape: { notification_groups: "array" } });
await c("pages/notifications.jsx", "GET", "/api/v1/follow_requests?limit=1", { shape: "array" });
await c("pages/notifications.jsx", "GET", "/api/v1/announcements", { shape: [E.Announcement] });
await c("pages/notifications.jsx", "GET", "/api/v2/notifications/policy", { shape: E.NotificationPolicy });
await c("pages/notifications.jsx", "GET", "/api/v1/notifications/requests", { shape: "array" });
await c("pages/notifications.jsx", "POST", "/api/v1/markers", { body: { notifications: { last_read_id: "1" } }, shape: "object" });
await c("pages/filters.jsx", "GET", "/api/v2/filters", { shape: [E.Filter] });
E.done("Phanpy");
