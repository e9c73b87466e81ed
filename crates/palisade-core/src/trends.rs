//! Trends, simply counted from the last days' public activity (Mastodon reviews them; a
//! small instance counts): hashtags used by the most accounts this week, statuses with the
//! most boosts and favourites in two days. Links need preview cards, which this server does
//! not make yet: that list is empty.

use palisade_store::{accounts::Account, ids, now_ms, trends as store};

use crate::tags::TagView;
use crate::views::{StatusView, ViewOptions};
use crate::{Core, Result};

const DAY_MS: i64 = 86_400_000;

impl Core {
    pub async fn trending_tags(
        &self,
        viewer: Option<&Account>,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<TagView>> {
        let since = ids::min_id_at(now_ms() - 7 * DAY_MS);
        let mut out = Vec::new();
        for (id, name) in store::tags(&self.db, since, limit, offset).await? {
            let tag = palisade_store::tags::Tag { id, name };
            out.push(self.tag_view_of(viewer, tag).await?);
        }
        Ok(out)
    }

    pub async fn trending_statuses(
        &self,
        viewer: Option<&Account>,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<StatusView>> {
        let since = ids::min_id_at(now_ms() - 2 * DAY_MS);
        let ids = store::statuses(&self.db, since, limit, offset).await?;
        let opts = ViewOptions {
            hide_blocked_and_muted: true,
            filter: Some(crate::filters::FilterContext::Public),
            keep_hidden: false,
        };
        self.status_views(viewer, &ids, opts).await
    }
}
