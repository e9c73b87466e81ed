//! Hashtags: their pages, their recent use, and the ones a member follows.

use palisade_store::tags::{self, Tag};
use palisade_store::{Page, PageQuery, accounts::Account, now_ms};

use crate::auth::Viewer;
use crate::{Core, Error, Result};

const DAY_MS: i64 = 86_400_000;

/// The longest hashtag name kept (longer ones are left as text, refused when followed).
pub const MAX_TAG_CHARS: usize = 100;

/// Whether `name` (without `#`) is a hashtag: letters, digits and `_`, not too long.
pub fn is_tag_name(name: &str) -> bool {
    !name.is_empty()
        && name.chars().count() <= MAX_TAG_CHARS
        && name.chars().all(|c| c.is_alphanumeric() || c == '_')
}

/// A hashtag with its last seven days of use (newest first: day start ms, uses, accounts)
/// and whether the viewer follows it.
pub struct TagView {
    pub tag: Tag,
    pub history: Vec<(i64, i64, i64)>,
    pub following: bool,
    /// The viewer features it on their profile.
    pub featuring: bool,
}

impl Core {
    /// A hashtag's page. A name nobody used yet still has one (id 0, no history), as
    /// Mastodon shows unsaved tags, so that clients can offer to follow it.
    pub async fn tag_view(&self, viewer: Option<&Account>, name: &str) -> Result<TagView> {
        let name = name.trim_start_matches('#');
        if !is_tag_name(name) {
            return Err(Error::not_found());
        }
        match tags::by_name(&self.db, name).await? {
            Some(tag) => self.tag_view_of(viewer, tag).await,
            None => Ok(TagView {
                tag: Tag {
                    id: 0,
                    name: name.to_owned(),
                },
                history: Vec::new(),
                following: false,
                featuring: false,
            }),
        }
    }

    pub(crate) async fn tag_view_of(&self, viewer: Option<&Account>, tag: Tag) -> Result<TagView> {
        let now = now_ms();
        let today = now - now.rem_euclid(DAY_MS);
        let days: Vec<i64> = (0..7).map(|i| today - i * DAY_MS).collect();
        let history = tags::history(&self.db, tag.id, &days).await?;
        let (following, featuring) = match viewer {
            Some(v) => (
                !tags::followed_among(&self.db, v.id, &[tag.id]).await?.is_empty(),
                self.features(v.id, tag.id).await?,
            ),
            None => (false, false),
        };
        Ok(TagView {
            tag,
            history,
            following,
            featuring,
        })
    }

    /// Follows or unfollows a hashtag (following creates it if nobody used it yet).
    pub async fn set_tag_followed(&self, viewer: &Viewer, name: &str, on: bool) -> Result<TagView> {
        let me = viewer.account()?;
        let name = name.trim_start_matches('#');
        if !is_tag_name(name) {
            return Err(Error::not_found());
        }
        let mut tx = self.db.begin().await?;
        let tag = tags::upsert(&mut tx, &[name.to_owned()])
            .await?
            .pop()
            .ok_or_else(Error::not_found)?;
        tags::set_followed(&mut tx, me.id, tag.id, on).await?;
        tx.commit().await?;
        self.tag_view_of(Some(me), tag).await
    }

    pub async fn followed_tags(&self, viewer: &Viewer, page: &PageQuery) -> Result<Page<Tag>> {
        Ok(tags::followed_page(&self.db, viewer.account_id()?, page).await?)
    }
}
