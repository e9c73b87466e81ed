use palisade_core::relationships::Relationship as Rel;
use serde::Serialize;

use super::iso;

#[derive(Serialize)]
pub struct Relationship {
    pub id: String,
    pub following: bool,
    pub showing_reblogs: bool,
    pub notifying: bool,
    pub languages: Option<Vec<String>>,
    pub followed_by: bool,
    pub blocking: bool,
    pub blocked_by: bool,
    pub muting: bool,
    pub muting_notifications: bool,
    pub muting_expires_at: Option<String>,
    pub requested: bool,
    pub requested_by: bool,
    pub domain_blocking: bool,
    pub endorsed: bool,
    pub note: String,
}

pub fn relationship(r: &Rel) -> Relationship {
    Relationship {
        id: r.id.to_string(),
        following: r.following,
        showing_reblogs: r.showing_reblogs,
        notifying: r.notifying,
        languages: r.languages.clone(),
        followed_by: r.followed_by,
        blocking: r.blocking,
        blocked_by: r.blocked_by,
        muting: r.muting,
        muting_notifications: r.muting_notifications,
        muting_expires_at: r.muting_expires_at.map(iso),
        requested: r.requested,
        requested_by: r.requested_by,
        domain_blocking: r.domain_blocking,
        endorsed: r.endorsed,
        note: r.note.clone(),
    }
}
