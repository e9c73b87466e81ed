//! Who is calling: a bearer token resolved to its user, account and scopes.

use palisade_store::{accounts, accounts::Account, apps, apps::Token, now_ms, users, users::User};

use crate::scopes::Scopes;
use crate::{Core, Error, Result, secrets};

/// The caller of an authenticated request.
#[derive(Clone, Debug)]
pub struct Viewer {
    pub token: Token,
    pub scopes: Scopes,
    /// `None` for client-credentials tokens (an app acting for itself).
    pub user: Option<User>,
    pub account: Option<Account>,
}

impl Viewer {
    /// The account, or 422 "This method requires an authenticated user" as Mastodon says
    /// for app-only tokens.
    pub fn account(&self) -> Result<&Account> {
        self.account
            .as_ref()
            .ok_or_else(|| Error::invalid("This method requires an authenticated user"))
    }

    pub fn account_id(&self) -> Result<i64> {
        self.account().map(|a| a.id)
    }

    pub fn user(&self) -> Result<&User> {
        self.user
            .as_ref()
            .ok_or_else(|| Error::invalid("This method requires an authenticated user"))
    }

    /// 403 unless one of the token's scopes covers one of `wanted`.
    pub fn require_scope(&self, wanted: &[&str]) -> Result<()> {
        if wanted.iter().any(|w| self.scopes.allows(w)) {
            Ok(())
        } else {
            Err(Error::Forbidden(
                "This action is outside the authorized scopes".into(),
            ))
        }
    }

    pub fn is_admin(&self) -> bool {
        self.user
            .as_ref()
            .is_some_and(|u| matches!(u.role.as_str(), "admin" | "owner"))
    }

    pub fn is_moderator(&self) -> bool {
        self.user
            .as_ref()
            .is_some_and(|u| matches!(u.role.as_str(), "moderator" | "admin" | "owner"))
    }
}

impl Core {
    /// Resolves a bearer token. 401 for an unknown or revoked token; 403 when the user may
    /// not sign in (disabled, unapproved, suspended).
    pub async fn authenticate(&self, bearer: &str) -> Result<Viewer> {
        let invalid = || Error::Unauthorized("The access token is invalid".into());
        let token = apps::token_by_hash(&self.db, &secrets::hash_token(bearer))
            .await?
            .ok_or_else(invalid)?;
        let scopes = Scopes::parse(&token.scopes).ok_or_else(invalid)?;
        let (user, account) = match token.user_id {
            Some(uid) => {
                let user = users::by_id(&self.db, uid).await?.ok_or_else(invalid)?;
                let account = accounts::by_id(&self.db, user.account_id)
                    .await?
                    .ok_or_else(invalid)?;
                check_may_sign_in(&user, &account)?;
                (Some(user), Some(account))
            }
            None => (None, None),
        };
        let now = now_ms();
        if token.last_used_at.is_none_or(|t| t < now - 3_600_000) {
            apps::touch_token(&self.db, token.id, now).await?;
        }
        Ok(Viewer {
            token,
            scopes,
            user,
            account,
        })
    }
}

/// Mastodon's wording for users who may not use the API.
pub fn check_may_sign_in(user: &User, account: &Account) -> Result<()> {
    if user.disabled || account.suspended_at.is_some() {
        return Err(Error::Forbidden("Your login is currently disabled".into()));
    }
    if !user.approved {
        return Err(Error::Forbidden(
            "Your login is currently pending approval".into(),
        ));
    }
    if !user.confirmed {
        return Err(Error::Forbidden(
            "Your login is missing a confirmed e-mail address".into(),
        ));
    }
    Ok(())
}
