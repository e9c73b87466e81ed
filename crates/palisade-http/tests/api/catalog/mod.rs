//! The bad-input catalog: one table of hostile or malformed requests across the client API,
//! OAuth, the inbox, the admin API and the web forms (split by area in the modules below).
//! Each case asserts the exact status and error (Mastodon's text where Mastodon has one) and
//! that nothing was written: every table's row count, read from the database's catalog, is
//! the same after the request as before.

mod admin;
mod api;
mod inbox;
mod limits;
mod oauth;
mod web;

use std::collections::BTreeMap;

use axum::http::Method;
use palisade_testkit::{Resp, TestServer, WebSession};
use serde_json::json;

/// Tables whose rows change by design on requests that are refused: a signed request from
/// a peer counts in that peer's health figures, refused or not. (Rate limits live in memory;
/// touching a token or a session updates a row, it adds none.)
const CHANGE_BY_DESIGN: &[&str] = &["peers", "peer_totals", "peer_stats_hourly"];

/// Who sends a case.
#[derive(Clone, Copy, Debug)]
pub enum Who {
    Nobody,
    Alice,
    Bob,
    Admin,
    Moderator,
    /// An app's own token (client credentials), as sign-up uses.
    App,
    /// Alice's web session, with its CSRF token in the form.
    Web,
    /// Alice's web session, without the CSRF token.
    WebNoCsrf,
    /// The admin's web session.
    WebAdmin,
    /// A signed-out visitor, with the CSRF cookie and token of the sign-in page.
    Visitor,
    /// A remote actor signing the request with its key (inbox cases).
    Signed,
    /// The same, with a `Date` a day old.
    SignedStale,
    /// The same, with a `Digest` of another body.
    SignedBadDigest,
}

