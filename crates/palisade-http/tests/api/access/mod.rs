//! Every route's access rules, walked from the router's own table (`route_table`): a route
//! cannot be registered without an access rule, and this test tries each one as nobody,
//! with a bad token, with a token missing the scope, as another member (routes naming a
//! member's private object), as a member on staff routes, as a moderator and as an admin,
//! and checks Mastodon's answers (docs/SECURITY.md, "Every route's access").

mod fixtures;

use std::collections::HashSet;

use axum::http::{Method, StatusCode};
use palisade_http::routes::{Kind, Rule};
use palisade_testkit::{Resp, TestServer, WebSession};

use fixtures::Fixtures;

const INVALID: &str = "The access token is invalid";
const OUTSIDE: &str = "This action is outside the authorized scopes";
const NOT_ALLOWED: &str = "This action is not allowed";

/// Routes that answer an allowed caller with something other than 2xx (reads) or other
/// than "neither 401, 403 nor 5xx" (writes) here, and why: all as Mastodon answers.
const ANSWERS: &[(&str, &str, u16, &str)] = &[
    ("GET", "/settings", 303, "a redirect to /settings/profile"),
    ("GET", "/admin", 303, "a redirect to /admin/peers"),
    (
        "GET",
        "/users/{name}",
        303,
        "a browser is sent to the profile page",
    ),
    (
        "GET",
        "/users/{name}/statuses/{id}",
        303,
        "a browser is sent to the status page",
    ),
    ("GET", "/emojis/{id}", 404, "no custom emoji in the fixtures"),
    ("GET", "/system/{*path}", 404, "no such file"),
    (
        "GET",
        "/api/v1/timelines/link",
        404,
        "link timelines are not kept",
    ),
    (
        "GET",
        "/api/v1/apps/verify_credentials",
        404,
        "the test tokens belong to no app",
    ),
    ("GET", "/api/v1/push/subscription", 404, "no subscription yet"),
    (
        "GET",
        "/api/v1/instance/domain_blocks",
        404,
        "the block list is not published",
    ),
    ("GET", "/api/v1/admin/instances/{domain}", 404, "not a known peer"),
    ("GET", "/admin/peers/{domain}", 404, "not a known peer"),
    (
        "GET",
        "/settings/severed_relationships/{id}/{file}",
        404,
        "no severance",
    ),
    ("GET", "/oauth/authorize", 400, "no client_id: the error page"),
    (
        "POST",
        "/oauth/token",
        400,
        "no grant_type: invalid_request (RFC 6749 5.2)",
    ),
    ("POST", "/oauth/revoke", 401, "invalid_client (RFC 7009 2.2.1)"),
    ("POST", "/auth/sign_in", 401, "the form again: no such login"),
    (
        "POST",
        "/api/v1/statuses/{id}/translate",
        503,
        "no translation service configured",
    ),
];

#[derive(Clone, Copy)]
enum Who<'a> {
    Nobody,
    Token(&'a str),
    Web(&'a WebSession),
}

async fn call(srv: &TestServer, rule: &Rule, path: &str, who: Who<'_>) -> Resp {
    let method = rule.method.clone();
    let write = method != Method::GET;
    match who {
        Who::Web(s) => {
            let body = write.then(|| {
                (
                    "application/x-www-form-urlencoded",
                    format!("authenticity_token={}", s.csrf),
                )
            });
            srv.request_with(method, path, None, body, &[("cookie", &s.cookie)])
                .await
        }
        Who::Nobody if is_web(rule) => {
            let visitor = TestServer::visitor_session();
            Box::pin(call(srv, rule, path, Who::Web(&visitor))).await
        }
        Who::Nobody => {
            let body = write.then(|| ("application/json", "{}".to_owned()));
            srv.request(method, path, None, body).await
        }
        Who::Token(t) => {
            let body = write.then(|| ("application/json", "{}".to_owned()));
            srv.request(method, path, Some(t), body).await
        }
    }
}

fn is_web(rule: &Rule) -> bool {
    matches!(
        rule.access.kind,
        Kind::Session | Kind::SessionModerator | Kind::SessionAdmin
    ) || (rule.access.kind == Kind::Public && !rule.path.starts_with("/api/"))
}

/// A scope string that covers none of `wanted`.
fn scope_without(wanted: &[&str]) -> &'static str {
    ["push", "read:filters", "write:lists"]
        .into_iter()
        .find(|c| {
            let granted = palisade_core::scopes::Scopes::parse(c).unwrap();
            !wanted.iter().any(|w| granted.allows(w))
        })
        .unwrap()
}

