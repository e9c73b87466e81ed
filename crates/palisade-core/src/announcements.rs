//! Announcements: written by admins (the command line), published when they start (a timer
//! job, so a running server's streams hear of them whichever process wrote them), with
//! members' emoji reactions and dismissals.

use palisade_store::announcements::{self as store, Announcement};
use palisade_store::{ids::new_id, now_ms};

use crate::auth::Viewer;
use crate::live::LiveEvent;
use crate::timers::Timer;
use crate::{Core, Error, Result};

/// Different reactions one announcement takes, as Mastodon limits them.
const MAX_REACTIONS: usize = 8;

/// An announcement as a member sees it.
#[derive(Clone, Debug)]
pub struct AnnouncementView {
    pub announcement: Announcement,
    /// The member dismissed it.
    pub read: bool,
    /// (name, count, the member among them), in the order first used.
    pub reactions: Vec<(String, i64, bool)>,
}

/// An announcement as an admin writes it.
#[derive(Clone, Debug, Default)]
pub struct NewAnnouncement {
    pub text: String,
    pub starts_at: Option<i64>,
    pub ends_at: Option<i64>,
    pub all_day: bool,
}

/// Whether `name` is a Unicode emoji (one grapheme of pictographs, joiners, selectors,
/// skin tones, flags or keycaps). There are no custom emoji here.
pub fn is_emoji(name: &str) -> bool {
    let chars: Vec<char> = name.chars().collect();
    if chars.is_empty() || chars.len() > 16 {
        return false;
    }
    let pictograph = |c: char| {
        matches!(c as u32,
            0x00A9 | 0x00AE | 0x203C | 0x2049 | 0x2122 | 0x2139 | 0x2194..=0x21AA | 0x231A..=0x23FF
            | 0x24C2 | 0x25AA..=0x25FE | 0x2600..=0x27BF | 0x2934 | 0x2935 | 0x2B05..=0x2B55
            | 0x3030 | 0x303D | 0x3297 | 0x3299 | 0x1F000..=0x1FAFF)
    };
    let modifier = |c: char| matches!(c as u32, 0x200D | 0xFE0F | 0xFE0E | 0x20E3 | 0xE0020..=0xE007F);
    let keycap = chars.len() >= 2
        && matches!(chars[0], '0'..='9' | '#' | '*')
        && chars[1..].iter().all(|c| modifier(*c))
        && chars.contains(&'\u{20E3}');
    keycap || (pictograph(chars[0]) && chars.iter().all(|c| pictograph(*c) || modifier(*c)))
}

impl Core {
    /// Writes an announcement; it is published when it starts (now if it has no start).
    pub async fn create_announcement(&self, new: NewAnnouncement) -> Result<Announcement> {
        let text = new.text.trim();
        if text.is_empty() {
            return Err(Error::field("text", "ERR_BLANK", "can't be blank"));
        }
        if let (Some(s), Some(e)) = (new.starts_at, new.ends_at)
            && e <= s
        {
            return Err(Error::invalid(
                "Validation failed: Ends at must be after the start",
            ));
        }
        let now = now_ms();
        let a = Announcement {
            id: new_id(),
            text: text.to_owned(),
            content_html: crate::content::render(text, &self.settings.public_url, &|_| None).html,
            starts_at: new.starts_at,
            ends_at: new.ends_at,
            all_day: new.all_day,
            published_at: None,
            created_at: now,
            updated_at: now,
        };
        let mut tx = self.db.begin().await?;
        store::insert(&mut tx, &a).await?;
        let at = new.starts_at.unwrap_or(now).max(now);
        self.set_timer(&mut tx, Timer::PublishAnnouncement { id: a.id }, at)
            .await?;
        tx.commit().await?;
        Ok(a)
    }

    /// Publishes an announcement (once) and tells every member's stream.
    pub(crate) async fn publish_announcement(&self, id: i64, at: i64) -> Result<()> {
        if store::publish(&self.db, id, at).await? {
            self.live_now(LiveEvent::Announcement { id }).await?;
        }
        Ok(())
    }

