//! OAuth 2 the way Mastodon does it: apps register themselves, users authorize them
//! (authorization code with optional PKCE S256, or the password grant), apps may act for
//! themselves (client credentials), tokens can be refreshed and revoked.

use palisade_store::{apps, apps::App, ids::new_id, now_ms, users};

use crate::auth::check_may_sign_in;
use crate::scopes::Scopes;
use crate::{Core, Error, Result, secrets};

pub const OOB: &str = "urn:ietf:wg:oauth:2.0:oob";

/// An issued token, as `/oauth/token` returns it.
#[derive(Clone, Debug)]
pub struct IssuedToken {
    pub access_token: String,
    pub refresh_token: Option<String>,
    pub scope: String,
    pub created_at: i64,
}

pub struct NewApp {
    pub name: String,
    pub website: Option<String>,
    pub redirect_uris: Vec<String>,
    pub scopes: Option<String>,
}

/// A grant request to `/oauth/token`.
pub enum Grant {
    AuthorizationCode {
        code: String,
        redirect_uri: Option<String>,
        code_verifier: Option<String>,
    },
    Password {
        username: String,
        password: String,
        scope: Option<String>,
    },
    ClientCredentials {
        scope: Option<String>,
    },
    RefreshToken {
        refresh_token: String,
    },
}

fn oauth_error(code: &str, description: &str) -> Error {
    // The HTTP layer turns `invalid_client` into 401 and the rest into 400.
    Error::BadRequest(format!("{code}: {description}"))
}

impl Core {
    pub async fn register_app(&self, new: NewApp) -> Result<App> {
        let name = new.name.trim();
        if name.is_empty() {
            return Err(Error::field("name", "ERR_BLANK", "can't be blank"));
        }
        if name.chars().count() > 60 {
            return Err(Error::field(
                "name",
                "ERR_TOO_LONG",
                "is too long (maximum is 60 characters)",
            ));
        }
        let uris: Vec<String> = new
            .redirect_uris
            .iter()
            .flat_map(|u| u.split('\n'))
            .map(|u| u.trim().to_owned())
            .filter(|u| !u.is_empty())
            .collect();
        if uris.is_empty() {
            return Err(Error::field("redirect_uri", "ERR_BLANK", "can't be blank"));
        }
        for uri in &uris {
            if uri != OOB && !is_absolute_uri(uri) {
                return Err(Error::field(
                    "redirect_uri",
                    "ERR_INVALID",
                    "must be an absolute URI.",
                ));
            }
            if let Some(why) = unsafe_redirect(uri) {
                return Err(Error::field("redirect_uri", "ERR_INVALID", why));
            }
        }
        if uris.len() > 20 || uris.iter().any(|u| u.len() > 2000) {
            return Err(Error::field("redirect_uri", "ERR_TOO_LONG", "is too long"));
        }
        let website = new.website.map(|w| w.trim().to_owned()).filter(|w| !w.is_empty());
        if let Some(w) = &website
            && (w.len() > 2000
                || !(w.starts_with("https://") || w.starts_with("http://"))
                || !is_absolute_uri(w))
        {
            return Err(Error::field("website", "ERR_INVALID", "is not a valid URL"));
        }
        let scopes = Scopes::parse(new.scopes.as_deref().unwrap_or("read"))
            .ok_or_else(|| Error::field("scopes", "ERR_INVALID", "are invalid"))?;
        let scopes = if scopes.is_empty() {
            Scopes::parse("read").unwrap_or(scopes)
        } else {
            scopes
        };
        let app = App {
            id: new_id(),
            name: name.to_owned(),
            website,
            redirect_uris: uris.join("\n"),
            scopes: scopes.to_space_separated(),
            client_id: secrets::random_token(32),
            client_secret: secrets::random_token(32),
            created_at: now_ms(),
        };
        apps::insert_app(&self.db, &app).await?;
        Ok(app)
    }

