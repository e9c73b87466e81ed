// Ice Cubes (Dimillian/IceCubesApp, iOS, SwiftUI): the calls it makes when it becomes active
// and when its default tabs (Timeline, Notifications, Explore, Messages, Profile) load.
// Source files are under Packages/ (the app's shell under IceCubesApp/) in its repository;
// docs/CLIENTS.md lists them.
import * as E from "./lib.mjs";

const { me } = await E.prepare();
const c = E.call;

// Env: CurrentAccount fetchUserData, CurrentInstance, UserPreferences.
await c("Env/Sources/Env/CurrentAccount.swift fetchCurrentAccount", "GET", "/api/v1/accounts/verify_credentials", { shape: E.Account });
await c("Env/Sources/Env/CurrentAccount.swift fetchConnections", "GET", "/api/v1/instance/peers", { shape: "array" });
await c("Env/Sources/Env/CurrentAccount.swift fetchLists", "GET", "/api/v1/lists", { shape: [E.List] });
await c("Env/Sources/Env/CurrentAccount.swift fetchFollowedTags", "GET", "/api/v1/followed_tags", { shape: [E.Tag] });
await c("Env/Sources/Env/CurrentAccount.swift fetchFollowerRequests", "GET", "/api/v1/follow_requests", { shape: "array" });
const instance = await c("Env/Sources/Env/CurrentInstance.swift", "GET", "/api/v2/instance", { shape: E.InstanceV2 });
await c("Env/Sources/Env/UserPreferences.swift refreshServerPreferences", "GET", "/api/v1/preferences", { shape: E.Preferences });
await c("Env/Sources/Env/UserPreferences.swift reloadNotificationsCount", "GET", "/api/v2/notifications/unread_count", { shape: { count: "number" } });
// IceCubesApp.swift handleScenePhase: watcher.watch(streams: [.user, .direct]) (Env/StreamWatcher.swift).
await E.websocket("Env/Sources/Env/StreamWatcher.swift", instance.configuration.urls.streaming, [{ stream: "user" }, { stream: "direct" }], async () => {
  await fetch(`${E.url}/api/v1/statuses`, {
    method: "POST",
    headers: { authorization: `Bearer ${E.other}`, "content-type": "application/json" },
    body: JSON.stringify({ status: `@${me.acct} a message while Ice Cubes is open`, visibility: "direct" }),
  });
});
// Push: Env/PushNotificationsService.swift subscribes through its proxy with the instance's VAPID key.
await c("Env/Sources/Env/PushNotificationsService.swift", "POST", "/api/v1/push/subscription", {
  body: {
    subscription: {
      endpoint: "https://push.example/push/icecubes",
      keys: { p256dh: "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4", auth: "BTBZMqHH6r4Tts7J_aSIgg" },
    },
    data: { alerts: { follow: true, favourite: true, reblog: true, mention: true, poll: true }, policy: "all" },
  },
  shape: { id: "string", endpoint: "string", alerts: { mention: "boolean" }, server_key: "string" },
});
await c("Env/Sources/Env/PushNotificationsService.swift", "DELETE", "/api/v1/push/subscription", { shape: "object" });
// Timeline tab (timeline.endpoint and the home marker).
await c("Timeline/Sources/Timeline/View/TimelineViewModel.swift", "GET", "/api/v1/timelines/home?limit=50", { shape: [E.Status] });
await c("Timeline/Sources/Timeline/View/TimelineViewModel.swift", "GET", "/api/v1/markers?timeline%5B%5D=home", { shape: "object" });
// Notifications tab (v2 grouped, the policy, requests).
await c("Notifications/Sources/Notifications/List/NotificationsListDataSource.swift", "GET", "/api/v2/notifications?limit=50", { shape: { notification_groups: "array", accounts: "array", statuses: "array" } });
await c("Notifications/Sources/Notifications/List/NotificationsListDataSource.swift", "GET", "/api/v2/notifications/policy", { shape: E.NotificationPolicy });
await c("Notifications/Sources/Notifications/Requests/NotificationsRequestsListView.swift", "GET", "/api/v1/notifications/requests", { shape: "array" });
// Explore tab (trends and suggestions, fetched together).
await c("Explore/Sources/Explore/ExploreView.swift", "GET", "/api/v1/trends/tags", { shape: [E.Tag] });
await c("Explore/Sources/Explore/ExploreView.swift", "GET", "/api/v1/trends/statuses", { shape: [E.Status] });
await c("Explore/Sources/Explore/ExploreView.swift", "GET", "/api/v1/trends/links", { shape: "array" });
await c("Explore/Sources/Explore/ExploreView.swift", "GET", "/api/v1/suggestions", { shape: [E.Account] });
// Messages tab.
await c("Conversations/Sources/Conversations/List/ConversationsListDataSource.swift", "GET", "/api/v1/conversations", { shape: [E.Conversation] });
// Profile tab: one's own account.
await c("Account/Sources/Account/Detail/AccountDetailView.swift", "GET", `/api/v1/accounts/${me.id}`, { shape: E.Account });
await c("Account/Sources/Account/Detail/AccountDetailView.swift", "GET", `/api/v1/accounts/${me.id}/featured_tags`, { shape: [{ id: "string", name: "string", url: "string", statuses_count: "string" }] });
await c("Account/Sources/Account/Detail/AccountDetailView.swift", "GET", `/api/v1/accounts/relationships?id%5B%5D=${me.id}`, { shape: [E.Relationship] });
await c("Account/Sources/Account/Detail/AccountDetailView.swift", "GET", `/api/v1/accounts/familiar_followers?id%5B%5D=${me.id}`, { shape: "array" });
await c("Account/Sources/Account/Detail/Tabs/StatusesTab.swift", "GET", `/api/v1/accounts/${me.id}/statuses?pinned=true`, { shape: [E.Status] });
await c("Account/Sources/Account/Detail/Tabs/StatusesTab.swift", "GET", `/api/v1/accounts/${me.id}/statuses?limit=20`, { shape: [E.Status] });
E.done("Ice Cubes");