    pub async fn delete_announcement(&self, id: i64) -> Result<()> {
        if !store::delete(&self.db, id).await? {
            return Err(Error::not_found());
        }
        self.live_now(LiveEvent::AnnouncementDeleted { id }).await
    }

    /// Every announcement, for the command line.
    pub async fn all_announcements(&self) -> Result<Vec<Announcement>> {
        Ok(store::all(&self.db).await?)
    }

    /// Published, unended announcements (with `with_dismissed`, also those dismissed).
    pub async fn announcements(
        &self,
        viewer: &Viewer,
        with_dismissed: bool,
    ) -> Result<Vec<AnnouncementView>> {
        let me = viewer.account_id()?;
        let list = store::active(&self.db, now_ms()).await?;
        let views = self.announcement_views(Some(me), list).await?;
        Ok(views.into_iter().filter(|v| with_dismissed || !v.read).collect())
    }

    pub(crate) async fn announcement_views(
        &self,
        viewer: Option<i64>,
        list: Vec<Announcement>,
    ) -> Result<Vec<AnnouncementView>> {
        let ids: Vec<i64> = list.iter().map(|a| a.id).collect();
        let reactions = store::reactions(&self.db, &ids, viewer).await?;
        let read = match viewer {
            Some(v) => store::read_among(&self.db, v, &ids).await?,
            None => Vec::new(),
        };
        Ok(list
            .into_iter()
            .map(|a| AnnouncementView {
                read: read.contains(&a.id),
                reactions: reactions
                    .iter()
                    .filter(|(id, ..)| *id == a.id)
                    .map(|(_, name, n, me)| (name.clone(), *n, *me))
                    .collect(),
                announcement: a,
            })
            .collect())
    }

    /// A published announcement by id.
    pub(crate) async fn published_announcement(&self, id: i64) -> Result<Announcement> {
        store::get(&self.db, id)
            .await?
            .filter(|a| a.published_at.is_some())
            .ok_or_else(Error::not_found)
    }

    pub async fn dismiss_announcement(&self, viewer: &Viewer, id: i64) -> Result<()> {
        let me = viewer.account_id()?;
        self.published_announcement(id).await?;
        Ok(store::dismiss(&self.db, id, me).await?)
    }

    /// Adds (`on`) or removes the viewer's reaction; streams hear the new count.
    pub async fn react_to_announcement(&self, viewer: &Viewer, id: i64, name: &str, on: bool) -> Result<()> {
        let me = viewer.account_id()?;
        self.published_announcement(id).await?;
        let changed = if on {
            if !is_emoji(name) {
                return Err(Error::invalid(
                    "Validation failed: Name is not a recognized emoji",
                ));
            }
            let existing = store::reactions(&self.db, &[id], None).await?;
            if existing.len() >= MAX_REACTIONS && !existing.iter().any(|(_, n, ..)| n == name) {
                return Err(Error::invalid(
                    "Validation failed: Limit of different reactions reached",
                ));
            }
            store::react(&self.db, id, me, name, now_ms()).await?
        } else {
            store::unreact(&self.db, id, me, name).await?
        };
        if changed {
            self.live_now(LiveEvent::AnnouncementReaction {
                id,
                name: name.to_owned(),
            })
            .await?;
        }
        Ok(())
    }

    /// How many reacted with `name` (for the `announcement.reaction` event).
    pub(crate) async fn reaction_count(&self, id: i64, name: &str) -> Result<i64> {
        Ok(store::reaction_count(&self.db, id, name).await?)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn emoji_names() {
        for ok in ["👍", "❤️", "🇫🇷", "👩‍💻", "1️⃣", "👋🏽", "☕"] {
            assert!(super::is_emoji(ok), "{ok}");
        }
        for bad in ["", "thumbsup", ":blobcat:", "a👍", "👍 ", "1"] {
            assert!(!super::is_emoji(bad), "{bad}");
        }
    }
}