    /// Forgets authorization codes that expired a day ago or more.
    pub async fn forget_old_codes(&self) -> Result<u64> {
        Ok(apps::forget_codes(&self.db, now_ms() - 86_400_000).await?)
    }

    /// The app with these credentials; `secret: None` accepts public clients (PKCE).
    /// An app with fixed credentials (test fixtures, e.g. Mastodon.py's), created if missing.
    pub async fn fixture_app(
        &self,
        name: &str,
        scopes: &str,
        client_id: &str,
        client_secret: &str,
    ) -> Result<App> {
        if let Some(app) = apps::app_by_client_id(&self.db, client_id).await? {
            return Ok(app);
        }
        let app = App {
            id: new_id(),
            name: name.into(),
            website: None,
            redirect_uris: OOB.into(),
            scopes: scopes.into(),
            client_id: client_id.into(),
            client_secret: client_secret.into(),
            created_at: now_ms(),
        };
        apps::insert_app(&self.db, &app).await?;
        Ok(app)
    }

    pub async fn app_by_credentials(&self, client_id: &str, secret: Option<&str>) -> Result<App> {
        let app = apps::app_by_client_id(&self.db, client_id)
            .await?
            .ok_or_else(|| oauth_error("invalid_client", "Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method."))?;
        if let Some(secret) = secret
            && !secrets::constant_time_eq(secret, &app.client_secret)
        {
            return Err(oauth_error(
                "invalid_client",
                "Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method.",
            ));
        }
        Ok(app)
    }

    /// Checks an authorization request before the consent page is shown.
    pub async fn check_authorize_request(
        &self,
        client_id: &str,
        redirect_uri: &str,
        scope: Option<&str>,
    ) -> Result<(App, Scopes)> {
        let app = self.app_by_credentials(client_id, None).await?;
        // An app registered before unsafe URIs were refused may still hold one: it is
        // refused here too, rather than sent on to a `Location` header.
        let registered = app.redirect_uris.split('\n').any(|u| u == redirect_uri);
        if !registered || unsafe_redirect(redirect_uri).is_some() {
            return Err(oauth_error(
                "invalid_redirect_uri",
                "The redirect uri included is not valid.",
            ));
        }
        let scopes = requested_scopes(&app, scope)?;
        Ok((app, scopes))
    }

