//! Media over ActivityPub: reading attachments, emoji and profile images of other servers'
//! documents; fetching their files for the cache (guarded, checked, never on a member's
//! behalf with the member's headers); the media job runner; preview cards; profile link
//! verification.

mod cards;
mod fetch;
pub mod jobs;
mod links;
pub mod publish;
pub mod vocab;

pub use fetch::ProxyError;
