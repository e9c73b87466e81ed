//! Lists and direct-message conversations.

use palisade_testkit::TestServer;
use serde_json::json;

async fn follow(srv: &TestServer, who: &str, whom: &str) {
    let r = srv
        .post(&format!("/api/v1/accounts/{whom}/follow"), Some(who))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
}

#[tokio::test]
async fn lists_hold_followed_accounts_and_their_posts() {
    let srv = TestServer::new().await;
    let alice = srv.user("alice").await;
    let bob = srv.user("bob").await;
    let carol = srv.user("carol").await;
    let (bob_id, carol_id) = (srv.account_id(&bob).await, srv.account_id(&carol).await);
    let r = srv
        .post_json("/api/v1/lists", Some(&alice), json!({"title": " "}))
        .await;
    assert_eq!(r.status, 422, "a blank title: {}", r.text);
    let r = srv
        .post_json("/api/v1/lists", Some(&alice), json!({"title": "friends"}))
        .await;
    assert_eq!(r.body["replies_policy"], "list");
    assert_eq!(r.body["exclusive"], false);
    let list = r.body["id"].as_str().unwrap().to_owned();
    let path = format!("/api/v1/lists/{list}/accounts");
    // Only followed accounts join a list.
    let r = srv
        .post_json(&path, Some(&alice), json!({"account_ids": [bob_id]}))
        .await;
    assert_eq!(r.status, 422, "{}", r.text);
    follow(&srv, &alice, &bob_id).await;
    follow(&srv, &alice, &carol_id).await;
    let before = srv.status(&bob, "before joining", "public").await;
    let r = srv
        .post_form(&path, Some(&alice), &[("account_ids[]", &bob_id)])
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let members = srv.get(&path, Some(&alice)).await;
    assert_eq!(members.body.as_array().unwrap().len(), 1);
    assert_eq!(members.body[0]["id"], bob_id);
    let on = srv
        .get(&format!("/api/v1/accounts/{bob_id}/lists"), Some(&alice))
        .await;
    assert_eq!(on.body[0]["id"], list);
    // The timeline: the member's recent posts (backfilled) and new ones; not others'.
    let after = srv.status(&bob, "after joining", "public").await;
    srv.status(&carol, "not a member", "public").await;
    let tl = srv
        .get(&format!("/api/v1/timelines/list/{list}"), Some(&alice))
        .await;
    let ids: Vec<&str> = tl
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, vec![after.as_str(), before.as_str()]);
    // Replies: a self-reply joins; under policy `list`, a reply to a non-member does not.
    let self_reply = srv
        .post_json(
            "/api/v1/statuses",
            Some(&bob),
            json!({"status": "@bob me", "in_reply_to_id": after}),
        )
        .await;
    let carols = srv.status(&carol, "hello", "public").await;
    srv.post_json(
        "/api/v1/statuses",
        Some(&bob),
        json!({"status": "@carol hi", "in_reply_to_id": carols}),
    )
    .await;
    let tl = srv
        .get(&format!("/api/v1/timelines/list/{list}"), Some(&alice))
        .await;
    assert_eq!(
        tl.body.as_array().unwrap().len(),
        3,
        "a self-reply joins, a reply to carol does not"
    );
    assert_eq!(tl.body[0]["id"], self_reply.body["id"]);
    // Exclusive: the members' new posts leave the home timeline.
    let r = srv
        .put_json(
            &format!("/api/v1/lists/{list}"),
            Some(&alice),
            json!({"exclusive": true, "replies_policy": "none"}),
        )
        .await;
    assert_eq!(
        (r.body["exclusive"].clone(), r.body["replies_policy"].clone()),
        (json!(true), json!("none"))
    );
    let quiet = srv.status(&bob, "only in the list", "public").await;
    let home = srv.get("/api/v1/timelines/home", Some(&alice)).await;
    assert!(!home.text.contains(&quiet));
    assert!(
        srv.get(&format!("/api/v1/timelines/list/{list}"), Some(&alice))
            .await
            .text
            .contains(&quiet)
    );
    // Unfollowing removes the membership and its posts.
    srv.post(&format!("/api/v1/accounts/{bob_id}/unfollow"), Some(&alice))
        .await;
    assert_eq!(srv.get(&path, Some(&alice)).await.body, json!([]));
    assert_eq!(
        srv.get(&format!("/api/v1/timelines/list/{list}"), Some(&alice))
            .await
            .body,
        json!([])
    );
    // Someone else's list is not found; deleting works once.
    assert_eq!(
        srv.get(&format!("/api/v1/lists/{list}"), Some(&bob)).await.status,
        404
    );
    assert_eq!(
        srv.delete(&format!("/api/v1/lists/{list}"), Some(&alice))
            .await
            .status,
        200
    );
    assert_eq!(
        srv.delete(&format!("/api/v1/lists/{list}"), Some(&alice))
            .await
            .status,
        404
    );
}