    /// The user signs in on the consent page and approves: returns a one-time code.
    pub async fn authorize(
        &self,
        app: &App,
        scopes: &Scopes,
        redirect_uri: &str,
        code_challenge: Option<String>,
        login: &str,
        password: &str,
    ) -> Result<String> {
        let user = self.check_password(login, password).await?;
        let code = secrets::random_token(32);
        apps::insert_code(
            &self.db,
            &secrets::hash_token(&code),
            &apps::AuthCode {
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

    /// A user by login (e-mail or username) and password, if they may sign in.
    pub async fn check_password(&self, login: &str, password: &str) -> Result<users::User> {
        let bad = || {
            oauth_error(
                "invalid_grant",
                "The provided authorization grant is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client.",
            )
        };
        let user = users::by_login(&self.db, login.trim()).await?.ok_or_else(bad)?;
        if !secrets::verify_password_blocking(password.to_owned(), user.password_hash.clone()).await {
            return Err(bad());
        }
        let account = palisade_store::accounts::by_id(&self.db, user.account_id)
            .await?
            .ok_or_else(bad)?;
        check_may_sign_in(&user, &account)?;
        Ok(user)
    }

    /// `/oauth/token`.
    pub async fn grant_token(&self, app: &App, secret_given: bool, grant: Grant) -> Result<IssuedToken> {
        match grant {
            Grant::AuthorizationCode {
                code,
                redirect_uri,
                code_verifier,
            } => {
                let invalid = || {
                    oauth_error(
                        "invalid_grant",
                        "The provided authorization grant is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client.",
                    )
                };
                let hash = secrets::hash_token(&code);
                let mut tx = self.db.begin().await?;
                let stored = match apps::use_code(&mut tx, &hash).await? {
                    apps::CodeUse::Fresh(c) => c,
                    // RFC 6749 4.1.2: a code used twice revokes what its first use gave.
                    apps::CodeUse::Replayed { token_id } => {
                        if let Some(id) = token_id {
                            apps::revoke_token(&mut tx, id).await?;
                        }
                        tx.commit().await?;
                        return Err(invalid());
                    }
                    apps::CodeUse::Unknown => return Err(invalid()),
                };
                // From here on the code is spent, whatever the answer.
                tx.commit().await?;
                if stored.app_id != app.id || stored.expires_at <= now_ms() {
                    return Err(invalid());
                }
                // RFC 6749 4.1.3: the redirect URI of the request must be repeated, exactly.
                if redirect_uri.as_deref() != Some(stored.redirect_uri.as_str()) {
                    return Err(oauth_error(
                        "invalid_grant",
                        "The redirect URI does not match the one used in the authorization request.",
                    ));
                }
                match (&stored.code_challenge, code_verifier) {
                    (Some(challenge), Some(verifier)) if secrets::pkce_s256(&verifier) == *challenge => {}
                    (Some(_), _) => {
                        return Err(oauth_error(
                            "invalid_grant",
                            "The PKCE code verifier does not match the code challenge.",
                        ));
                    }
                    (None, _) if !secret_given => {
                        return Err(oauth_error(
                            "invalid_client",
                            "Client authentication is required without PKCE.",
                        ));
                    }
                    (None, _) => {}
                }
                let mut tx = self.db.begin().await?;
                let (issued, token_id) = self
                    .issue_token_in(&mut tx, Some(app.id), Some(stored.user_id), &stored.scopes)
                    .await?;
                apps::record_code_token(&mut tx, &hash, token_id).await?;
                tx.commit().await?;
                Ok(issued)
            }
            Grant::Password {
                username,
                password,
                scope,
            } => {
                if !secret_given {
                    return Err(oauth_error("invalid_client", "Client authentication failed."));
                }
                let scopes = requested_scopes(app, scope.as_deref())?;
                let user = self.check_password(&username, &password).await?;
                self.issue_token(Some(app.id), Some(user.id), &scopes.to_space_separated())
                    .await
            }
            Grant::ClientCredentials { scope } => {
                if !secret_given {
                    return Err(oauth_error("invalid_client", "Client authentication failed."));
                }
                let scopes = requested_scopes(app, scope.as_deref())?;
                self.issue_token(Some(app.id), None, &scopes.to_space_separated())
                    .await
            }
            Grant::RefreshToken { refresh_token } => {
                let old = apps::token_by_refresh_hash(&self.db, &secrets::hash_token(&refresh_token))
                    .await?
                    .filter(|t| t.app_id == Some(app.id))
                    .ok_or_else(|| oauth_error("invalid_grant", "The refresh token is invalid."))?;
                apps::revoke_token(&self.db, old.id).await?;
                self.issue_token(old.app_id, old.user_id, &old.scopes).await
            }
        }
    }

    /// Creates a token (also used by the CLI and the Mastodon.py seed).
    pub async fn issue_token(
        &self,
        app_id: Option<i64>,
        user_id: Option<i64>,
        scopes: &str,
    ) -> Result<IssuedToken> {
        Ok(self.issue_token_in(&self.db, app_id, user_id, scopes).await?.0)
    }

    /// Creates a token where `ex` runs; returns it and its id.
    async fn issue_token_in<'a>(
        &self,
        ex: impl Into<palisade_store::Exec<'a>>,
        app_id: Option<i64>,
        user_id: Option<i64>,
        scopes: &str,
    ) -> Result<(IssuedToken, i64)> {
        let access_token = secrets::random_token(32);
        let refresh_token = user_id.map(|_| secrets::random_token(32));
        let refresh_hash = refresh_token.as_deref().map(secrets::hash_token);
        let id = new_id();
        let created_at = apps::insert_token(
            ex,
            &apps::NewToken {
                id,
                token_hash: &secrets::hash_token(&access_token),
                refresh_hash: refresh_hash.as_deref(),
                app_id,
                user_id,
                scopes,
            },
        )
        .await?;
        let issued = IssuedToken {
            access_token,
            refresh_token,
            scope: scopes.to_owned(),
            created_at,
        };
        Ok((issued, id))
    }

    /// Stores a token whose secret the caller chose (fixed tokens for test fixtures).
    pub async fn store_token(
        &self,
        app_id: Option<i64>,
        user_id: Option<i64>,
        scopes: &str,
        access_token: &str,
        refresh_token: Option<&str>,
    ) -> Result<i64> {
        let refresh_hash = refresh_token.map(secrets::hash_token);
        Ok(apps::insert_token(
            &self.db,
            &apps::NewToken {
                id: new_id(),
                token_hash: &secrets::hash_token(access_token),
                refresh_hash: refresh_hash.as_deref(),
                app_id,
                user_id,
                scopes,
            },
        )
        .await?)
    }

    /// `/oauth/revoke`: revoking an unknown token is not an error (RFC 7009).
    pub async fn revoke_token(&self, app: &App, token: &str) -> Result<()> {
        let hash = secrets::hash_token(token);
        let found = match apps::token_by_hash(&self.db, &hash).await? {
            Some(t) => Some(t),
            None => apps::token_by_refresh_hash(&self.db, &hash).await?,
        };
        if let Some(t) = found {
            if t.app_id != Some(app.id) {
                return Err(Error::Forbidden(
                    "You are not authorized to revoke this token".into(),
                ));
            }
            apps::revoke_token(&self.db, t.id).await?;
            // Its streaming connections end.
            self.live_now(crate::live::LiveEvent::TokenRevoked { token: t.id })
                .await?;
        }
        Ok(())
    }
}

/// The scopes asked for (default: the app's first scope set, as Doorkeeper does with
/// Mastodon's default `read`), which must lie within the app's registration.
fn requested_scopes(app: &App, scope: Option<&str>) -> Result<Scopes> {
    let registered =
        Scopes::parse(&app.scopes).ok_or_else(|| Error::Internal("stored app scopes are invalid".into()))?;
    let wanted = match scope.map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => Scopes::parse(s).ok_or_else(|| {
            oauth_error(
                "invalid_scope",
                "The requested scope is invalid, unknown, or malformed.",
            )
        })?,
        None => Scopes::parse("read")
            .filter(|r| registered.covers_all(r))
            .unwrap_or_else(|| registered.clone()),
    };
    if !registered.covers_all(&wanted) {
        return Err(oauth_error(
            "invalid_scope",
            "The requested scope is invalid, unknown, or malformed.",
        ));
    }
    Ok(wanted)
}

/// Why a redirect URI may not be registered, if it may not: RFC 6749 3.1.2 forbids a
/// fragment; scripts and inline documents are no place to send a code; control characters
/// would end up in a `Location` header.
fn unsafe_redirect(uri: &str) -> Option<&'static str> {
    let scheme = uri.split(':').next().unwrap_or("").to_ascii_lowercase();
    if uri.chars().any(char::is_control) {
        Some("must not contain control characters.")
    } else if uri.contains('#') {
        Some("must not contain a fragment.")
    } else if matches!(
        scheme.as_str(),
        "javascript" | "data" | "vbscript" | "file" | "about" | "blob"
    ) {
        Some("must not use that scheme.")
    } else {
        None
    }
}

fn is_absolute_uri(uri: &str) -> bool {
    match uri.split_once(':') {
        Some((scheme, rest)) => {
            !rest.is_empty()
                && scheme.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
                && !uri.contains(char::is_whitespace)
        }
        None => false,
    }
}

impl Core {
    /// The application a token was issued to.
    pub async fn viewer_app(&self, viewer: &crate::auth::Viewer) -> Result<App> {
        let id = viewer.token.app_id.ok_or_else(Error::not_found)?;
        apps::app_by_id(&self.db, id).await?.ok_or_else(Error::not_found)
    }
}
