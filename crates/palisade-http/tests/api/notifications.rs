use palisade_testkit::TestServer;
use serde_json::json;

#[tokio::test]
async fn mention_follow_favourite_reblog_and_filters() {
    let srv = TestServer::new().await;
    let alice = srv.user("alice").await;
    let bob = srv.user("bob").await;
    let alice_id = srv.account_id(&alice).await;
    srv.post(&format!("/api/v1/accounts/{alice_id}/follow"), Some(&bob))
        .await;
    let post = srv.status(&alice, "hello", "public").await;
    srv.post(&format!("/api/v1/statuses/{post}/favourite"), Some(&bob))
        .await;
    srv.post(&format!("/api/v1/statuses/{post}/reblog"), Some(&bob))
        .await;
    srv.status(&bob, "hey @alice", "public").await;
    let r = srv.get("/api/v1/notifications", Some(&alice)).await;
    let kinds: Vec<&str> = r
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["type"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, vec!["mention", "reblog", "favourite", "follow"]);
    let first = &r.body[0];
    assert_eq!(first["account"]["username"], "bob");
    assert!(first["status"]["content"].as_str().unwrap().contains("hey"));
    assert!(first["group_key"].as_str().unwrap().starts_with("ungrouped-"));
    let r = srv
        .get(
            "/api/v1/notifications?types[]=follow&types[]=favourite",
            Some(&alice),
        )
        .await;
    assert_eq!(r.body.as_array().unwrap().len(), 2);
    let r = srv
        .get("/api/v1/notifications?exclude_types[]=mention", Some(&alice))
        .await;
    assert_eq!(r.body.as_array().unwrap().len(), 3);
    let id = first["id"].as_str().unwrap();
    assert_eq!(
        srv.get(&format!("/api/v1/notifications/{id}"), Some(&alice))
            .await
            .body["type"],
        "mention"
    );
    assert_eq!(
        srv.get(&format!("/api/v1/notifications/{id}"), Some(&bob))
            .await
            .status,
        404
    );
    let c = srv.get("/api/v1/notifications/unread_count", Some(&alice)).await;
    assert_eq!(c.body["count"], 4);
    srv.post_json(
        "/api/v1/markers",
        Some(&alice),
        json!({"notifications": {"last_read_id": id}}),
    )
    .await;
    assert_eq!(
        srv.get("/api/v1/notifications/unread_count", Some(&alice))
            .await
            .body["count"],
        0
    );
    assert_eq!(
        srv.post(&format!("/api/v1/notifications/{id}/dismiss"), Some(&alice))
            .await
            .status,
        200
    );
    assert_eq!(
        srv.get("/api/v1/notifications", Some(&alice))
            .await
            .body
            .as_array()
            .unwrap()
            .len(),
        3
    );
    srv.post("/api/v1/notifications/clear", Some(&alice)).await;
    assert_eq!(
        srv.get("/api/v1/notifications", Some(&alice)).await.body,
        json!([])
    );
}

#[tokio::test]
async fn blocked_and_muted_accounts_do_not_notify() {
    let srv = TestServer::new().await;
    let alice = srv.user("alice").await;
    let bob = srv.user("bob").await;
    let carol = srv.user("carol").await;
    let bob_id = srv.account_id(&bob).await;
    let carol_id = srv.account_id(&carol).await;
    srv.post(&format!("/api/v1/accounts/{bob_id}/block"), Some(&alice))
        .await;
    srv.post(&format!("/api/v1/accounts/{carol_id}/mute"), Some(&alice))
        .await;
    srv.status(&bob, "@alice hi", "public").await;
    srv.status(&carol, "@alice hi", "public").await;
    assert_eq!(
        srv.get("/api/v1/notifications", Some(&alice)).await.body,
        json!([])
    );
}

#[tokio::test]
async fn markers_round_trip() {
    let srv = TestServer::new().await;
    let alice = srv.user("alice").await;
    let r = srv
        .post_json(
            "/api/v1/markers",
            Some(&alice),
            json!({"home": {"last_read_id": "123"}}),
        )
        .await;
    assert_eq!(r.body["home"]["last_read_id"], "123");
    assert_eq!(r.body["home"]["version"], 0);
    srv.post_json(
        "/api/v1/markers",
        Some(&alice),
        json!({"home": {"last_read_id": "124"}}),
    )
    .await;
    let r = srv.get("/api/v1/markers?timeline[]=home", Some(&alice)).await;
    assert_eq!(r.body["home"]["last_read_id"], "124");
    assert_eq!(r.body["home"]["version"], 1);
    assert!(r.body.get("notifications").is_none());
}