struct Walk<'a> {
    srv: &'a TestServer,
    fx: &'a Fixtures,
    failures: Vec<String>,
}

impl Walk<'_> {
    async fn expect(&mut self, rule: &Rule, path: &str, who: (&str, Who<'_>), want: Want) {
        if std::env::var_os("ACCESS_TRACE").is_some() {
            eprintln!("{} {path} as {}", rule.method, who.0);
        }
        let r = call(self.srv, rule, path, who.1).await;
        let ok = match want {
            Want::Status(s, msg) => r.status.as_u16() == s && msg.is_none_or(|m| r.body["error"] == m),
            Want::SignIn => {
                r.status == StatusCode::SEE_OTHER
                    && r.header("location")
                        .is_some_and(|l| l.starts_with("/auth/sign_in"))
            }
            Want::Allowed | Want::Success => {
                let expected = ANSWERS
                    .iter()
                    .find(|(m, p, ..)| *m == rule.method.as_str() && *p == rule.path);
                match (expected, want) {
                    (Some((_, _, s, _)), _) => r.status.as_u16() == *s,
                    (None, Want::Success) => r.status.is_success(),
                    _ => !matches!(r.status.as_u16(), 401 | 403) && r.status.as_u16() < 500,
                }
            }
        };
        if !ok {
            let text: String = r.text.chars().take(160).collect();
            self.failures.push(format!(
                "{} {} ({path}) as {}: wanted {want:?}, got {} {text}",
                rule.method, rule.path, who.0, r.status
            ));
        }
    }

    /// Everything that must be refused, and what a reading caller gets.
    async fn refusals(&mut self, rule: &Rule, path: &str) {
        let fx = self.fx;
        let a = rule.access;
        let read = rule.method == Method::GET;
        let no_scope = fx.narrow(scope_without(a.scopes));
        match a.kind {
            Kind::Public => {
                let want = if read { Want::Success } else { Want::Allowed };
                self.expect(rule, path, ("nobody", Who::Nobody), want).await;
            }
            Kind::Optional | Kind::Token | Kind::Moderator | Kind::Admin => {
                let nobody = if a.kind == Kind::Optional {
                    if a.owned {
                        Want::Status(404, None)
                    } else if read {
                        Want::Success
                    } else {
                        Want::Allowed
                    }
                } else {
                    Want::Status(401, Some(INVALID))
                };
                self.expect(rule, path, ("nobody", Who::Nobody), nobody).await;
                self.expect(
                    rule,
                    path,
                    ("a bad token", Who::Token("not-a-token")),
                    Want::Status(401, Some(INVALID)),
                )
                .await;
                if !a.scopes.is_empty() {
                    self.expect(
                        rule,
                        path,
                        ("a token without the scope", Who::Token(no_scope)),
                        Want::Status(403, Some(OUTSIDE)),
                    )
                    .await;
                }
                if a.owned {
                    self.expect(
                        rule,
                        path,
                        ("another member", Who::Token(&fx.bob)),
                        Want::Status(404, None),
                    )
                    .await;
                    self.expect(
                        rule,
                        path,
                        ("an admin", Who::Token(&fx.admin)),
                        Want::Status(404, None),
                    )
                    .await;
                }
                if matches!(a.kind, Kind::Moderator | Kind::Admin) {
                    self.expect(
                        rule,
                        path,
                        ("a member with admin scopes", Who::Token(&fx.carl)),
                        Want::Status(403, Some(NOT_ALLOWED)),
                    )
                    .await;
                }
                if a.kind == Kind::Admin {
                    self.expect(
                        rule,
                        path,
                        ("a moderator", Who::Token(&fx.moderator)),
                        Want::Status(403, Some(NOT_ALLOWED)),
                    )
                    .await;
                }
            }
            Kind::Signed => {
                self.expect(rule, path, ("nobody", Who::Nobody), Want::Status(401, None))
                    .await;
            }
            // Mastodon's streaming server answers 401 for a token without the scope too.
            // (Nobody on a public stream would open an endless stream: streaming.rs.)
            Kind::Stream | Kind::PublicStream => {
                if a.kind == Kind::Stream {
                    self.expect(rule, path, ("nobody", Who::Nobody), Want::Status(401, None))
                        .await;
                }
                let bad = ("a bad token", Who::Token("not-a-token"));
                self.expect(rule, path, bad, Want::Status(401, None)).await;
                let narrow = ("a token without the scope", Who::Token(no_scope));
                self.expect(rule, path, narrow, Want::Status(401, None)).await;
            }
            Kind::Session | Kind::SessionModerator | Kind::SessionAdmin => {
                self.expect(rule, path, ("a visitor", Who::Nobody), Want::SignIn)
                    .await;
                if a.kind != Kind::Session {
                    self.expect(
                        rule,
                        path,
                        ("a member", Who::Web(&fx.web_alice)),
                        Want::Status(403, None),
                    )
                    .await;
                }
                if a.kind == Kind::SessionAdmin {
                    self.expect(
                        rule,
                        path,
                        ("a moderator", Who::Web(&fx.web_moderator)),
                        Want::Status(403, None),
                    )
                    .await;
                }
            }
        }
    }

    /// What an allowed caller gets: 2xx for reads, neither 401/403 nor 5xx for writes.
    async fn allowed(&mut self, rule: &Rule, path: &str) {
        let fx = self.fx;
        let want = if rule.method == Method::GET {
            Want::Success
        } else {
            Want::Allowed
        };
        let callers: Vec<(&str, Who<'_>)> = match rule.access.kind {
            // Staff are members too: on a read that is not of an owned object, their
            // tokens (read write follow and the admin scopes) get what a member gets.
            Kind::Token | Kind::Optional
                if rule.method == Method::GET
                    && !rule.access.owned
                    && rule
                        .access
                        .scopes
                        .iter()
                        .all(|s| s.starts_with("read") || s == &"follow") =>
            {
                vec![
                    ("a member", Who::Token(&fx.alice)),
                    ("a moderator", Who::Token(&fx.moderator)),
                    ("an admin", Who::Token(&fx.admin)),
                ]
            }
            Kind::Token | Kind::Optional => vec![("the owner", Who::Token(&fx.alice))],
            Kind::Moderator => vec![
                ("a moderator", Who::Token(&fx.moderator)),
                ("an admin", Who::Token(&fx.admin)),
            ],
            Kind::Admin => vec![("an admin", Who::Token(&fx.admin))],
            Kind::Session => vec![("a member", Who::Web(&fx.web_alice))],
            Kind::SessionModerator => vec![
                ("a moderator", Who::Web(&fx.web_moderator)),
                ("an admin", Who::Web(&fx.web_admin)),
            ],
            Kind::SessionAdmin => vec![("an admin", Who::Web(&fx.web_admin))],
            // Public: checked with the refusals; signed and streaming requests have their
            // own tests (federation.rs, streaming.rs): a stream's body never ends.
            Kind::Public | Kind::Signed | Kind::Stream | Kind::PublicStream => vec![],
        };
        for who in callers {
            self.expect(rule, path, who, want).await;
        }
    }
}

