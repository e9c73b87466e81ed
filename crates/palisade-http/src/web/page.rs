//! The page frame every screen shares (skip link, navigation, notice, footer), the headers
//! every page carries (a strict Content-Security-Policy: no inline script or style), error
//! pages, redirects, and small formatting helpers.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use maud::{DOCTYPE, Markup, html};
use palisade_core::model::Account;

use super::assets;
use super::ctx::Ctx;
use crate::AppState;

pub const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
    media-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// The policy of pages that show media: [`CSP`], plus the origin of `media.public_base_url`
/// for images and media when files are served from there. Never any other origin: remote
/// files come through `/system/proxy`.
pub fn csp(st: &AppState) -> String {
    match st
        .core
        .settings
        .media
        .public_base_url
        .as_deref()
        .and_then(origin_of)
    {
        Some(o) => CSP
            .replace("img-src 'self' data:", &format!("img-src 'self' data: {o}"))
            .replace("media-src 'self'", &format!("media-src 'self' {o}")),
        None => CSP.to_owned(),
    }
}

/// `https://cdn.example` of `https://cdn.example/files/`; `None` for anything that is not a
/// plain http(s) URL (a value the policy could not carry safely).
fn origin_of(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let host = rest.split(['/', '?', '#']).next()?;
    let ok = matches!(scheme, "http" | "https")
        && !host.is_empty()
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'));
    ok.then(|| format!("{scheme}://{}", host.to_ascii_lowercase()))
}

/// Adds the headers of every HTML page.
pub fn secure_headers(resp: &mut Response, csp: &str) {
    let h = resp.headers_mut();
    let policy = HeaderValue::from_str(csp).unwrap_or(HeaderValue::from_static(CSP));
    h.insert(header::CONTENT_SECURITY_POLICY, policy);
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
}

fn with_cookies(mut resp: Response, ctx: &Ctx) -> Response {
    for c in &ctx.set_cookies {
        if let Ok(v) = HeaderValue::from_str(c) {
            resp.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    resp
}

/// Extra parts of a page.
#[derive(Default)]
pub struct Opts {
    pub status: Option<StatusCode>,
    /// Extra `<head>` content (OpenGraph tags).
    pub head: Option<Markup>,
    /// Leave the page out of search engines (the default for signed-in pages is fine).
    pub wide: bool,
}

pub fn page(st: &AppState, ctx: &Ctx, title: &str, body: Markup) -> Response {
    page_with(st, ctx, title, body, Opts::default())
}

pub fn page_with(st: &AppState, ctx: &Ctx, title: &str, body: Markup, opts: Opts) -> Response {
    let instance = &st.core.settings.instance.title;
    let markup = html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="color-scheme" content="light dark";
                link rel="icon" href="data:,";
                title { (title) " · " (instance) }
                link rel="stylesheet" href=(assets::css_url());
                script src=(assets::js_url()) defer {}
                @if let Some(h) = &opts.head { (h) }
            }
            body {
                a.skip href="#main" { "Skip to content" }
                (nav(st, ctx))
                main #main .wide[opts.wide] tabindex="-1" {
                    @if let Some(n) = &ctx.notice {
                        p.notice role="status" { (n) }
                    }
                    (body)
                }
                footer.foot {
                    p {
                        a href="/about" { "About " (instance) }
                        " · Palisade " (env!("CARGO_PKG_VERSION"))
                    }
                }
            }
        }
    };
    let mut resp = (
        opts.status.unwrap_or(StatusCode::OK),
        axum::response::Html(markup.into_string()),
    )
        .into_response();
    secure_headers(&mut resp, &csp(st));
    with_cookies(resp, ctx)
}

