//! Instance administration used by the CLI (and later the admin API): users, roles,
//! suspensions, passwords, tokens for scripts.

use palisade_store::accounts::Account;
use palisade_store::users::User;
use palisade_store::{accounts, now_ms, users};

use crate::scopes::Scopes;
use crate::{Core, Error, Result, secrets};

pub const ROLES: &[&str] = &["user", "moderator", "admin", "owner"];

impl Core {
    /// A local user and their account by username.
    pub async fn local_user(&self, username: &str) -> Result<(Account, User)> {
        let account = accounts::by_username(&self.db, username, None)
            .await?
            .ok_or_else(|| Error::NotFound(format!("no local user named {username}")))?;
        let user = users::by_account_id(&self.db, account.id)
            .await?
            .ok_or_else(|| Error::NotFound(format!("{username} has no login")))?;
        Ok((account, user))
    }

    pub async fn list_users(&self) -> Result<Vec<(User, String)>> {
        Ok(users::list(&self.db).await?)
    }

    pub async fn set_role(&self, username: &str, role: &str) -> Result<()> {
        if !ROLES.contains(&role) {
            return Err(Error::invalid(format!(
                "unknown role {role:?}; roles are {}",
                ROLES.join(", ")
            )));
        }
        let (_, user) = self.local_user(username).await?;
        Ok(users::set_role(&self.db, user.id, role).await?)
    }

    /// Suspends (or lifts the suspension of) a local account: it can no longer sign in and
    /// disappears from the API.
    pub async fn set_suspended(&self, username: &str, suspended: bool) -> Result<()> {
        let (account, user) = self.local_user(username).await?;
        let mut tx = self.db.begin().await?;
        accounts::set_suspended(&mut tx, account.id, suspended.then(now_ms)).await?;
        users::set_disabled(&mut tx, user.id, suspended).await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn approve_user(&self, username: &str) -> Result<()> {
        let (_, user) = self.local_user(username).await?;
        Ok(users::set_approved(&self.db, user.id, true).await?)
    }

    /// Sets a new password (a random one when none is given) and returns it.
    pub async fn reset_password(&self, username: &str, password: Option<String>) -> Result<String> {
        let (_, user) = self.local_user(username).await?;
        let password = password.unwrap_or_else(|| secrets::random_token(18));
        if password.chars().count() < 8 {
            return Err(Error::invalid("the password must have at least 8 characters"));
        }
        users::set_password_hash(
            &self.db,
            user.id,
            &secrets::hash_password_blocking(password.clone()).await?,
        )
        .await?;
        Ok(password)
    }

    /// A token for scripts acting as `username`.
    pub async fn create_user_token(&self, username: &str, scopes: &str) -> Result<String> {
        let scopes = Scopes::parse(scopes)
            .filter(|s| !s.is_empty())
            .ok_or_else(|| Error::invalid("invalid scopes"))?;
        let (_, user) = self.local_user(username).await?;
        let issued = self
            .issue_token(None, Some(user.id), &scopes.to_space_separated())
            .await?;
        Ok(issued.access_token)
    }
}
