use axum::http::Method;
use palisade_testkit::TestServer;
use serde_json::json;

#[tokio::test]
async fn post_render_get_delete() {
    let srv = TestServer::new().await;
    let alice = srv.user("alice").await;
    srv.user("bob").await;
    let r = srv
        .post_json("/api/v1/statuses", Some(&alice), json!({"status": "hi @bob <b>x</b> #Tag https://example.com/page", "spoiler_text": "cw", "language": "de"}))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let s = &r.body;
    assert_eq!(s["mentions"][0]["acct"], "bob");
    assert_eq!(s["tags"][0]["name"], "Tag");
    assert_eq!(s["sensitive"], true, "a content warning implies sensitive");
    assert_eq!(s["language"], "de");
    assert!(s["content"].as_str().unwrap().contains("&lt;b&gt;"));
    assert_eq!(s["account"]["statuses_count"], 1);
    let id = s["id"].as_str().unwrap().to_owned();
    assert_eq!(srv.get(&format!("/api/v1/statuses/{id}"), None).await.status, 200);
    let d = srv.delete(&format!("/api/v1/statuses/{id}"), Some(&alice)).await;
    assert_eq!(d.status, 200);
    assert_eq!(d.body["text"], "hi @bob <b>x</b> #Tag https://example.com/page");
    assert_eq!(srv.get(&format!("/api/v1/statuses/{id}"), None).await.status, 404);
    let me = srv.get("/api/v1/accounts/verify_credentials", Some(&alice)).await;
    assert_eq!(me.body["statuses_count"], 0);
}

#[tokio::test]
async fn validation_and_idempotency() {
    let srv = TestServer::new().await;
    let alice = srv.user("alice").await;
    let r = srv
        .post_json("/api/v1/statuses", Some(&alice), json!({"status": "   "}))
        .await;
    assert_eq!(r.status, 422);
    let r = srv
        .post_json(
            "/api/v1/statuses",
            Some(&alice),
            json!({"status": "x".repeat(501)}),
        )
        .await;
    assert_eq!(r.status, 422);
    let r = srv
        .post_json(
            "/api/v1/statuses",
            Some(&alice),
            json!({"status": "x", "visibility": "everyone"}),
        )
        .await;
    assert_eq!(r.status, 422);
    let r = srv
        .post_json(
            "/api/v1/statuses",
            Some(&alice),
            json!({"status": "x", "in_reply_to_id": "12345"}),
        )
        .await;
    assert_eq!(r.status, 404);
    let keyed = |key: &'static str| {
        let (srv, alice) = (&srv, alice.clone());
        async move {
            let body = Some(("application/json", json!({"status": "keyed"}).to_string()));
            let r = srv
                .request_with(
                    Method::POST,
                    "/api/v1/statuses",
                    Some(&alice),
                    body,
                    &[("idempotency-key", key)],
                )
                .await;
            assert_eq!(r.status, 200);
            r.body["id"].as_str().unwrap().to_owned()
        }
    };
    let first = keyed("k1").await;
    assert_eq!(keyed("k1").await, first, "the same key gives the same status");
    assert_ne!(keyed("k2").await, first);
    let me = srv.get("/api/v1/accounts/verify_credentials", Some(&alice)).await;
    assert_eq!(me.body["statuses_count"], 2);
}