fn nav(st: &AppState, ctx: &Ctx) -> Markup {
    html! {
        header.top {
            nav aria-label="Main" {
                a.brand href="/" { (st.core.settings.instance.title) }
                @if let Some(me) = ctx.account() {
                    ul {
                        li { a href="/home" { "Home" } }
                        li { a href="/notifications" { "Notifications" } }
                        li { a href="/public/local" { "Local" } }
                        li { a href="/public" { "Federated" } }
                        li { a href=(profile_path(me)) { "Profile" } }
                        li { a href="/settings/profile" { "Settings" } }
                        @if ctx.is_moderator() { li { a href="/admin/peers" { "Admin" } } }
                        li {
                            form.inline action="/auth/sign_out" method="post" {
                                (csrf(ctx))
                                button.link type="submit" { "Sign out" }
                            }
                        }
                    }
                    form.search role="search" action="/search" method="get" {
                        label.visually-hidden for="nav-q" { "Search accounts, hashtags, domains" }
                        input #nav-q type="search" name="q" placeholder="Search or paste a handle";
                        button type="submit" { "Search" }
                    }
                } @else {
                    ul {
                        li { a href="/about" { "About" } }
                        li { a href="/public/local" { "Local" } }
                        li { a href="/auth/sign_in" { "Sign in" } }
                        @if st.core.settings.registrations != palisade_core::settings::Registrations::Closed {
                            li { a href="/auth/sign_up" { "Sign up" } }
                        }
                    }
                }
            }
        }
    }
}

/// The hidden CSRF field every form carries.
pub fn csrf(ctx: &Ctx) -> Markup {
    html! { input type="hidden" name="authenticity_token" value=(ctx.csrf); }
}

/// A button that POSTs to `action` (with the CSRF token and where to come back to).
pub fn post_button(ctx: &Ctx, action: &str, label: &str, class: &str) -> Markup {
    html! {
        form.inline action=(action) method="post" {
            (csrf(ctx))
            input type="hidden" name="back" value=(ctx.path);
            button class=(class) type="submit" { (label) }
        }
    }
}

/// 303 to `to`, with the context's cookies (a notice, a session).
pub fn redirect(ctx: &Ctx, to: &str) -> Response {
    let mut resp = (StatusCode::SEE_OTHER, [(header::LOCATION, to.to_owned())]).into_response();
    secure_headers(&mut resp, CSP);
    with_cookies(resp, ctx)
}

/// Only same-site paths are followed back (never `//host` or a URL).
pub fn safe_back(back: Option<&str>, default: &str) -> String {
    match back {
        Some(b) if b.starts_with('/') && !b.starts_with("//") && !b.contains('\\') => b.to_owned(),
        _ => default.to_owned(),
    }
}

/// A bare page for errors (no navigation: the context may be unknown).
pub fn error_page(status: StatusCode, message: &str) -> Response {
    let title = match status {
        StatusCode::NOT_FOUND => "Not found",
        StatusCode::FORBIDDEN => "Not allowed",
        StatusCode::UNAUTHORIZED => "Sign in first",
        StatusCode::TOO_MANY_REQUESTS => "Too many attempts",
        s if s.is_client_error() => "That did not work",
        _ => "Something went wrong",
    };
    let markup = html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) }
                link rel="icon" href="data:,";
                link rel="stylesheet" href=(assets::css_url());
            }
            body {
                main #main {
                    h1 { (title) }
                    p.error { (message) }
                    p { a href="/" { "Back to the front page" } }
                }
            }
        }
    };
    let mut resp = (status, axum::response::Html(markup.into_string())).into_response();
    secure_headers(&mut resp, CSP);
    resp
}

/// A core error as a page.
pub struct WebError(pub palisade_core::Error);

