//! `/api/v2/search`: accounts by handle or name, statuses by URL or id, hashtags by prefix.
//! Resolving remote handles and URLs arrives with federation.

use palisade_store::accounts::Account;
use palisade_store::statuses;
use palisade_store::tags::{self, Tag};

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

/// The longest query searched (a LIKE pattern must stay small; nothing real is longer).
pub const MAX_QUERY_CHARS: usize = 1000;

/// A query within [`MAX_QUERY_CHARS`], or Mastodon's validation error shape saying why not.
pub(crate) fn check_query(q: &str) -> Result<()> {
    if q.chars().count() > MAX_QUERY_CHARS {
        return Err(crate::Error::field(
            "q",
            "ERR_TOO_LONG",
            &format!("is too long (maximum is {MAX_QUERY_CHARS} characters)"),
        ));
    }
    Ok(())
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
        check_query(q)?;
        let mut out = SearchResults::default();
        if q.is_empty() {
            return Ok(out);
        }
        let wants = |k: SearchKind| kind.is_none_or(|w| w == k);
        if wants(SearchKind::Accounts) {
            out.accounts = self
                .search_accounts(viewer.map(|v| v.id), q, false, limit, offset)
                .await?;
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
}
