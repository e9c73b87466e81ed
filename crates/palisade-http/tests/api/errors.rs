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
