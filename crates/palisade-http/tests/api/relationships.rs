use palisade_testkit::TestServer;
use serde_json::json;

#[tokio::test]
async fn locked_accounts_get_requests() {
    let srv = TestServer::new().await;
    let alice = srv.user("alice").await;
    let bob = srv.user("bob").await;
    let alice_id = srv.account_id(&alice).await;
    let bob_id = srv.account_id(&bob).await;
    srv.patch_form(
        "/api/v1/accounts/update_credentials",
        Some(&alice),
        &[("locked", "true")],
    )
    .await;
    let r = srv
        .post(&format!("/api/v1/accounts/{alice_id}/follow"), Some(&bob))
        .await;
    assert_eq!(r.body["requested"], true);
    assert_eq!(r.body["following"], false);
    let reqs = srv.get("/api/v1/follow_requests", Some(&alice)).await;
    assert_eq!(reqs.body[0]["id"], bob_id.as_str());
    let n = srv.get("/api/v1/notifications", Some(&alice)).await;
    assert_eq!(n.body[0]["type"], "follow_request");
    assert_eq!(
        srv.get("/api/v1/accounts/verify_credentials", Some(&alice))
            .await
            .body["source"]["follow_requests_count"],
        1
    );
    let r = srv
        .post(
            &format!("/api/v1/follow_requests/{bob_id}/authorize"),
            Some(&alice),
        )
        .await;
    assert_eq!(r.body["followed_by"], true);
    assert_eq!(
        srv.get("/api/v1/follow_requests", Some(&alice)).await.body,
        json!([])
    );
    let rel = srv
        .get(
            &format!("/api/v1/accounts/relationships?id[]={alice_id}"),
            Some(&bob),
        )
        .await;
    assert_eq!(rel.body[0]["following"], true);
    let followers = srv
        .get(&format!("/api/v1/accounts/{alice_id}/followers"), None)
        .await;
    assert_eq!(followers.body[0]["username"], "bob");
    let following = srv
        .get(&format!("/api/v1/accounts/{bob_id}/following"), None)
        .await;
    assert_eq!(following.body[0]["username"], "alice");
    assert_eq!(
        srv.get(&format!("/api/v1/accounts/{alice_id}"), None).await.body["followers_count"],
        1
    );
    // Reject path.
    let carol = srv.user("carol").await;
    let carol_id = srv.account_id(&carol).await;
    srv.post(&format!("/api/v1/accounts/{alice_id}/follow"), Some(&carol))
        .await;
    let r = srv
        .post(
            &format!("/api/v1/follow_requests/{carol_id}/reject"),
            Some(&alice),
        )
        .await;
    assert_eq!(r.body["followed_by"], false);
    assert_eq!(r.body["requested_by"], false);
    assert_eq!(
        srv.post("/api/v1/follow_requests/1/authorize", Some(&alice))
            .await
            .status,
        404
    );
}

#[tokio::test]
async fn block_severs_both_ways_and_hides() {
    let srv = TestServer::new().await;
    let alice = srv.user("alice").await;
    let bob = srv.user("bob").await;
    let alice_id = srv.account_id(&alice).await;
    let bob_id = srv.account_id(&bob).await;
    srv.post(&format!("/api/v1/accounts/{alice_id}/follow"), Some(&bob))
        .await;
    srv.post(&format!("/api/v1/accounts/{bob_id}/follow"), Some(&alice))
        .await;
    let post = srv.status(&alice, "visible until the block", "public").await;
    let r = srv
        .post(&format!("/api/v1/accounts/{bob_id}/block"), Some(&alice))
        .await;
    assert_eq!(r.body["blocking"], true);
    assert_eq!(r.body["following"], false);
    assert_eq!(r.body["followed_by"], false);
    assert_eq!(
        srv.get(&format!("/api/v1/accounts/{alice_id}"), None).await.body["followers_count"],
        0
    );
    assert_eq!(
        srv.get(&format!("/api/v1/statuses/{post}"), Some(&bob))
            .await
            .status,
        404
    );
    assert_eq!(
        srv.get("/api/v1/timelines/home", Some(&bob)).await.body,
        json!([])
    );
    assert_eq!(
        srv.post(&format!("/api/v1/accounts/{alice_id}/follow"), Some(&bob))
            .await
            .status,
        403
    );
    let rel = srv
        .get(
            &format!("/api/v1/accounts/relationships?id={alice_id}"),
            Some(&bob),
        )
        .await;
    assert_eq!(rel.body[0]["blocked_by"], true);
    assert_eq!(
        srv.get("/api/v1/blocks", Some(&alice)).await.body[0]["id"],
        bob_id.as_str()
    );
    srv.post(&format!("/api/v1/accounts/{bob_id}/unblock"), Some(&alice))
        .await;
    assert_eq!(
        srv.get(&format!("/api/v1/statuses/{post}"), Some(&bob))
            .await
            .status,
        200
    );
    assert_eq!(
        srv.post(&format!("/api/v1/accounts/{alice_id}/block"), Some(&alice))
            .await
            .status,
        403
    );
}

#[tokio::test]
async fn mutes_with_duration_and_options() {
    let srv = TestServer::new().await;
    let alice = srv.user("alice").await;
    let bob = srv.user("bob").await;
    let bob_id = srv.account_id(&bob).await;
    let r = srv
        .post_json(
            &format!("/api/v1/accounts/{bob_id}/mute"),
            Some(&alice),
            json!({"notifications": false, "duration": 3600}),
        )
        .await;
    assert_eq!(r.body["muting"], true);
    assert_eq!(r.body["muting_notifications"], false);
    assert!(r.body["muting_expires_at"].is_string());
    assert_eq!(
        srv.get("/api/v1/mutes", Some(&alice)).await.body[0]["username"],
        "bob"
    );
    srv.post(&format!("/api/v1/accounts/{bob_id}/unmute"), Some(&alice))
        .await;
    assert_eq!(srv.get("/api/v1/mutes", Some(&alice)).await.body, json!([]));
    let r = srv
        .post(&format!("/api/v1/accounts/{bob_id}/follow"), Some(&alice))
        .await;
    assert_eq!(r.body["following"], true);
    let r = srv
        .post_json(
            &format!("/api/v1/accounts/{bob_id}/follow"),
            Some(&alice),
            json!({"notify": true, "languages": ["en", "de"]}),
        )
        .await;
    assert_eq!(r.body["notifying"], true);
    assert_eq!(r.body["languages"], json!(["en", "de"]));
    let r = srv
        .post(
            &format!("/api/v1/accounts/{bob_id}/remove_from_followers"),
            Some(&bob),
        )
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body["followed_by"], false);
}
