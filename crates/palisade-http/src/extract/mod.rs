//! Request extractors: credentials, and parameters from the query string and the body
//! (JSON, form or multipart) merged the way Rails merges them for Mastodon.

mod auth;
pub mod client_ip;
pub(crate) mod params;
mod upload;

pub use auth::{Auth, MaybeAuth};
pub use client_ip::ClientIp;
pub use params::{Params, check_params, parse_query};
pub use upload::WithFiles;