#[derive(Clone, Copy, Debug)]
enum Want {
    Status(u16, Option<&'static str>),
    /// A redirect to the sign-in page.
    SignIn,
    /// Neither 401 nor 403 nor 5xx.
    Allowed,
    /// 2xx, or what `ANSWERS` says.
    Success,
}

#[tokio::test]
async fn every_route_answers_as_its_access_rule_says() {
    let srv = TestServer::new().await;
    let fx = Fixtures::make(&srv).await;
    let table = palisade_http::route_table();
    let mut seen = HashSet::new();
    for r in &table {
        assert!(
            seen.insert((r.method.clone(), r.path)),
            "{} {} is registered twice",
            r.method,
            r.path
        );
    }
    let mut walk = Walk {
        srv: &srv,
        fx: &fx,
        failures: Vec::new(),
    };
    let mut writes = Vec::new();
    for rule in &table {
        let path = fx.fill(rule.path);
        walk.refusals(rule, &path).await;
        if rule.method == Method::GET {
            walk.allowed(rule, &path).await;
        } else {
            writes.push((rule, path));
        }
    }
    // Writes by allowed callers last, deletions at the very end (they remove fixtures), and
    // signing out after everything else done with a session.
    writes.sort_by_key(|(r, _)| (r.path == "/auth/sign_out", r.method == Method::DELETE));
    for (rule, path) in writes {
        walk.allowed(rule, &path).await;
    }
    assert!(
        walk.failures.is_empty(),
        "{} answers disagree with the routes' access rules:\n{}",
        walk.failures.len(),
        walk.failures.join("\n")
    );
    assert!(table.len() > 200, "the table lists {} routes", table.len());
}
