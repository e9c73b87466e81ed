//! Between two Palisades over real HTTP: polls as Questions (votes as Notes, tallies back
//! by Update), and search with `resolve=true` answering at once with what it fetched.

use palisade_testkit::TestServer;
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn polls_federate_both_ways() {
    let a = TestServer::spawn(12).await;
    let b = TestServer::spawn(13).await;
    let alice = a.user("alice").await;
    let bob = b.user("bob").await;
    let bob_at_a = a.resolve(&alice, &b.handle("bob")).await;
    a.post(&format!("/api/v1/accounts/{bob_at_a}/follow"), Some(&alice))
        .await;
    a.eventually("alice follows bob", || async {
        a.relationship(&alice, &bob_at_a).await["following"] == true
    })
    .await;

    // Bob's poll reaches alice as a poll.
    let r = b
        .post_json(
            "/api/v1/statuses",
            Some(&bob),
            json!({"status": "tea or coffee?", "poll": {"options": ["tea", "coffee"], "expires_in": 3600}}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let local_poll = r.body["poll"]["id"].as_str().unwrap().to_owned();
    a.eventually("bob's poll reaches alice", || async {
        a.get("/api/v1/timelines/home", Some(&alice)).await.body[0]["poll"].is_object()
    })
    .await;
    let seen = a.get("/api/v1/timelines/home", Some(&alice)).await.body[0]["poll"].clone();
    assert_eq!(seen["options"][1]["title"], "coffee");
    assert_eq!(seen["multiple"], false);
    assert!(seen["expires_at"].is_string());
    // Alice votes there: bob's server counts it, and its Update brings the tally back.
    let remote_poll = seen["id"].as_str().unwrap().to_owned();
    let r = a
        .post_json(
            &format!("/api/v1/polls/{remote_poll}/votes"),
            Some(&alice),
            json!({"choices": [1]}),
        )
        .await;
    assert_eq!(
        (r.body["votes_count"].clone(), r.body["own_votes"].clone()),
        (json!(1), json!([1]))
    );
    b.eventually("bob's server counts alice's vote", || async {
        b.get(&format!("/api/v1/polls/{local_poll}"), Some(&bob))
            .await
            .body["options"][1]["votes_count"]
            == 1
    })
    .await;
    let carol = b.user("carol").await;
    b.post_json(
        &format!("/api/v1/polls/{local_poll}/votes"),
        Some(&carol),
        json!({"choices": [0]}),
    )
    .await;
    a.eventually("the new tally comes back by Update", || async {
        let p = a.get(&format!("/api/v1/polls/{remote_poll}"), Some(&alice)).await;
        p.body["votes_count"] == 2 && p.body["options"][0]["votes_count"] == 1
    })
    .await;
    let p = a.get(&format!("/api/v1/polls/{remote_poll}"), Some(&alice)).await;
    assert_eq!(p.body["own_votes"], json!([1]), "alice's own vote is remembered");
    assert_eq!(
        a.post_json(
            &format!("/api/v1/polls/{remote_poll}/votes"),
            Some(&alice),
            json!({"choices": [0]})
        )
        .await
        .status,
        422,
        "one vote in a single-choice poll"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn resolving_a_url_answers_at_once() {
    let a = TestServer::spawn(14).await;
    let b = TestServer::spawn(15).await;
    let alice = a.user("alice").await;
    let bob = b.user("bob").await;
    let bob_uri = b
        .get(&format!("/api/v1/accounts/{}", b.account_id(&bob).await), None)
        .await
        .body["uri"]
        .as_str()
        .unwrap()
        .to_owned();
    let q = |s: &str| s.replace(':', "%3A").replace('/', "%2F");
    let r = a
        .get(
            &format!("/api/v2/search?q={}&resolve=true", q(&bob_uri)),
            Some(&alice),
        )
        .await;
    assert_eq!(r.body["accounts"].as_array().unwrap().len(), 1, "{}", r.text);
    assert_eq!(r.body["accounts"][0]["acct"], b.handle("bob"));
    // Known now: found again without resolving.
    let r = a
        .get(&format!("/api/v2/search?q={}", q(&bob_uri)), Some(&alice))
        .await;
    assert_eq!(r.body["accounts"][0]["acct"], b.handle("bob"));
    // A status URL: the status at once.
    let id = b.status(&bob, "find me by my address", "public").await;
    let uri = b.get(&format!("/api/v1/statuses/{id}"), None).await.body["uri"]
        .as_str()
        .unwrap()
        .to_owned();
    let r = a
        .get(
            &format!("/api/v2/search?q={}&resolve=true&type=statuses", q(&uri)),
            Some(&alice),
        )
        .await;
    assert_eq!(r.body["statuses"].as_array().unwrap().len(), 1, "{}", r.text);
    assert!(
        r.body["statuses"][0]["content"]
            .as_str()
            .unwrap()
            .contains("find me")
    );
}
