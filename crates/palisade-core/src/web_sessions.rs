//! Browser sessions of the web interface. A session is a random secret in a cookie (stored
//! as its hash); it acts with the scopes of Mastodon's own web app, and what a member may
//! do as staff follows their role, as for tokens.

use palisade_store::apps::Token;
use palisade_store::{accounts, now_ms, users, web_sessions as store};

use crate::auth::{Viewer, check_may_sign_in};
use crate::scopes::Scopes;
use crate::{Core, Error, Result, secrets};

/// The scopes a browser session has (Mastodon's web app asks for these).
pub const WEB_SCOPES: &str = "read write follow push admin:read admin:write";

/// Sessions unused for this long are over.
pub const SESSION_IDLE_MS: i64 = 30 * 86_400_000;

impl Core {
    /// Signs in with a username or e-mail address and a password: returns the new session's
    /// secret (for the cookie) and its viewer.
    pub async fn sign_in(
        &self,
        login: &str,
        password: &str,
        user_agent: Option<&str>,
    ) -> Result<(String, Viewer)> {
        let user = self.check_password(login, password).await.map_err(|e| match e {
            Error::Forbidden(m) => Error::Forbidden(m),
            _ => Error::Unauthorized("Invalid e-mail address, username or password.".into()),
        })?;
        // Sessions idle for too long go now (a sign-in is rare enough to pay for it).
        self.prune_web_sessions().await?;
        let secret = secrets::random_token(32);
        let agent = user_agent.map(|a| a.chars().take(300).collect::<String>());
        store::insert(
            &self.db,
            &secrets::hash_token(&secret),
            user.id,
            agent.as_deref(),
            now_ms(),
        )
        .await?;
        let viewer = self
            .session_viewer(&secret)
            .await?
            .ok_or_else(|| Error::Internal("a new session was not found".into()))?;
        Ok((secret, viewer))
    }

    /// The viewer of a session cookie; `None` when the session is unknown, over, or its user
    /// may no longer sign in.
    pub async fn session_viewer(&self, secret: &str) -> Result<Option<Viewer>> {
        let Some(session) = store::by_hash(&self.db, &secrets::hash_token(secret)).await? else {
            return Ok(None);
        };
        let now = now_ms();
        if session.last_used_at < now - SESSION_IDLE_MS {
            store::delete_by_hash(&self.db, &secrets::hash_token(secret)).await?;
            return Ok(None);
        }
        let Some(user) = users::by_id(&self.db, session.user_id).await? else {
            return Ok(None);
        };
        let Some(account) = accounts::by_id(&self.db, user.account_id).await? else {
            return Ok(None);
        };
        if check_may_sign_in(&user, &account).is_err() {
            return Ok(None);
        }
        if session.last_used_at < now - 3_600_000 {
            store::touch(&self.db, session.id, now).await?;
        }
        let scopes = Scopes::parse(WEB_SCOPES).ok_or_else(|| Error::Internal("web scopes".into()))?;
        Ok(Some(Viewer {
            // The session stands in for a token: no app, the web scopes.
            token: Token {
                id: session.id,
                app_id: None,
                user_id: Some(user.id),
                scopes: WEB_SCOPES.into(),
                created_at: session.created_at,
                last_used_at: Some(session.last_used_at),
            },
            scopes,
            user: Some(user),
            account: Some(account),
        }))
    }

    pub async fn sign_out(&self, secret: &str) -> Result<()> {
        Ok(store::delete_by_hash(&self.db, &secrets::hash_token(secret)).await?)
    }

    /// Forgets sessions idle for longer than [`SESSION_IDLE_MS`].
    pub async fn prune_web_sessions(&self) -> Result<u64> {
        Ok(store::prune(&self.db, now_ms() - SESSION_IDLE_MS).await?)
    }

    /// A one-time OAuth code for an app, approved by a signed-in user (the authorize page
    /// with a session: no password asked again).
    pub async fn authorize_signed_in(
        &self,
        viewer: &Viewer,
        app: &palisade_store::apps::App,
        scopes: &Scopes,
        redirect_uri: &str,
        code_challenge: Option<String>,
    ) -> Result<String> {
        let user = viewer.user()?;
        let code = secrets::random_token(32);
        palisade_store::apps::insert_code(
            &self.db,
            &secrets::hash_token(&code),
            &palisade_store::apps::AuthCode {
                app_id: app.id,
                user_id: user.id,
                scopes: scopes.to_space_separated(),
                redirect_uri: redirect_uri.to_owned(),
                code_challenge,
                expires_at: now_ms() + 10 * 60 * 1000,
            },
        )
        .await?;
        Ok(code)
    }
}
