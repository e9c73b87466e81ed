//! The data other crates see: rows as the store returns them, exported deliberately. Other
//! crates read these; only core writes them (through its services).

pub use palisade_store::account_media::ProfileImage;
pub use palisade_store::accounts::{Account, RemoteProfile};
pub use palisade_store::announcements::Announcement;
pub use palisade_store::apps::App;
pub use palisade_store::conversations::Conversation;
pub use palisade_store::domain_policies::{AdminAction, DomainBlock, Impact};
pub use palisade_store::featured_tags::FeaturedTag;
pub use palisade_store::feeds::Origin;
pub use palisade_store::filters::{Filter, FilteredStatus, Keyword as FilterKeyword};
pub use palisade_store::ids::{id_time, new_id};
pub use palisade_store::interactions::Mark;
pub use palisade_store::lists::List;
pub use palisade_store::markers::Marker;
pub use palisade_store::notification_requests::{
    Policy as NotificationPolicy, Request as NotificationRequest,
};
pub use palisade_store::notifications::{Filter as NotificationFilter, Notification};
pub use palisade_store::peers::{Peer, Ties};
pub use palisade_store::polls::Poll;
pub use palisade_store::push::Subscription as PushSubscription;
pub use palisade_store::relationships::{Edge, Follow, FollowTable, RelationshipRows};
pub use palisade_store::reports::{Filter as ReportFilter, Report};
pub use palisade_store::severances::{Event as SeveranceEvent, MemberSeverance};
pub use palisade_store::statuses::{AccountFilter, Status, StatusEdit};
pub use palisade_store::tags::Tag;
pub use palisade_store::users::User;
pub use palisade_store::{Backend, Page, PageQuery, Severity, Visibility, now_ms};
