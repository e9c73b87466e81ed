//! Trends, simply counted from the last days' public activity (Mastodon reviews them; a
//! small instance counts): hashtags and links (preview cards) shared by the most accounts
//! this week, statuses with the most boosts and favourites in two days.

use palisade_store::{accounts::Account, cards, ids, now_ms, trends as store};

use crate::tags::TagView;
use crate::views::{StatusView, ViewOptions};
use crate::{Core, Result};

const DAY_MS: i64 = 86_400_000;

/// A trending link: its preview card and its uses on each of the last seven days, newest
/// first, as (day start, uses, accounts).
pub struct LinkTrend {
    pub card: cards::Card,
    pub history: Vec<(i64, i64, i64)>,
}

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

    pub async fn trending_links(&self, limit: i64, offset: i64) -> Result<Vec<LinkTrend>> {
        let since = ids::min_id_at(now_ms() - 7 * DAY_MS);
        let now = now_ms();
        let today = now - now.rem_euclid(DAY_MS);
        let days: Vec<i64> = (0..7).map(|i| today - i * DAY_MS).collect();
        let mut out = Vec::new();
        for id in store::links(&self.db, since, limit, offset).await? {
            if let Some(card) = cards::by_id(&self.db, id).await? {
                let history = store::link_history(&self.db, id, &days).await?;
                out.push(LinkTrend { card, history });
            }
        }
        Ok(out)
    }
}
