//! Whom to follow: authors a member often favourited or boosted, then the most followed
//! discoverable local accounts.

use palisade_store::accounts::Account;
use palisade_store::suggestions as store;

use crate::auth::Viewer;
use crate::{Core, Result};

/// Why an account is suggested (Mastodon's `source` and `sources`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    PastInteractions,
    Global,
}

impl Core {
    pub async fn suggestions(&self, viewer: &Viewer, limit: i64) -> Result<Vec<(Account, Source)>> {
        let me = viewer.account_id()?;
        let mut picked: Vec<(i64, Source)> = store::past_interactions(&self.db, me, limit)
            .await?
            .into_iter()
            .map(|a| (a, Source::PastInteractions))
            .collect();
        for a in store::most_followed(&self.db, me, limit).await? {
            if picked.len() as i64 >= limit {
                break;
            }
            if !picked.iter().any(|(p, _)| *p == a) {
                picked.push((a, Source::Global));
            }
        }
        let ids: Vec<i64> = picked.iter().map(|(a, _)| *a).collect();
        let accounts = self.account_views(&ids).await?;
        Ok(picked
            .into_iter()
            .filter_map(|(id, s)| accounts.iter().find(|a| a.id == id).map(|a| (a.clone(), s)))
            .collect())
    }

    pub async fn dismiss_suggestion(&self, viewer: &Viewer, account_id: i64) -> Result<()> {
        let me = viewer.account_id()?;
        self.account(account_id).await?;
        Ok(store::dismiss(&self.db, me, account_id).await?)
    }
}