#[tokio::test]
async fn direct_messages_make_conversations() {
    let srv = TestServer::new().await;
    let alice = srv.user("alice").await;
    let bob = srv.user("bob").await;
    let carol = srv.user("carol").await;
    let bob_id = srv.account_id(&bob).await;
    let first = srv.status(&alice, "@bob psst", "direct").await;
    let mine = srv.get("/api/v1/conversations", Some(&alice)).await;
    assert_eq!(mine.body.as_array().unwrap().len(), 1);
    assert_eq!(mine.body[0]["unread"], false, "one's own message is read");
    assert_eq!(mine.body[0]["accounts"][0]["id"], bob_id);
    assert_eq!(mine.body[0]["last_status"]["id"], first);
    let theirs = srv.get("/api/v1/conversations", Some(&bob)).await;
    assert_eq!(theirs.body[0]["unread"], true);
    let conv = theirs.body[0]["id"].as_str().unwrap().to_owned();
    // A reply joins the same conversation; reading marks it read.
    let reply = srv
        .post_json(
            "/api/v1/statuses",
            Some(&bob),
            json!({"status": "@alice what?", "visibility": "direct", "in_reply_to_id": first}),
        )
        .await;
    let r = srv
        .post(&format!("/api/v1/conversations/{conv}/read"), Some(&bob))
        .await;
    assert_eq!(
        (r.body["unread"].clone(), r.body["last_status"]["id"].clone()),
        (json!(false), reply.body["id"].clone())
    );
    assert_eq!(
        srv.get("/api/v1/conversations", Some(&carol)).await.body,
        json!([])
    );
    // Deleting the last message points at the one before; deleting all removes it.
    srv.delete(
        &format!("/api/v1/statuses/{}", reply.body["id"].as_str().unwrap()),
        Some(&bob),
    )
    .await;
    let r = srv.get("/api/v1/conversations", Some(&alice)).await;
    assert_eq!(r.body[0]["last_status"]["id"], first);
    srv.delete(&format!("/api/v1/statuses/{first}"), Some(&alice))
        .await;
    assert_eq!(
        srv.get("/api/v1/conversations", Some(&alice)).await.body,
        json!([])
    );
    // Removing a conversation is one's own business.
    srv.status(&alice, "@bob again", "direct").await;
    let conv = srv.get("/api/v1/conversations", Some(&bob)).await.body[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        srv.delete(&format!("/api/v1/conversations/{conv}"), Some(&alice))
            .await
            .status,
        404
    );
    assert_eq!(
        srv.delete(&format!("/api/v1/conversations/{conv}"), Some(&bob))
            .await
            .status,
        200
    );
    assert_eq!(srv.get("/api/v1/conversations", Some(&bob)).await.body, json!([]));
    assert_eq!(
        srv.get("/api/v1/conversations", Some(&alice))
            .await
            .body
            .as_array()
            .unwrap()
            .len(),
        1
    );
}
