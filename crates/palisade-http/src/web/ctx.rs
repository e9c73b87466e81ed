//! The web interface's view of a request: the signed-in member (a session cookie), the CSRF
//! token its forms carry, and a one-shot notice from the previous page. Cookies are
//! `HttpOnly`, `SameSite=Lax`, and `Secure` when the instance is served over https.

use std::convert::Infallible;

use axum::extract::FromRequestParts;
use axum::http::header::{COOKIE, USER_AGENT};
use axum::http::request::Parts;
use palisade_core::auth::Viewer;
use palisade_core::secrets::{hash_token, random_token};

use crate::AppState;

pub const SESSION_COOKIE: &str = "palisade_session";
/// A random value that CSRF tokens of signed-out visitors derive from.
pub const CSRF_COOKIE: &str = "palisade_csrf";
pub const NOTICE_COOKIE: &str = "palisade_notice";

/// Who is asking, and what their forms must carry.
pub struct Ctx {
    pub viewer: Option<Viewer>,
    /// The token every form of this page carries (`authenticity_token`).
    pub csrf: String,
    /// The session secret, when signed in.
    pub session: Option<String>,
    /// `Set-Cookie` values to send with the response.
    pub set_cookies: Vec<String>,
    /// A notice left by the previous request (then cleared).
    pub notice: Option<String>,
    pub secure: bool,
    pub user_agent: Option<String>,
    pub path: String,
}

/// The CSRF token of a session or visitor secret.
pub fn csrf_of(basis: &str) -> String {
    hash_token(&format!("csrf:{basis}"))
}

pub fn cookies(parts: &Parts) -> Vec<(String, String)> {
    parts
        .headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect()
}

/// A `Set-Cookie` value with the flags every cookie here has.
pub fn cookie(name: &str, value: &str, max_age: Option<i64>, secure: bool) -> String {
    let mut c = format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax");
    if let Some(age) = max_age {
        c.push_str(&format!("; Max-Age={age}"));
    }
    if secure {
        c.push_str("; Secure");
    }
    c
}

impl Ctx {
    pub fn signed_in(&self) -> bool {
        self.viewer.as_ref().is_some_and(|v| v.account.is_some())
    }

    pub fn account(&self) -> Option<&palisade_core::model::Account> {
        self.viewer.as_ref().and_then(|v| v.account.as_ref())
    }

    pub fn is_moderator(&self) -> bool {
        self.viewer.as_ref().is_some_and(Viewer::is_moderator)
    }

    pub fn is_admin(&self) -> bool {
        self.viewer.as_ref().is_some_and(Viewer::is_admin)
    }

    /// Leaves a notice for the next page.
    pub fn notice(&mut self, text: &str) {
        let v = crate::web::page::urlencode(text);
        self.set_cookies
            .push(cookie(NOTICE_COOKIE, &v, Some(60), self.secure));
    }

    /// Starts a session (after signing in): its cookie, a CSRF token derived from it.
    pub fn start_session(&mut self, secret: &str) {
        self.set_cookies
            .push(cookie(SESSION_COOKIE, secret, Some(30 * 86_400), self.secure));
        self.csrf = csrf_of(secret);
        self.session = Some(secret.to_owned());
    }

    pub fn end_session(&mut self) {
        self.set_cookies
            .push(cookie(SESSION_COOKIE, "", Some(0), self.secure));
        self.session = None;
        self.viewer = None;
    }
}

impl FromRequestParts<AppState> for Ctx {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, st: &AppState) -> Result<Self, Infallible> {
        let secure = st.core.settings.public_url.starts_with("https://");
        let jar = cookies(parts);
        let get = |name: &str| jar.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
        let mut set_cookies = Vec::new();
        let mut viewer = None;
        let mut session = None;
        if let Some(secret) = get(SESSION_COOKIE).filter(|s| !s.is_empty()) {
            match st.core.session_viewer(&secret).await {
                Ok(Some(v)) => {
                    viewer = Some(v);
                    session = Some(secret);
                }
                Ok(None) => set_cookies.push(cookie(SESSION_COOKIE, "", Some(0), secure)),
                Err(e) => tracing::warn!(error = %e, "could not read a web session"),
            }
        }
        let basis = match (&session, get(CSRF_COOKIE).filter(|c| c.len() >= 32)) {
            (Some(s), _) => s.clone(),
            (None, Some(c)) => c,
            (None, None) => {
                let c = random_token(32);
                set_cookies.push(cookie(CSRF_COOKIE, &c, None, secure));
                c
            }
        };
        let notice = get(NOTICE_COOKIE)
            .filter(|n| !n.is_empty())
            .map(|n| crate::web::page::urldecode(&n));
        if notice.is_some() {
            set_cookies.push(cookie(NOTICE_COOKIE, "", Some(0), secure));
        }
        Ok(Ctx {
            viewer,
            csrf: csrf_of(&basis),
            session,
            set_cookies,
            notice,
            secure,
            user_agent: parts
                .headers
                .get(USER_AGENT)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned),
            path: parts
                .uri
                .path_and_query()
                .map(|p| p.as_str().to_owned())
                .unwrap_or_else(|| "/".into()),
        })
    }
}
