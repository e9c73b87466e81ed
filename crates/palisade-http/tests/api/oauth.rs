use palisade_testkit::TestServer;
use serde_json::json;

async fn app(srv: &TestServer, scopes: &str) -> (String, String) {
    let r = srv
        .post_form(
            "/api/v1/apps",
            None,
            &[
                ("client_name", "test app"),
                (
                    "redirect_uris",
                    "https://app.example/cb\nurn:ietf:wg:oauth:2.0:oob",
                ),
                ("scopes", scopes),
            ],
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["scopes"], json!(scopes.split(' ').collect::<Vec<_>>()));
    assert_eq!(r.body["redirect_uris"][1], "urn:ietf:wg:oauth:2.0:oob");
    (
        r.body["client_id"].as_str().unwrap().into(),
        r.body["client_secret"].as_str().unwrap().into(),
    )
}

#[tokio::test]
async fn apps_accept_json_and_reject_bad_input() {
    let srv = TestServer::new().await;
    let r = srv
        .post_json("/api/v1/apps", None, json!({"client_name": "j", "redirect_uris": ["urn:ietf:wg:oauth:2.0:oob"], "scopes": "read write"}))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert!(r.body["client_secret"].is_string());
    let r = srv
        .post_json(
            "/api/v1/apps",
            None,
            json!({"client_name": "j", "redirect_uris": "not a uri"}),
        )
        .await;
    assert_eq!(r.status, 422);
    let r = srv
        .post_json(
            "/api/v1/apps",
            None,
            json!({"client_name": "j", "redirect_uris": "urn:ietf:wg:oauth:2.0:oob", "scopes": "read bogus"}),
        )
        .await;
    assert_eq!(r.status, 422);
    let r = srv
        .post_json(
            "/api/v1/apps",
            None,
            json!({"redirect_uris": "urn:ietf:wg:oauth:2.0:oob"}),
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(r.body["error"].as_str().unwrap().contains("Name"));
}

#[tokio::test]
async fn password_grant_and_scope_enforcement() {
    let srv = TestServer::new().await;
    srv.user("alice").await;
    let (id, secret) = app(&srv, "read write").await;
    let r = srv
        .post_form(
            "/oauth/token",
            None,
            &[
                ("grant_type", "password"),
                ("client_id", &id),
                ("client_secret", &secret),
                ("username", "alice@example.com"),
                ("password", "correct horse battery"),
                ("scope", "read"),
            ],
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["scope"], "read");
    assert_eq!(r.body["token_type"], "Bearer");
    let token = r.body["access_token"].as_str().unwrap().to_owned();
    assert_eq!(
        srv.get("/api/v1/accounts/verify_credentials", Some(&token))
            .await
            .status,
        200
    );
    // A read-only token may not post.
    let r = srv
        .post_json("/api/v1/statuses", Some(&token), json!({"status": "hi"}))
        .await;
    assert_eq!(r.status, 403);
    assert_eq!(r.body["error"], "This action is outside the authorized scopes");
    // More scopes than the app registered are refused.
    let r = srv
        .post_form(
            "/oauth/token",
            None,
            &[
                ("grant_type", "password"),
                ("client_id", &id),
                ("client_secret", &secret),
                ("username", "alice"),
                ("password", "correct horse battery"),
                ("scope", "admin:read"),
            ],
        )
        .await;
    assert_eq!(r.status, 400);
    assert_eq!(r.body["error"], "invalid_scope");
    // A wrong password is invalid_grant.
    let r = srv
        .post_form(
            "/oauth/token",
            None,
            &[
                ("grant_type", "password"),
                ("client_id", &id),
                ("client_secret", &secret),
                ("username", "alice"),
                ("password", "nope"),
            ],
        )
        .await;
    assert_eq!(r.status, 400);
    assert_eq!(r.body["error"], "invalid_grant");
    // A wrong client secret is invalid_client (401).
    let r = srv
        .post_form(
            "/oauth/token",
            None,
            &[
                ("grant_type", "client_credentials"),
                ("client_id", &id),
                ("client_secret", "x"),
            ],
        )
        .await;
    assert_eq!(r.status, 401);
}

#[tokio::test]
async fn authorization_code_with_pkce_refresh_and_revoke() {
    let srv = TestServer::new().await;
    srv.user("bob").await;
    let (id, secret) = app(&srv, "read write follow").await;
    let page = srv
        .get(&format!("/oauth/authorize?response_type=code&client_id={id}&redirect_uri=https://app.example/cb&scope=read+write&state=xyz&code_challenge=oPT4ZB13DHZv6w4niqVByx5j2aD0RyCZh5SY7Ak5V8A&code_challenge_method=S256"), None)
        .await;
    assert_eq!(page.status, 200);
    assert!(page.text.contains("test app"));
    assert_eq!(page.header("x-frame-options"), Some("DENY"));
    let form = [
        ("response_type", "code"),
        ("client_id", id.as_str()),
        ("redirect_uri", "https://app.example/cb"),
        ("scope", "read write"),
        ("state", "xyz"),
        ("code_challenge", "oPT4ZB13DHZv6w4niqVByx5j2aD0RyCZh5SY7Ak5V8A"),
        ("code_challenge_method", "S256"),
        ("login", "bob"),
        ("password", "correct horse battery"),
        ("decision", "approve"),
    ];
    let r = srv.post_form("/oauth/authorize", None, &form).await;
    assert!(r.status.is_redirection(), "{} {}", r.status, r.text);
    let location = r.header("location").unwrap().to_owned();
    assert!(location.starts_with("https://app.example/cb?code="));
    assert!(location.ends_with("&state=xyz"));
    let code = location
        .split("code=")
        .nth(1)
        .unwrap()
        .split('&')
        .next()
        .unwrap()
        .to_owned();
    // Wrong verifier: refused, and the code is spent.
    let bad = srv
        .post_form(
            "/oauth/token",
            None,
            &[
                ("grant_type", "authorization_code"),
                ("client_id", &id),
                ("code", &code),
                ("redirect_uri", "https://app.example/cb"),
                ("code_verifier", "wrong"),
            ],
        )
        .await;
    assert_eq!(bad.status, 400);
    let r = srv.post_form("/oauth/authorize", None, &form).await;
    let location = r.header("location").unwrap().to_owned();
    let code = location
        .split("code=")
        .nth(1)
        .unwrap()
        .split('&')
        .next()
        .unwrap()
        .to_owned();
    // A public client (no secret) with the right verifier.
    let r = srv
        .post_form(
            "/oauth/token",
            None,
            &[
                ("grant_type", "authorization_code"),
                ("client_id", &id),
                ("code", &code),
                ("redirect_uri", "https://app.example/cb"),
                (
                    "code_verifier",
                    "palisade-pkce-verifier-0123456789-abcdefghijklmnop",
                ),
            ],
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["scope"], "read write");
    let token = r.body["access_token"].as_str().unwrap().to_owned();
    let refresh = r.body["refresh_token"].as_str().unwrap().to_owned();
    // Refresh: the old token stops working, the new one works.
    let r = srv
        .post_form(
            "/oauth/token",
            None,
            &[
                ("grant_type", "refresh_token"),
                ("client_id", &id),
                ("client_secret", &secret),
                ("refresh_token", &refresh),
            ],
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let new_token = r.body["access_token"].as_str().unwrap().to_owned();
    assert_eq!(
        srv.get("/api/v1/accounts/verify_credentials", Some(&token))
            .await
            .status,
        401
    );
    assert_eq!(
        srv.get("/api/v1/accounts/verify_credentials", Some(&new_token))
            .await
            .status,
        200
    );
    let r = srv
        .post_form(
            "/oauth/revoke",
            None,
            &[
                ("client_id", &id),
                ("client_secret", &secret),
                ("token", &new_token),
            ],
        )
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(
        srv.get("/api/v1/accounts/verify_credentials", Some(&new_token))
            .await
            .status,
        401
    );
}

#[tokio::test]
async fn oob_shows_the_code_and_wrong_password_shows_the_form() {
    let srv = TestServer::new().await;
    srv.user("carol").await;
    let (id, _) = app(&srv, "read").await;
    let mut form = vec![
        ("response_type", "code"),
        ("client_id", id.as_str()),
        ("redirect_uri", "urn:ietf:wg:oauth:2.0:oob"),
        ("login", "carol"),
        ("password", "wrong password"),
    ];
    let r = srv.post_form("/oauth/authorize", None, &form).await;
    assert_eq!(r.status, 401);
    assert!(r.text.contains("Invalid"));
    form[4] = ("password", "correct horse battery");
    let r = srv.post_form("/oauth/authorize", None, &form).await;
    assert_eq!(r.status, 200);
    assert!(r.text.contains("id=\"code\""));
}

#[tokio::test]
async fn metadata_tells_the_truth() {
    let srv = TestServer::new().await;
    let r = srv.get("/.well-known/oauth-authorization-server", None).await;
    assert_eq!(r.status, 200);
    let grants = r.body["grant_types_supported"].as_array().unwrap();
    for g in [
        "authorization_code",
        "password",
        "client_credentials",
        "refresh_token",
    ] {
        assert!(grants.contains(&json!(g)), "{g}");
    }
    assert_eq!(r.body["code_challenge_methods_supported"], json!(["S256"]));
}

/// RFC 6749 4.1.2: a code works once; presented again, it is refused and the token its
/// first use gave is revoked (someone else may have intercepted the code).
#[tokio::test]
async fn a_replayed_code_is_refused_and_revokes_its_token() {
    let srv = TestServer::new().await;
    srv.user("bob").await;
    let (id, secret) = app(&srv, "read write").await;
    let form = [
        ("response_type", "code"),
        ("client_id", id.as_str()),
        ("redirect_uri", "https://app.example/cb"),
        ("scope", "read write"),
        ("login", "bob"),
        ("password", "correct horse battery"),
        ("decision", "approve"),
    ];
    let r = srv.post_form("/oauth/authorize", None, &form).await;
    let location = r.header("location").unwrap().to_owned();
    let code = location
        .split("code=")
        .nth(1)
        .unwrap()
        .split('&')
        .next()
        .unwrap()
        .to_owned();
    let exchange = [
        ("grant_type", "authorization_code"),
        ("client_id", id.as_str()),
        ("client_secret", secret.as_str()),
        ("code", code.as_str()),
        ("redirect_uri", "https://app.example/cb"),
    ];
    let first = srv.post_form("/oauth/token", None, &exchange).await;
    assert_eq!(first.status, 200, "{}", first.text);
    let token = first.body["access_token"].as_str().unwrap().to_owned();
    let refresh = first.body["refresh_token"].as_str().unwrap().to_owned();
    let me = srv.get("/api/v1/accounts/verify_credentials", Some(&token)).await;
    assert_eq!(me.status, 200);

    let again = srv.post_form("/oauth/token", None, &exchange).await;
    assert_eq!(again.status, 400, "{}", again.text);
    assert_eq!(again.body["error"], "invalid_grant");
    let me = srv.get("/api/v1/accounts/verify_credentials", Some(&token)).await;
    assert_eq!(me.status, 401, "the first token is revoked");
    let r = srv
        .post_form(
            "/oauth/token",
            None,
            &[
                ("grant_type", "refresh_token"),
                ("client_id", &id),
                ("client_secret", &secret),
                ("refresh_token", &refresh),
            ],
        )
        .await;
    assert_eq!(r.status, 400, "its refresh token too: {}", r.text);
}

/// RFC 6749 3.1.2: no fragment; no script or inline-document schemes; no control
/// characters (they would reach a `Location` header).
#[tokio::test]
async fn unsafe_redirect_uris_are_refused_at_registration() {
    let srv = TestServer::new().await;
    for uri in [
        "https://app.example/cb#frag",
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        "data:text/html,hi",
        "https://app.example/c\u{7}b",
    ] {
        let r = srv
            .post_json(
                "/api/v1/apps",
                None,
                json!({"client_name": "x", "redirect_uris": uri}),
            )
            .await;
        assert_eq!(r.status, 422, "{uri:?}: {}", r.text);
        assert!(r.body["details"]["redirect_uri"].is_array(), "{}", r.text);
    }
    // A custom scheme of a native app is fine.
    let r = srv
        .post_json(
            "/api/v1/apps",
            None,
            json!({"client_name": "x", "redirect_uris": "com.example.app:/cb"}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
}

/// An app stored before unsafe redirect URIs were refused (or written by hand) gets a clear
/// error page at authorize, not a 500 from a `Location` header that cannot hold its URI.
#[tokio::test]
async fn a_stored_unsafe_redirect_uri_is_refused_at_authorize() {
    let srv = TestServer::new().await;
    let r = srv
        .post_json(
            "/api/v1/apps",
            None,
            json!({"client_name": "old", "redirect_uris": "https://app.example/cb", "scopes": "read"}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let id = r.body["client_id"].as_str().unwrap().to_owned();
    let unsafe_uri = "https://app.example/c\u{7}b";
    palisade_store::q("UPDATE apps SET redirect_uris = $1 WHERE client_id = $2")
        .bind(unsafe_uri)
        .bind(id.as_str())
        .execute(&srv.db)
        .await
        .unwrap();
    let query = serde_urlencoded::to_string([
        ("client_id", id.as_str()),
        ("redirect_uri", unsafe_uri),
        ("response_type", "code"),
        ("scope", "read"),
    ])
    .unwrap();
    let r = srv.get(&format!("/oauth/authorize?{query}"), None).await;
    assert_eq!(r.status, 400, "{}", r.text);
    assert!(r.text.contains("redirect uri"), "{}", r.text);
    srv.user("alice").await;
    let r = srv
        .post_form(
            "/oauth/authorize",
            None,
            &[
                ("client_id", id.as_str()),
                ("redirect_uri", unsafe_uri),
                ("response_type", "code"),
                ("scope", "read"),
                ("login", "alice@example.com"),
                ("password", "correct horse battery"),
            ],
        )
        .await;
    assert_eq!(r.status, 400, "{}", r.text);
    assert!(r.header("location").is_none());
}
