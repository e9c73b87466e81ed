//! ActivityPub for Palisade: keys and HTTP signatures, documents (actors, notes,
//! collections), WebFinger, the outbound fetch client, inbound activity handling and
//! outbound delivery.

pub mod documents;
pub mod fetch;
pub mod keys;
pub mod sanitize;
pub mod signatures;
pub mod vocab;
