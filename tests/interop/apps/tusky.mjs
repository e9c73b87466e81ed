// Tusky (tuskyapp/Tusky, Android, Retrofit): the calls it makes when the main screen opens
// and its four default tabs (Home, Notifications, Local, Direct messages) load. Source files
// are under app/src/main/java/com/keylesspalace/tusky/ in Tusky's repository (endpoints in
// network/MastodonApi.kt); docs/CLIENTS.md lists them.
import * as E from "./lib.mjs";

await E.prepare();
const c = E.call;

// MainViewModel.kt: the account and announcements.
await c("MainViewModel.kt loadAccountData", "GET", "/api/v1/accounts/verify_credentials", { shape: { ...E.Account, source: { privacy: "string", sensitive: "boolean" } } });
await c("MainViewModel.kt fetchAnnouncements", "GET", "/api/v1/announcements", { shape: [E.Announcement] });
// components/instanceinfo/InstanceInfoRepository.kt: instance (v2) and custom emojis.
await c("components/instanceinfo/InstanceInfoRepository.kt", "GET", "/api/v2/instance", { shape: E.InstanceV2 });
await c("components/instanceinfo/InstanceInfoRepository.kt", "GET", "/api/v1/custom_emojis", { shape: [E.Emoji] });
// network/FilterModel.kt: filters (v2).
await c("network/FilterModel.kt", "GET", "/api/v2/filters", { shape: [E.Filter] });
// Tabs (TabData.kt defaultTabs): Home, Notifications, Local, Direct.
await c("components/timeline/viewmodel/CachedTimelineRemoteMediator.kt", "GET", "/api/v1/timelines/home?limit=40", { shape: [E.Status] });
await c("components/notifications/NotificationsRemoteMediator.kt", "GET", "/api/v1/notifications?limit=40&exclude_types%5B%5D=admin.sign_up", { shape: [E.Notification] });
await c("components/notifications/NotificationsViewModel.kt", "GET", "/api/v1/markers?timeline%5B%5D=notifications", { shape: { notifications: "object?" } });
await c("components/timeline/viewmodel/NetworkTimelineViewModel.kt", "GET", "/api/v1/timelines/public?local=true&limit=40", { shape: [E.Status] });
await c("components/conversation/ConversationsRemoteMediator.kt", "GET", "/api/v1/conversations?limit=40", { shape: [E.Conversation] });
// Lists for the tab editor and the drawer (viewmodel/ListsViewModel.kt).
await c("viewmodel/ListsViewModel.kt", "GET", "/api/v1/lists", { shape: [E.List] });
// Background notifications (worker/NotificationWorker.kt → notificationsWithAuth, markers).
await c("worker/NotificationWorker.kt", "GET", "/api/v1/notifications?limit=40", { shape: [E.Notification] });
E.done("Tusky");