#[tokio::test]
async fn edit_history_and_source() {
    let srv = TestServer::new().await;
    let alice = srv.user("alice").await;
    let bob = srv.user("bob").await;
    let id = srv.status(&alice, "the best editor is vim", "public").await;
    srv.post(&format!("/api/v1/statuses/{id}/reblog"), Some(&bob))
        .await;
    let r = srv
        .put_json(
            &format!("/api/v1/statuses/{id}"),
            Some(&alice),
            json!({"status": "the best editor is kate", "spoiler_text": "opinions"}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert!(r.body["edited_at"].is_string());
    assert!(r.body["content"].as_str().unwrap().contains("kate"));
    let h = srv.get(&format!("/api/v1/statuses/{id}/history"), None).await;
    let versions = h.body.as_array().unwrap();
    assert_eq!(versions.len(), 2);
    assert!(versions[0]["content"].as_str().unwrap().contains("vim"));
    assert_eq!(versions[1]["spoiler_text"], "opinions");
    let src = srv
        .get(&format!("/api/v1/statuses/{id}/source"), Some(&alice))
        .await;
    assert_eq!(src.body["text"], "the best editor is kate");
    // Bob boosted it: he gets an `update` notification.
    let n = srv.get("/api/v1/notifications?types[]=update", Some(&bob)).await;
    assert_eq!(n.body.as_array().unwrap().len(), 1, "{}", n.text);
    // Others cannot edit.
    let r = srv
        .put_json(
            &format!("/api/v1/statuses/{id}"),
            Some(&bob),
            json!({"status": "mine now"}),
        )
        .await;
    assert_eq!(r.status, 404);
}

#[tokio::test]
async fn favourite_reblog_bookmark_pin_and_who() {
    let srv = TestServer::new().await;
    let alice = srv.user("alice").await;
    let bob = srv.user("bob").await;
    let id = srv.status(&alice, "like me", "public").await;
    let r = srv
        .post(&format!("/api/v1/statuses/{id}/favourite"), Some(&bob))
        .await;
    assert_eq!(r.body["favourited"], true);
    assert_eq!(r.body["favourites_count"], 1);
    let r = srv
        .post(&format!("/api/v1/statuses/{id}/favourite"), Some(&bob))
        .await;
    assert_eq!(r.body["favourites_count"], 1, "favouriting twice counts once");
    let r = srv
        .post(&format!("/api/v1/statuses/{id}/reblog"), Some(&bob))
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body["reblog"]["id"], id.as_str());
    assert_eq!(r.body["reblog"]["reblogged"], true);
    assert_eq!(r.body["reblog"]["reblogs_count"], 1);
    let boost_id = r.body["id"].as_str().unwrap().to_owned();
    let who = srv
        .get(&format!("/api/v1/statuses/{id}/reblogged_by"), None)
        .await;
    assert_eq!(who.body[0]["username"], "bob");
    let who = srv
        .get(&format!("/api/v1/statuses/{id}/favourited_by"), None)
        .await;
    assert_eq!(who.body[0]["username"], "bob");
    let r = srv
        .post(&format!("/api/v1/statuses/{boost_id}/unreblog"), Some(&bob))
        .await;
    assert_eq!(r.body["reblogged"], false);
    assert_eq!(r.body["reblogs_count"], 0);
    let r = srv
        .post(&format!("/api/v1/statuses/{id}/unfavourite"), Some(&bob))
        .await;
    assert_eq!(r.body["favourited"], false);
    assert_eq!(r.body["favourites_count"], 0);
    let r = srv
        .post(&format!("/api/v1/statuses/{id}/bookmark"), Some(&bob))
        .await;
    assert_eq!(r.body["bookmarked"], true);
    let b = srv.get("/api/v1/bookmarks", Some(&bob)).await;
    assert_eq!(b.body[0]["id"], id.as_str());
    srv.post(&format!("/api/v1/statuses/{id}/unbookmark"), Some(&bob))
        .await;
    assert_eq!(srv.get("/api/v1/bookmarks", Some(&bob)).await.body, json!([]));
    // Only the author pins.
    assert_eq!(
        srv.post(&format!("/api/v1/statuses/{id}/pin"), Some(&bob))
            .await
            .status,
        404
    );
    let r = srv
        .post(&format!("/api/v1/statuses/{id}/pin"), Some(&alice))
        .await;
    assert_eq!(r.body["pinned"], true);
    // Followers-only posts: only their author may boost them, and the boost stays private.
    let p = srv.status(&alice, "followers only", "private").await;
    let r = srv
        .post_json(
            &format!("/api/v1/statuses/{p}/reblog"),
            Some(&alice),
            json!({"visibility": "public"}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["visibility"], "private");
    assert_eq!(
        srv.post(&format!("/api/v1/statuses/{p}/reblog"), Some(&bob))
            .await
            .status,
        404
    );
    let who = srv
        .get(&format!("/api/v1/statuses/{p}/reblogged_by"), Some(&alice))
        .await;
    assert_eq!(who.body, json!([]), "a private self-boost is not listed");
    let d = srv
        .get(
            &format!(
                "/api/v1/statuses/{}",
                srv.status(&alice, "direct @bob", "direct").await
            ),
            Some(&alice),
        )
        .await;
    let d_id = d.body["id"].as_str().unwrap().to_owned();
    assert_eq!(
        srv.post(&format!("/api/v1/statuses/{d_id}/reblog"), Some(&alice))
            .await
            .status,
        422
    );
}

#[tokio::test]
async fn context_orders_threads_and_hides_what_it_must() {
    let srv = TestServer::new().await;
    let alice = srv.user("alice").await;
    let bob = srv.user("bob").await;
    let root = srv.status(&alice, "root", "public").await;
    let reply = |parent: String, text: &'static str, token: String| {
        let srv = &srv;
        async move {
            let r = srv
                .post_json(
                    "/api/v1/statuses",
                    Some(&token),
                    json!({"status": text, "in_reply_to_id": parent}),
                )
                .await;
            assert_eq!(r.status, 200, "{}", r.text);
            r.body["id"].as_str().unwrap().to_owned()
        }
    };
    let a = reply(root.clone(), "a", bob.clone()).await;
    let b = reply(root.clone(), "b", alice.clone()).await;
    let a1 = reply(a.clone(), "a1", alice.clone()).await;
    let secret = srv
        .post_json(
            "/api/v1/statuses",
            Some(&alice),
            json!({"status": "hidden", "in_reply_to_id": root, "visibility": "direct"}),
        )
        .await
        .body["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let ctx = srv
        .get(&format!("/api/v1/statuses/{root}/context"), Some(&bob))
        .await;
    let ids: Vec<&str> = ctx.body["descendants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        vec![a.as_str(), a1.as_str(), b.as_str()],
        "depth first, without the direct reply"
    );
    let ctx = srv.get(&format!("/api/v1/statuses/{a1}/context"), None).await;
    let ids: Vec<&str> = ctx.body["ancestors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, vec![root.as_str(), a.as_str()]);
    let ctx = srv
        .get(&format!("/api/v1/statuses/{root}/context"), Some(&alice))
        .await;
    assert!(
        ctx.body["descendants"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["id"] == secret.as_str())
    );
    let root_view = srv.get(&format!("/api/v1/statuses/{root}"), None).await;
    assert_eq!(root_view.body["replies_count"], 3);
}