/// A request body.
#[derive(Clone, Copy)]
pub enum Body {
    None,
    Json(&'static str),
    Form(&'static str),
    Raw(&'static str, &'static [u8]),
    /// Made when the case runs (huge or generated bodies).
    Gen(fn() -> (&'static str, Vec<u8>)),
}

/// What the answer must be.
#[derive(Clone, Copy, Debug)]
pub enum Error {
    /// `{"error": …}` exactly this.
    Is(&'static str),
    /// `{"error": …}` starting with this.
    Starts(&'static str),
    /// `{"error": …}` starting with this, and Mastodon's `details` object.
    Details(&'static str),
    /// An HTML page (web forms): the status alone.
    Page,
    /// The status alone (an answer that is not an error, e.g. a clamped page limit).
    Any,
}

#[derive(Clone, Copy)]
pub struct Case {
    pub name: &'static str,
    pub who: Who,
    pub method: &'static str,
    /// With `{placeholders}` filled from the fixtures (`Fixtures::fill`).
    pub path: &'static str,
    pub body: Body,
    pub status: u16,
    pub error: Error,
}

/// A case in one line: `case("name", Who::Alice, "POST", "/path", Body::Json("{}"), 422, Error::Is("…"))`.
pub const fn case(
    name: &'static str,
    who: Who,
    method: &'static str,
    path: &'static str,
    body: Body,
    status: u16,
    error: Error,
) -> Case {
    Case {
        name,
        who,
        method,
        path,
        body,
        status,
        error,
    }
}

pub const RECORD_NOT_FOUND: &str = "Record not found";

struct Fixtures {
    alice: String,
    bob: String,
    admin: String,
    moderator: String,
    app: String,
    web: WebSession,
    web_admin: WebSession,
    inbox: inbox::Signer,
    ids: Vec<(&'static str, String)>,
}

impl Fixtures {
    async fn make(srv: &TestServer) -> Fixtures {
        let alice = srv.user("alice").await;
        let bob = srv.user("bob").await;
        let admin = srv.staff("root", "admin").await;
        let moderator = srv.staff("mod", "moderator").await;
        let app = srv
            .post_json(
                "/api/v1/apps",
                None,
                json!({"client_name": "catalog", "redirect_uris": "urn:ietf:wg:oauth:2.0:oob",
                       "scopes": "read write"}),
            )
            .await;
        let app = srv
            .post_json(
                "/oauth/token",
                None,
                json!({"grant_type": "client_credentials",
                       "client_id": app.body["client_id"], "client_secret": app.body["client_secret"],
                       "scope": "read write"}),
            )
            .await;
        let app = app.body["access_token"].as_str().unwrap().to_owned();
        let a = Some(alice.as_str());
        let b = Some(bob.as_str());
        let status = srv.status(&alice, "hello", "public").await;
        let private = srv.status(&alice, "mine", "private").await;
        let bob_private = srv.status(&bob, "bob's own", "private").await;
        let list = srv.post_json("/api/v1/lists", a, json!({"title": "l"})).await;
        let bob_list = srv.post_json("/api/v1/lists", b, json!({"title": "b"})).await;
        let filter = srv
            .post_json(
                "/api/v2/filters",
                b,
                json!({"title": "f", "context": ["home"], "keywords_attributes": [{"keyword": "k"}]}),
            )
            .await;
        let png = palisade_media::testdata::png(8, 8, false);
        let media = srv.upload(&bob, "b.png", "image/png", &png, &[]).await;
        let alice_id = srv.account_id(&alice).await;
        let bob_id = srv.account_id(&bob).await;
        let id = |r: &Resp| r.body["id"].as_str().unwrap().to_owned();
        let ids = vec![
            ("status", status),
            ("private", private),
            ("bob_private", bob_private),
            ("list", id(&list)),
            ("bob_list", id(&bob_list)),
            ("bob_filter", id(&filter)),
            ("bob_media", id(&media)),
            ("alice_id", alice_id),
            ("bob_id", bob_id),
            ("long_tag", "a".repeat(60_000)),
            ("long_q", "a".repeat(50_000)),
        ];
        Fixtures {
            web: srv.web_session("alice").await,
            web_admin: srv.web_session("root").await,
            inbox: inbox::Signer::new(srv).await,
            alice,
            bob,
            admin,
            moderator,
            app,
            ids,
        }
    }

    fn fill(&self, path: &str) -> String {
        let mut p = path.to_owned();
        for (k, v) in &self.ids {
            p = p.replace(&format!("{{{k}}}"), v);
        }
        assert!(!p.contains("\"{") && !p.contains("/{"), "no fixture for {path}");
        p
    }
}

async fn send(srv: &TestServer, fx: &Fixtures, c: &Case) -> Resp {
    let method = Method::from_bytes(c.method.as_bytes()).unwrap();
    let path = fx.fill(c.path);
    let (ct, bytes) = match c.body {
        Body::None => ("", Vec::new()),
        Body::Json(s) => ("application/json", fx.fill(s).into_bytes()),
        Body::Form(s) => ("application/x-www-form-urlencoded", fx.fill(s).into_bytes()),
        Body::Raw(ct, b) => (ct, b.to_vec()),
        Body::Gen(f) => f(),
    };
    let token = match c.who {
        Who::Alice => Some(fx.alice.as_str()),
        Who::Bob => Some(fx.bob.as_str()),
        Who::Admin => Some(fx.admin.as_str()),
        Who::Moderator => Some(fx.moderator.as_str()),
        Who::App => Some(fx.app.as_str()),
        _ => None,
    };
    let mut headers: Vec<(String, String)> = Vec::new();
    if let Some(t) = token {
        headers.push(("authorization".into(), format!("Bearer {t}")));
    }
    let mut bytes = bytes;
    let mut ct = ct.to_owned();
    match c.who {
        Who::Web | Who::WebNoCsrf | Who::WebAdmin | Who::Visitor => {
            let visitor = TestServer::visitor_session();
            let s = match c.who {
                Who::WebAdmin => &fx.web_admin,
                Who::Visitor => &visitor,
                _ => &fx.web,
            };
            headers.push(("cookie".into(), s.cookie.clone()));
            if !matches!(c.who, Who::WebNoCsrf) && ct.starts_with("application/x-www") {
                let mut b = format!("authenticity_token={}&", s.csrf).into_bytes();
                b.extend_from_slice(&bytes);
                bytes = b;
            }
        }
        Who::Signed | Who::SignedStale | Who::SignedBadDigest => {
            headers.extend(fx.inbox.headers(c.method, &path, &bytes, c.who));
            if ct.is_empty() {
                ct = "application/activity+json".into();
            }
        }
        _ => {}
    }
    if !ct.is_empty() {
        headers.push(("content-type".into(), ct));
    }
    let h: Vec<(&str, &str)> = headers.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    srv.request_raw(method, &path, &h, bytes).await
}

fn check(c: &Case, r: &Resp) -> Option<String> {
    let error = r.body["error"].as_str();
    let ok = r.status.as_u16() == c.status
        && match c.error {
            Error::Is(e) => error == Some(e),
            Error::Starts(e) => error.is_some_and(|x| x.starts_with(e)),
            Error::Details(e) => error.is_some_and(|x| x.starts_with(e)) && r.body["details"].is_object(),
            Error::Page => r.text.contains("<html") || r.text.contains("<!DOCTYPE"),
            Error::Any => true,
        };
    (!ok).then(|| {
        let text: String = r.text.chars().take(200).collect();
        format!(
            "{} ({} {}): wanted {} {:?}, got {} {text}",
            c.name, c.method, c.path, c.status, c.error, r.status
        )
    })
}

fn changed(before: &BTreeMap<String, i64>, after: &BTreeMap<String, i64>) -> Vec<String> {
    after
        .iter()
        .filter(|(t, n)| !CHANGE_BY_DESIGN.contains(&t.as_str()) && before.get(*t) != Some(n))
        .map(|(t, n)| format!("{t}: {} -> {n}", before.get(t).copied().unwrap_or(0)))
        .collect()
}

#[tokio::test]
async fn bad_input_gets_a_precise_error_and_writes_nothing() {
    let srv = TestServer::new().await;
    let fx = Fixtures::make(&srv).await;
    let cases: Vec<Case> = [
        api::CASES,
        limits::CASES,
        oauth::CASES,
        admin::CASES,
        web::CASES,
        inbox::CASES,
    ]
    .concat();
    assert!(cases.len() >= 150, "only {} cases", cases.len());
    let mut failures = Vec::new();
    for c in &cases {
        let before = srv.row_counts().await;
        let r = send(&srv, &fx, c).await;
        let after = srv.row_counts().await;
        if std::env::var_os("CATALOG_TRACE").is_some() {
            eprintln!(
                "{} => {} {}",
                c.name,
                r.status,
                r.text.chars().take(160).collect::<String>()
            );
        }
        failures.extend(check(c, &r));
        let diff = changed(&before, &after);
        if !diff.is_empty() {
            failures.push(format!("{} wrote: {}", c.name, diff.join(", ")));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}
