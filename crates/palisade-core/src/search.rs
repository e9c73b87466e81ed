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

/// What resolving a search query made known (federation fetches it first).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Resolved {
    #[default]
    Nothing,
    Account(i64),
    Status(i64),
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
    /// Searches; what resolving found (`resolved`: an account or status fetched by its URL
    /// or handle) comes first, as Mastodon answers it at once.
    pub async fn search(
        &self,
        viewer: Option<&Account>,
        q: &str,
        kind: Option<SearchKind>,
        limit: i64,
        offset: i64,
        resolved: Resolved,
    ) -> Result<SearchResults> {
        let q = q.trim();
        check_query(q)?;
        let mut out = SearchResults::default();
        if q.is_empty() {
            return Ok(out);
        }
        let wants = |k: SearchKind| kind.is_none_or(|w| w == k);
        let is_url = q.starts_with("https://") || q.starts_with("http://");
        if wants(SearchKind::Accounts) {
            out.accounts = self
                .search_accounts(viewer.map(|v| v.id), q, false, limit, offset)
                .await?;
            // An account named by its URL: the one resolved, or one known by that URI.
            let by_url = match resolved {
                Resolved::Account(id) => Some(id),
                _ if is_url => palisade_store::domain_views::by_url(&self.db, q)
                    .await?
                    .map(|a| a.id),
                _ => None,
            };
            if let Some(id) = by_url.filter(|_| offset == 0)
                && !out.accounts.iter().any(|a| a.id == id)
            {
                let found = self.account_views(&[id]).await?;
                out.accounts.splice(0..0, found);
                out.accounts.truncate(limit.max(1) as usize);
            }
        }
        if wants(SearchKind::Statuses) && offset == 0 {
            // A status by its URL, URI or id; full-text search is not offered.
            let found = match (resolved, q.parse::<i64>()) {
                (Resolved::Status(id), _) | (_, Ok(id)) => Some(id),
                _ if is_url => statuses::by_uri(&self.db, q).await?.map(|s| s.id),
                _ => None,
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
