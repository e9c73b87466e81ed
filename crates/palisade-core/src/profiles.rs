//! What a member keeps about other accounts: private notes, featured accounts
//! (endorsements), and which of an account's followers they know.

use palisade_store::relationships::{self as rel, FollowTable};
use palisade_store::{Page, PageQuery, accounts::Account, ids::new_id, profiles};

use crate::auth::Viewer;
use crate::relationships::Relationship;
use crate::{Core, Error, Result};

impl Core {
    /// Sets the viewer's private note on an account (empty removes it).
    pub async fn set_account_note(
        &self,
        viewer: &Viewer,
        target_id: i64,
        comment: &str,
    ) -> Result<Relationship> {
        let me = viewer.account()?;
        let target = self.account(target_id).await?;
        if comment.chars().count() > 2000 {
            return Err(Error::field(
                "comment",
                "ERR_TOO_LONG",
                "is too long (maximum is 2000 characters)",
            ));
        }
        profiles::set_note(&self.db, me.id, target.id, comment.trim()).await?;
        self.relationship(me, target.id).await
    }

    /// Features (`on`) an account the viewer follows on their profile, or stops featuring it.
    pub async fn set_endorsed(&self, viewer: &Viewer, target_id: i64, on: bool) -> Result<Relationship> {
        let me = viewer.account()?;
        let target = self.account(target_id).await?;
        if on {
            if rel::get(&self.db, FollowTable::Follows, me.id, target.id)
                .await?
                .is_none()
            {
                return Err(Error::invalid(
                    "Validation failed: You must be following the account to feature it",
                ));
            }
            profiles::endorse(&self.db, new_id(), me.id, target.id).await?;
        } else {
            profiles::unendorse(&self.db, me.id, target.id).await?;
        }
        self.relationship(me, target.id).await
    }

    /// Accounts `account_id` features on their profile.
    pub async fn endorsements(&self, account_id: i64, page: &PageQuery) -> Result<Page<i64>> {
        Ok(profiles::endorsements(&self.db, account_id, page).await?)
    }

    /// For each target: which of its followers the viewer follows.
    pub async fn familiar_followers(
        &self,
        viewer: &Viewer,
        targets: &[i64],
    ) -> Result<Vec<(i64, Vec<Account>)>> {
        let me = viewer.account()?;
        let mut out = Vec::with_capacity(targets.len());
        for &t in targets.iter().take(40) {
            // An account that hides its network reveals no followers, familiar or not.
            let hidden = self
                .account(t)
                .await
                .map(|a| a.hide_collections && a.id != me.id)
                .unwrap_or(true);
            let ids = if hidden {
                Vec::new()
            } else {
                profiles::familiar_followers(&self.db, me.id, t, 40).await?
            };
            out.push((t, self.account_views(&ids).await?));
        }
        Ok(out)
    }
}