impl From<palisade_core::Error> for WebError {
    fn from(e: palisade_core::Error) -> Self {
        WebError(e)
    }
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        use palisade_core::Error as E;
        match self.0 {
            E::NotFound(_) => error_page(StatusCode::NOT_FOUND, "There is nothing here."),
            E::Forbidden(m) => error_page(StatusCode::FORBIDDEN, &m),
            E::Unauthorized(m) => error_page(StatusCode::UNAUTHORIZED, &m),
            E::BadRequest(m) => error_page(StatusCode::BAD_REQUEST, &m),
            E::Unprocessable(m, _) => error_page(StatusCode::UNPROCESSABLE_ENTITY, &m),
            E::TooLarge(m) => error_page(StatusCode::PAYLOAD_TOO_LARGE, &m),
            E::RateLimited => error_page(
                StatusCode::TOO_MANY_REQUESTS,
                "Too many attempts: wait a few minutes.",
            ),
            E::Unavailable(m) => {
                tracing::warn!(error = %m, "database unavailable on a web page");
                error_page(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "The server is busy: try again in a moment.",
                )
            }
            E::Internal(m) => {
                tracing::error!(error = %m, "internal error on a web page");
                error_page(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "The server could not do that. It was logged.",
                )
            }
        }
    }
}

pub type WebResult = Result<Response, WebError>;

/// The signed-in viewer, or a redirect to sign in.
#[allow(clippy::result_large_err)] // the page to answer with, used at once
pub fn require_member(ctx: &Ctx) -> Result<&palisade_core::auth::Viewer, Response> {
    match &ctx.viewer {
        Some(v) if v.account.is_some() => Ok(v),
        _ => Err(redirect(
            ctx,
            &format!("/auth/sign_in?back={}", urlencode(&ctx.path)),
        )),
    }
}

pub fn urlencode(s: &str) -> String {
    serde_urlencoded::to_string([("", s)])
        .map(|e| e[1..].to_owned())
        .unwrap_or_default()
}

pub fn urldecode(s: &str) -> String {
    serde_urlencoded::from_str::<Vec<(String, String)>>(&format!("x={s}"))
        .ok()
        .and_then(|v| v.into_iter().next())
        .map(|(_, v)| v)
        .unwrap_or_default()
}

/// `/@user` or `/@user@domain`.
pub fn profile_path(a: &Account) -> String {
    match &a.domain {
        Some(d) => format!("/@{}@{d}", a.username),
        None => format!("/@{}", a.username),
    }
}

/// `@user@domain`, with our own domain for local accounts.
pub fn handle(st: &AppState, a: &Account) -> String {
    format!(
        "@{}@{}",
        a.username,
        a.domain.as_deref().unwrap_or(&st.core.settings.domain)
    )
}

pub fn display_name(a: &Account) -> &str {
    if a.display_name.trim().is_empty() {
        &a.username
    } else {
        &a.display_name
    }
}

/// A link to an account with its name and handle.
pub fn account_line(st: &AppState, a: &Account) -> Markup {
    html! {
        a.account href=(profile_path(a)) {
            (super::pictures::avatar(st, a))
            span.names {
                strong { (super::pictures::name(st, a)) }
                " "
                span.handle { (handle(st, a)) }
            }
        }
    }
}

/// `<time>` with the date and a relative reading.
pub fn time(ms: i64) -> Markup {
    let iso = crate::entities::iso(ms);
    html! { time datetime=(iso) title=(readable(ms)) { (relative(ms)) } }
}

pub fn readable(ms: i64) -> String {
    let iso = crate::entities::iso(ms);
    format!("{} {} UTC", &iso[..10], &iso[11..16])
}

pub fn relative(ms: i64) -> String {
    let secs = (palisade_core::model::now_ms() - ms) / 1000;
    match secs {
        s if s < 60 => "just now".into(),
        s if s < 3600 => format!("{} min ago", s / 60),
        s if s < 86_400 => format!("{} h ago", s / 3600),
        s if s < 30 * 86_400 => format!("{} days ago", s / 86_400),
        _ => readable(ms)[..10].to_owned(),
    }
}

/// `n thing`/`n things`.
pub fn count(n: i64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

impl WebError {
    /// The error page as a response (for handlers that answer `Response`).
    pub fn into_response_(self) -> Response {
        self.into_response()
    }
}
