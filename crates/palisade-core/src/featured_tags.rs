//! Hashtags members feature on their profiles.

use palisade_store::featured_tags::{self as store, FeaturedTag};
use palisade_store::{ids::new_id, now_ms, tags};

use crate::auth::Viewer;
use crate::tags::TagView;
use crate::{Core, Error, Result};

/// Featured hashtags per account, as Mastodon limits them.
pub const MAX_FEATURED_TAGS: i64 = 10;

fn tag_name(name: &str) -> Result<String> {
    let name = name.trim().trim_start_matches('#');
    if name.is_empty() || !name.chars().all(|c| c.is_alphanumeric() || c == '_') || name.chars().count() > 100
    {
        return Err(Error::field("name", "ERR_INVALID", "is invalid"));
    }
    Ok(name.to_owned())
}

impl Core {
    /// An account's featured hashtags (anyone may read them).
    pub async fn featured_tags_of(&self, account_id: i64) -> Result<Vec<FeaturedTag>> {
        let account = self.account(account_id).await?;
        Ok(store::of_account(&self.db, account.id).await?)
    }

    pub async fn own_featured_tags(&self, viewer: &Viewer) -> Result<Vec<FeaturedTag>> {
        Ok(store::of_account(&self.db, viewer.account_id()?).await?)
    }

    /// Features a hashtag (creating it if nobody used it yet); featuring it again is fine.
    pub async fn feature_tag(&self, viewer: &Viewer, name: &str) -> Result<FeaturedTag> {
        let me = viewer.account_id()?;
        let name = tag_name(name)?;
        let mut tx = self.db.begin().await?;
        let tag = tags::upsert(&mut tx, std::slice::from_ref(&name))
            .await?
            .pop()
            .ok_or_else(Error::not_found)?;
        if !store::is_featured(&mut tx, me, tag.id).await?
            && store::count(&mut tx, me).await? >= MAX_FEATURED_TAGS
        {
            return Err(Error::invalid(
                "Validation failed: You have already featured the maximum number of hashtags",
            ));
        }
        let id = store::add(&mut tx, new_id(), me, tag.id, now_ms()).await?;
        tx.commit().await?;
        store::get(&self.db, me, id).await?.ok_or_else(Error::not_found)
    }

    pub async fn unfeature(&self, viewer: &Viewer, id: i64) -> Result<()> {
        if store::remove(&self.db, viewer.account_id()?, id).await? {
            Ok(())
        } else {
            Err(Error::not_found())
        }
    }

    /// `POST /api/v1/tags/:name/feature` and `unfeature`: the tag's view afterwards.
    pub async fn set_tag_featured(&self, viewer: &Viewer, name: &str, on: bool) -> Result<TagView> {
        let me = viewer.account()?;
        if on {
            self.feature_tag(viewer, name).await?;
        } else if let Some(tag) = tags::by_name(&self.db, &tag_name(name)?).await? {
            store::remove_tag(&self.db, me.id, tag.id).await?;
        }
        self.tag_view(Some(me), name).await
    }

    /// Hashtags the viewer used lately and has not featured.
    pub async fn featured_tag_suggestions(&self, viewer: &Viewer) -> Result<Vec<TagView>> {
        let me = viewer.account()?;
        let mut out = Vec::new();
        for (_, name) in store::suggestions(&self.db, me.id, 10).await? {
            out.push(self.tag_view(Some(me), &name).await?);
        }
        Ok(out)
    }

    /// Whether `account_id` features the tag `tag_id`.
    pub(crate) async fn features(&self, account_id: i64, tag_id: i64) -> Result<bool> {
        Ok(store::is_featured(&self.db, account_id, tag_id).await?)
    }
}
