//! The scope lists routes ask for most often (a token needs one of each list).

pub const RS: &[&str] = &["read:statuses"];
pub const WS: &[&str] = &["write:statuses"];
pub const RA: &[&str] = &["read:accounts"];
pub const WA: &[&str] = &["write:accounts"];
pub const RN: &[&str] = &["read:notifications"];
pub const WN: &[&str] = &["write:notifications"];
pub const RF: &[&str] = &["read:filters"];
pub const WF: &[&str] = &["write:filters"];
pub const RL: &[&str] = &["read:lists"];
pub const WL: &[&str] = &["write:lists"];
pub const WFAV: &[&str] = &["write:favourites"];
pub const WB: &[&str] = &["write:bookmarks"];
pub const WM: &[&str] = &["write:mutes"];
/// Follows, blocks and mutes of accounts also accept the old `follow` scope.
pub const WFO: &[&str] = &["write:follows", "follow"];
pub const WBL: &[&str] = &["write:blocks", "follow"];
pub const WMU: &[&str] = &["write:mutes", "follow"];
pub const READ_BLOCKS: &[&str] = &["read:blocks", "follow"];
pub const WRITE_BLOCKS: &[&str] = &["write:blocks", "follow"];
pub const WRITE_FOLLOWS: &[&str] = &["write:follows", "follow"];
