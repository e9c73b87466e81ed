//! ActivityPub for Palisade: keys and HTTP signatures, documents (actors, notes,
//! collections), WebFinger, the outbound fetch client, inbound activity handling and
//! outbound delivery.

mod actors;
mod addresses;
mod context;
pub mod documents;
pub mod fetch;
mod inbound;
pub mod inbox;
mod key_cache;
pub mod keys;
pub mod media;
pub mod nodeinfo;
mod notes;
pub mod outbound;
pub mod polls;
pub mod publish;
pub mod push;
pub mod sanitize;
pub mod signatures;
pub mod vocab;

pub use actors::{parse_actor, webfinger_self_link};
pub use context::{FedError, FedResult, Federation, FederationConfig};
