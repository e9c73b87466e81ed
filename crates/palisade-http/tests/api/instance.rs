use palisade_testkit::TestServer;

#[tokio::test]
async fn instance_v1_v2_and_nodeinfo() {
    let srv = TestServer::new().await;
    let alice = srv.user("alice").await;
    srv.status(&alice, "one", "public").await;
    let v1 = srv.get("/api/v1/instance/", None).await;
    assert_eq!(v1.status, 200, "trailing slash is tolerated");
    let version = v1.body["version"].as_str().unwrap();
    assert!(version.starts_with("4.3.0 (compatible; Palisade "), "{version}");
    assert_eq!(v1.body["stats"]["user_count"], 1);
    assert_eq!(v1.body["stats"]["status_count"], 1);
    assert_eq!(v1.body["uri"], "palisade.test");
    let v2 = srv.get("/api/v2/instance", None).await;
    assert_eq!(v2.body["api_versions"]["mastodon"], 2);
    assert_eq!(
        v2.body["configuration"]["urls"]["streaming"],
        "wss://palisade.test"
    );
    assert_eq!(v2.body["registrations"]["enabled"], true);
    let links = srv.get("/.well-known/nodeinfo", None).await;
    assert_eq!(
        links.body["links"][1]["href"],
        "https://palisade.test/nodeinfo/2.1"
    );
    for v in ["2.0", "2.1"] {
        let n = srv.get(&format!("/nodeinfo/{v}"), None).await;
        assert_eq!(n.body["version"], v);
        assert_eq!(n.body["software"]["name"], "palisade");
        assert!(n.body["metadata"].is_object());
        assert_eq!(n.body["usage"]["localPosts"], 1);
        assert!(n.header("content-type").unwrap().contains("profile="));
    }
    assert_eq!(
        srv.get("/api/v1/instance/peers", None).await.body,
        serde_json::json!([])
    );
    assert_eq!(
        srv.get("/api/v1/instance/activity", None)
            .await
            .body
            .as_array()
            .unwrap()
            .len(),
        12
    );
    assert_eq!(srv.get("/api/v1/instance/rules", None).await.status, 200);
    assert_eq!(
        srv.get("/api/v1/custom_emojis", None).await.body,
        serde_json::json!([])
    );
    let avatar = srv.get("/avatars/original/missing.png", None).await;
    assert_eq!(avatar.header("content-type"), Some("image/png"));
}

#[tokio::test]
async fn preferences_and_rate_limit_headers() {
    let srv = TestServer::new().await;
    let alice = srv.user("alice").await;
    let r = srv.get("/api/v1/preferences", Some(&alice)).await;
    assert_eq!(r.body["posting:default:visibility"], "public");
    assert!(r.header("x-ratelimit-limit").is_some());
    assert!(r.header("x-ratelimit-remaining").is_some());
    assert!(r.header("x-ratelimit-reset").unwrap().ends_with('Z'));
}
