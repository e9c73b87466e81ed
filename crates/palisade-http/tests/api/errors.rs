use axum::http::Method;
use palisade_testkit::TestServer;

#[tokio::test]
async fn bad_input_gets_precise_errors() {
    let srv = TestServer::new().await;
    let alice = srv.user("alice").await;
    let r = srv
        .request(
            Method::POST,
            "/api/v1/statuses",
            Some(&alice),
            Some(("application/json", "{not json".into())),
        )
        .await;
    assert_eq!(r.status, 400);
    assert!(r.body["error"].as_str().unwrap().contains("Malformed JSON"));
    let r = srv
        .request(
            Method::POST,
            "/api/v1/statuses",
            Some(&alice),
            Some(("application/json", "[1,2]".into())),
        )
        .await;
    assert_eq!(r.status, 400);
    let r = srv
        .request(
            Method::POST,
            "/api/v1/statuses",
            Some(&alice),
            Some(("application/json", r#"{"status": {"nested": true}}"#.into())),
        )
        .await;
    assert_eq!(r.status, 422);
    let huge = "x".repeat(2 << 20);
    let r = srv
        .request(
            Method::POST,
            "/api/v1/statuses",
            Some(&alice),
            Some(("application/x-www-form-urlencoded", format!("status={huge}"))),
        )
        .await;
    assert_eq!(r.status, 413);
    assert_eq!(srv.get("/api/v1/statuses/not-a-number", None).await.status, 404);
    assert_eq!(
        srv.get("/api/v1/nothing/here", None).await.body["error"],
        "Record not found"
    );
    let r = srv
        .get("/api/v1/accounts/verify_credentials", Some("bogus"))
        .await;
    assert_eq!(r.status, 401);
    assert_eq!(r.body["error"], "The access token is invalid");
    let r = srv.get("/api/v1/accounts/verify_credentials", None).await;
    assert_eq!(r.status, 401);
    // Nothing was written by any of the failures above.
    assert_eq!(
        srv.get("/api/v1/accounts/verify_credentials", Some(&alice))
            .await
            .body["statuses_count"],
        0
    );
}

#[tokio::test]
async fn app_tokens_cannot_act_as_users() {
    let srv = TestServer::new().await;
    let r = srv
        .post_form(
            "/api/v1/apps",
            None,
            &[
                ("client_name", "a"),
                ("redirect_uris", "urn:ietf:wg:oauth:2.0:oob"),
            ],
        )
        .await;
    let (id, secret) = (
        r.body["client_id"].as_str().unwrap().to_owned(),
        r.body["client_secret"].as_str().unwrap().to_owned(),
    );
    let t = srv
        .post_form(
            "/oauth/token",
            None,
            &[
                ("grant_type", "client_credentials"),
                ("client_id", &id),
                ("client_secret", &secret),
            ],
        )
        .await;
    let token = t.body["access_token"].as_str().unwrap().to_owned();
    assert_eq!(
        srv.get("/api/v1/apps/verify_credentials", Some(&token))
            .await
            .body["name"],
        "a"
    );
    let r = srv.get("/api/v1/timelines/home", Some(&token)).await;
    assert_eq!(r.status, 422);
    assert_eq!(r.body["error"], "This method requires an authenticated user");
}

#[tokio::test]
async fn suspended_users_are_locked_out() {
    let srv = TestServer::new().await;
    let alice = srv.user("alice").await;
    srv.core.set_suspended("alice", true).await.unwrap();
    let r = srv.get("/api/v1/accounts/verify_credentials", Some(&alice)).await;
    assert_eq!(r.status, 403);
    assert_eq!(
        srv.get("/api/v1/accounts/lookup?acct=alice", None).await.status,
        404
    );
}

#[tokio::test]
async fn hostile_parameters_do_not_crash() {
    let srv = TestServer::new().await;
    // 300,000 levels of nesting used to overflow the stack through recursion.
    let deep = format!(
        "client_name=x&redirect_uris=urn:ietf:wg:oauth:2.0:oob&a{}=1",
        "[b]".repeat(300_000)
    );
    let r = srv
        .request(
            Method::POST,
            "/api/v1/apps",
            None,
            Some(("application/x-www-form-urlencoded", deep)),
        )
        .await;
    assert!(r.status == 200 || r.status == 413, "{}", r.status);
    // More than 1,000 parameters: refused with a clear 422 (not silently cut short).
    let wide: String = (0..5000).map(|i| format!("k{i}=v&")).collect();
    let r = srv.get(&format!("/api/v2/search?q=x&{wide}"), None).await;
    assert_eq!(r.status, 422, "{}", r.text);
    let r = srv
        .post_form(
            "/api/v1/apps",
            None,
            &[
                ("client_name", "x"),
                ("redirect_uris", "urn:ietf:wg:oauth:2.0:oob"),
                ("website", "javascript:alert(1)"),
            ],
        )
        .await;
    assert_eq!(r.status, 422, "a javascript: website is refused");
}

#[tokio::test]
async fn hidden_networks_stay_hidden() {
    let srv = TestServer::new().await;
    let alice = srv.user("alice").await;
    let bob = srv.user("bob").await;
    let carol = srv.user("carol").await;
    let alice_id = srv.account_id(&alice).await;
    let carol_id = srv.account_id(&carol).await;
    // Carol follows Alice; Bob follows Carol: Carol is a familiar follower of Alice for Bob.
    srv.post(&format!("/api/v1/accounts/{alice_id}/follow"), Some(&carol))
        .await;
    srv.post(&format!("/api/v1/accounts/{carol_id}/follow"), Some(&bob))
        .await;
    let r = srv
        .get(
            &format!("/api/v1/accounts/familiar_followers?id[]={alice_id}"),
            Some(&bob),
        )
        .await;
    assert_eq!(r.body[0]["accounts"][0]["username"], "carol");
    srv.patch_form(
        "/api/v1/accounts/update_credentials",
        Some(&alice),
        &[("hide_collections", "true")],
    )
    .await;
    let r = srv
        .get(
            &format!("/api/v1/accounts/familiar_followers?id[]={alice_id}"),
            Some(&bob),
        )
        .await;
    assert_eq!(r.body[0]["accounts"], serde_json::json!([]));
    assert_eq!(
        srv.get(&format!("/api/v1/accounts/{alice_id}/followers"), Some(&bob))
            .await
            .body,
        serde_json::json!([])
    );
    // A tag used only in a direct message shows no public use; an unused tag still has a page.
    srv.status(&alice, "#secretproject @bob", "direct").await;
    let t = srv.get("/api/v1/tags/secretproject", None).await;
    assert_eq!(t.body["history"][0]["uses"], "0");
    let t = srv.get("/api/v1/tags/neverused", None).await;
    assert_eq!(t.status, 200);
    assert_eq!(t.body["id"], "");
}

/// Requests that answered 500 before (found by trying hostile input): each now gets a clear
/// 4xx, and nothing is written.
#[tokio::test]
async fn hostile_sizes_and_characters_get_clear_errors() {
    let srv = TestServer::new().await;
    let alice = srv.user("alice").await;
    let long = "a".repeat(50_001);
    for path in [
        format!("/api/v2/search?q={long}"),
        format!("/api/v1/accounts/search?q={long}"),
    ] {
        let r = srv.get(&path, Some(&alice)).await;
        assert_eq!(r.status, 422, "{}", r.text);
        assert!(
            r.body["error"].as_str().unwrap().contains("too long"),
            "{}",
            r.text
        );
    }
    // 40,000 entries in a JSON list: refused before any of them reaches the database.
    let many: Vec<String> = (0..40_000).map(|i| format!("t{i}")).collect();
    let body = serde_json::json!({"types": many}).to_string();
    let r = srv
        .request(
            Method::GET,
            "/api/v1/notifications",
            Some(&alice),
            Some(("application/json", body)),
        )
        .await;
    assert_eq!(r.status, 422, "{}", r.text);
    assert!(r.body["error"].as_str().unwrap().contains("too many parameters"));
    let ids: Vec<String> = (0..40_000).map(|i| i.to_string()).collect();
    let body = serde_json::json!({"account_id": "1", "status_ids": ids}).to_string();
    let r = srv
        .request(
            Method::POST,
            "/api/v1/reports",
            Some(&alice),
            Some(("application/json", body)),
        )
        .await;
    assert_eq!(r.status, 422, "{}", r.text);
    // The same as a form.
    let form: String = (0..1_500).map(|i| format!("types[]=t{i}&")).collect();
    let r = srv
        .request(
            Method::POST,
            "/api/v1/statuses",
            Some(&alice),
            Some(("application/x-www-form-urlencoded", format!("{form}status=x"))),
        )
        .await;
    assert_eq!(r.status, 422, "{}", r.text);
    // A NUL byte in text.
    let r = srv
        .post_json(
            "/api/v1/statuses",
            Some(&alice),
            serde_json::json!({"status": "hello\u{0}world"}),
        )
        .await;
    assert_eq!(r.status, 422, "{}", r.text);
    assert!(r.body["error"].as_str().unwrap().contains("NUL"));
    // A 60,000-character hashtag is not one.
    let tag = "t".repeat(60_000);
    let r = srv
        .post(&format!("/api/v1/tags/{tag}/follow"), Some(&alice))
        .await;
    assert_eq!(r.status, 404, "{}", r.text);
    let r = srv.get("/api/v1/followed_tags", Some(&alice)).await;
    assert_eq!(r.body, serde_json::json!([]));
    // Nothing was posted by any of it.
    let me = srv.get("/api/v1/accounts/verify_credentials", Some(&alice)).await;
    assert_eq!(me.body["statuses_count"], 0, "{}", me.text);
}

/// Password guesses are throttled wherever they are made (the token endpoint, the authorize
/// form), 25 per address per five minutes, as Mastodon does.
#[tokio::test]
async fn password_guesses_are_throttled() {
    let srv = TestServer::new().await;
    srv.user("alice").await;
    let r = srv
        .post_form(
            "/api/v1/apps",
            None,
            &[
                ("client_name", "guesser"),
                ("redirect_uris", "urn:ietf:wg:oauth:2.0:oob"),
            ],
        )
        .await;
    let (id, secret) = (
        r.body["client_id"].as_str().unwrap().to_owned(),
        r.body["client_secret"].as_str().unwrap().to_owned(),
    );
    let guess = |n: usize| {
        let (id, secret) = (id.clone(), secret.clone());
        let srv = &srv;
        async move {
            srv.post_form(
                "/oauth/token",
                None,
                &[
                    ("grant_type", "password"),
                    ("client_id", &id),
                    ("client_secret", &secret),
                    ("username", "alice"),
                    ("password", &format!("wrong {n}")),
                ],
            )
            .await
            .status
        }
    };
    for n in 0..25 {
        assert_eq!(guess(n).await, 400, "guess {n}");
    }
    assert_eq!(guess(25).await, 429);
    // The authorize form's password counts against the same allowance.
    let r = srv
        .post_form(
            "/oauth/authorize",
            None,
            &[
                ("response_type", "code"),
                ("client_id", &id),
                ("redirect_uri", "urn:ietf:wg:oauth:2.0:oob"),
                ("login", "alice"),
                ("password", "also wrong"),
            ],
        )
        .await;
    assert_eq!(r.status, 429, "{}", r.text);
}

/// `/users/NAME` asked for as a web page redirects to the profile only for a real member,
/// under its stored name: control characters in the path never reach a header.
#[tokio::test]
async fn actor_paths_redirect_only_to_real_members() {
    let srv = TestServer::new().await;
    srv.user("alice").await;
    let r = srv.get("/users/alice", None).await;
    assert!(r.status.is_redirection(), "{}", r.status);
    assert_eq!(r.header("location"), Some("/@alice"));
    for path in [
        "/users/nobody",
        "/users/ali%0Ace",
        "/users/a%00b",
        "/users/x%7F",
        "/users/alice/statuses/x%0A1",
    ] {
        let r = srv.get(path, None).await;
        assert_eq!(r.status, 404, "{path}: {}", r.text);
    }
}
