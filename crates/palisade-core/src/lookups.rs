//! Plain reads of the model by id, URI, handle or key: what federation needs to render
//! documents, plan deliveries and match what arrives to what is stored. No rules here; where
//! a read is governed by a rule (visibility, policy), use the service that applies it.

use palisade_store::relationships::{self as rel, FollowTable};
use palisade_store::statuses::{self, AccountFilter, Status};
use palisade_store::{Page, PageQuery, accounts, accounts::Account, interactions, reports, tags, tombstones};

use crate::{Core, Result};

impl Core {
    pub async fn find_account(&self, id: i64) -> Result<Option<Account>> {
        Ok(accounts::by_id(&self.db, id).await?)
    }

    pub async fn accounts_by_ids(&self, ids: &[i64]) -> Result<Vec<Account>> {
        Ok(accounts::by_ids(&self.db, ids).await?)
    }

    pub async fn account_by_uri(&self, uri: &str) -> Result<Option<Account>> {
        Ok(accounts::by_uri(&self.db, uri).await?)
    }

    /// An account by `username` on `domain` (`None`: a local account).
    pub async fn account_by_handle(&self, username: &str, domain: Option<&str>) -> Result<Option<Account>> {
        Ok(accounts::by_username(&self.db, username, domain).await?)
    }

    /// The account publishing the key `key_id`, and the key's PEM.
    pub async fn account_by_key_id(&self, key_id: &str) -> Result<Option<(Account, String)>> {
        Ok(accounts::by_key_id(&self.db, key_id).await?)
    }

    pub async fn find_status(&self, id: i64) -> Result<Option<Status>> {
        Ok(statuses::by_id(&self.db, id).await?)
    }

    pub async fn statuses_by_ids(&self, ids: &[i64]) -> Result<Vec<Status>> {
        Ok(statuses::by_ids(&self.db, ids).await?)
    }

    pub async fn status_by_uri(&self, uri: &str) -> Result<Option<Status>> {
        Ok(statuses::by_uri(&self.db, uri).await?)
    }

    /// The accounts a status mentions, in the order they were mentioned.
    pub async fn mentioned_accounts(&self, status_id: i64) -> Result<Vec<Account>> {
        let ids: Vec<i64> = statuses::mentions_of(&self.db, &[status_id])
            .await?
            .into_iter()
            .map(|(_, a)| a)
            .collect();
        self.accounts_by_ids(&ids).await
    }

    pub async fn status_tags(&self, status_id: i64) -> Result<Vec<palisade_store::tags::Tag>> {
        Ok(tags::of_statuses(&self.db, &[status_id])
            .await?
            .into_iter()
            .map(|(_, t)| t)
            .collect())
    }

    /// An account's statuses, newest first, as the outbox lists them (no visibility rule
    /// applied: the caller filters).
    pub async fn account_status_ids(
        &self,
        account_id: i64,
        filter: &AccountFilter,
        page: &PageQuery,
    ) -> Result<Page<i64>> {
        Ok(statuses::by_account(&self.db, account_id, filter, page).await?)
    }

    pub async fn pinned_status_ids(&self, account_id: i64) -> Result<Vec<i64>> {
        Ok(interactions::pinned(&self.db, account_id).await?)
    }

    /// A page of an account's followers (`following = false`) or of whom it follows, keyed by
    /// the follow's id: (follow id, account id).
    pub async fn follow_page(&self, account_id: i64, following: bool, page: &PageQuery) -> Result<Page<i64>> {
        Ok(if following {
            rel::following_page(&self.db, account_id, page).await?
        } else {
            rel::followers_page(&self.db, FollowTable::Follows, account_id, page).await?
        })
    }

    /// The pending follow request from `account_id` to `target_id`, if any: its Follow URI.
    pub async fn follow_request_uri(&self, account_id: i64, target_id: i64) -> Result<Option<String>> {
        Ok(rel::get(&self.db, FollowTable::Requests, account_id, target_id)
            .await?
            .and_then(|f| f.uri))
    }

    /// The inboxes of an account's remote followers (shared ones where known), deduplicated.
    pub async fn remote_follower_inboxes(&self, account_id: i64) -> Result<Vec<String>> {
        Ok(rel::remote_follower_inboxes(&self.db, account_id).await?)
    }

    /// Remembers that a local status was deleted, so its URI answers 410 Gone.
    pub async fn record_tombstone(&self, uri: &str, account_id: i64) -> Result<()> {
        Ok(tombstones::add(&self.db, uri, account_id).await?)
    }

    /// When the local status at `uri` was deleted, if it was.
    pub async fn tombstone(&self, uri: &str) -> Result<Option<i64>> {
        Ok(tombstones::deleted_at(&self.db, uri).await?)
    }

    pub async fn find_report(&self, id: i64) -> Result<Option<palisade_store::reports::Report>> {
        Ok(reports::by_id(&self.db, id).await?)
    }
}
