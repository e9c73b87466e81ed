//! `/api/v2/search`: accounts by handle or name, statuses by URL or id, hashtags by prefix.
//! Resolving remote handles and URLs arrives with federation.

use palisade_store::accounts::Account;
use palisade_store::tags::{self, Tag};
use palisade_store::{now_ms, statuses};

use crate::views::StatusView;
use crate::{Core, Result};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SearchKind {
    Accounts,
    Statuses,
    Hashtags,
}

#[derive(Default)]
pub struct SearchResults {
    pub accounts: Vec<Account>,
    pub statuses: Vec<StatusView>,
    pub hashtags: Vec<Tag>,
}

impl Core {
    pub async fn search(
        &self,
        viewer: Option<&Account>,
        q: &str,
        kind: Option<SearchKind>,
        limit: i64,
        offset: i64,
    ) -> Result<SearchResults> {
        let q = q.trim();
        let mut out = SearchResults::default();
        if q.is_empty() {
            return Ok(out);
        }
        let wants = |k: SearchKind| kind.is_none_or(|w| w == k);
        if wants(SearchKind::Accounts) {
            out.accounts = self.search_accounts(q, limit, offset).await?;
        }
        if wants(SearchKind::Statuses) && offset == 0 {
            // A status by its URL, URI or id; full-text search is not offered.
            let found = match q.parse::<i64>() {
                Ok(id) => Some(id),
                Err(_) if q.starts_with("https://") || q.starts_with("http://") => {
                    statuses::by_uri(&self.db, q).await?.map(|s| s.id)
                }
                Err(_) => None,
            };
            if let Some(id) = found {
                out.statuses = self.status_views(viewer, &[id], Default::default()).await?;
            }
        }
        if wants(SearchKind::Hashtags) {
            let name = q.trim_start_matches('#');
            if !name.is_empty() && !name.contains(char::is_whitespace) {
                out.hashtags = tags::search(&self.db, name, limit, offset).await?;
            }
        }
        Ok(out)
    }

    /// A hashtag and its use over the last seven days, newest day first.
    pub async fn tag_with_history(&self, name: &str) -> Result<(Tag, Vec<(i64, i64, i64)>)> {
        let tag = tags::by_name(&self.db, name.trim_start_matches('#'))
            .await?
            .ok_or_else(crate::Error::not_found)?;
        let day = 86_400_000;
        let today = now_ms() - now_ms().rem_euclid(day);
        let days: Vec<i64> = (0..7).map(|i| today - i * day).collect();
        let history = tags::history(&self.db, tag.id, &days).await?;
        Ok((tag, history))
    }
}
