//! Actors as federation keeps them: remote profiles stored from their documents, local key
//! pairs, and the instance's own actor.

use palisade_store::accounts::{self, Account, NewLocalAccount, RemoteProfile};
use palisade_store::ids;

use crate::{Core, Error, Result};

impl Core {
    /// Stores (or refreshes) a remote actor and the further keys it publishes, in one
    /// transaction; returns the stored account.
    pub async fn store_remote_actor(
        &self,
        profile: &RemoteProfile,
        extra_keys: &[(String, String)],
    ) -> Result<Account> {
        match self.write_remote_actor(profile, extra_keys).await {
            // Two deliveries from a new actor, stored at the same moment: the second finds
            // the first's row and refreshes it.
            Err(palisade_store::StoreError::Conflict(_)) => {
                Ok(self.write_remote_actor(profile, extra_keys).await?)
            }
            other => Ok(other?),
        }
    }

    async fn write_remote_actor(
        &self,
        profile: &RemoteProfile,
        extra_keys: &[(String, String)],
    ) -> palisade_store::Result<Account> {
        let mut tx = self.db.begin().await?;
        let id = accounts::upsert_remote(&mut tx, profile).await?;
        accounts::set_extra_keys(&mut tx, id, extra_keys).await?;
        let account = accounts::by_id(&mut tx, id).await?;
        tx.commit().await?;
        account.ok_or(palisade_store::StoreError::NotFound)
    }

    /// A local account's private key (PEM), if it has one yet.
    pub async fn private_key_pem(&self, account_id: i64) -> Result<Option<String>> {
        Ok(accounts::private_key(&self.db, account_id).await?)
    }

    /// Gives a local account its key pair unless it already has one (another process may
    /// have been first); returns the private key in force.
    pub async fn install_key_pair(
        &self,
        account_id: i64,
        key_id: &str,
        public_pem: &str,
        private_pem: &str,
    ) -> Result<String> {
        accounts::set_key_pair(&self.db, account_id, key_id, public_pem, private_pem).await?;
        Ok(self
            .private_key_pem(account_id)
            .await?
            .unwrap_or_else(|| private_pem.to_owned()))
    }

    /// The instance's own actor (`/actor`, type Application, named after the domain), which
    /// signs fetches; created on first need.
    pub async fn instance_actor(&self) -> Result<Account> {
        let domain = self.settings.domain.clone();
        if let Some(a) = accounts::by_username(&self.db, &domain, None).await? {
            return Ok(a);
        }
        let base = &self.settings.public_url;
        let id = ids::new_id();
        let new = NewLocalAccount {
            id,
            username: domain.clone(),
            display_name: domain.clone(),
            uri: format!("{base}/actor"),
            url: format!("{base}/about"),
            inbox_url: format!("{base}/actor/inbox"),
            shared_inbox_url: format!("{base}/inbox"),
            outbox_url: format!("{base}/actor/outbox"),
            followers_url: format!("{base}/actor/followers"),
            following_url: format!("{base}/actor/following"),
            featured_url: format!("{base}/actor/collections/featured"),
        };
        let mut tx = self.db.begin().await?;
        match accounts::insert_local(&mut tx, &new).await {
            Ok(()) => {}
            // Another process started at the same moment and created it first.
            Err(palisade_store::StoreError::Conflict(_)) => {
                drop(tx);
                return accounts::by_username(&self.db, &domain, None)
                    .await?
                    .ok_or_else(|| Error::Internal("the instance actor vanished".into()));
            }
            Err(e) => return Err(e.into()),
        }
        accounts::set_actor_type(&mut tx, id, "Application", true).await?;
        tx.commit().await?;
        tracing::info!("created the instance actor");
        self.account(id).await
    }
}
