//! Lifting a suspension in its grace period restores what it severed, set-based: both
//! directions of each follow, the counters of both sides, the followers' home feeds; but
//! not a follow whose sides have blocked each other since, nor one the member's own domain
//! block now covers.

use palisade_store::accounts::{self, Account};
use palisade_testkit::TestServer;
use serde_json::json;

async fn remote_post(srv: &TestServer, author: &Account, n: u32) -> i64 {
    let note = palisade_testkit::remote_note(author, n);
    srv.core.receive_status(note).await.unwrap().id
}

async fn counts(srv: &TestServer, id: i64) -> (i64, i64) {
    let a = accounts::by_id(&srv.db, id).await.unwrap().unwrap();
    (a.followers_count, a.following_count)
}

async fn home_ids(srv: &TestServer, token: &str) -> Vec<i64> {
    let r = srv.get("/api/v1/timelines/home?limit=40", Some(token)).await;
    assert_eq!(r.status, 200, "{}", r.text);
    r.body
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap().parse().unwrap())
        .collect()
}

#[tokio::test]
async fn lifting_a_suspension_restores_follows_counters_and_feeds_but_not_what_was_blocked_since() {
    let srv = TestServer::new().await;
    let admin = srv.staff("admin", "admin").await;
    let alice = srv.user("alice").await;
    let bob = srv.user("bob").await;
    let carol = srv.user("carol").await;
    let id_of = |t: String| t.parse::<i64>().unwrap();
    let alice_id = id_of(srv.account_id(&alice).await);
    let bob_id = id_of(srv.account_id(&bob).await);
    let carol_id = id_of(srv.account_id(&carol).await);
    let x = srv.remote_account("x", "big.test").await;
    let y = srv.remote_account("y", "eu.big.test").await;
    // alice follows x and y, x follows alice; bob follows x; carol follows y.
    srv.follow_directly(alice_id, x.id, true).await;
    srv.follow_directly(alice_id, y.id, true).await;
    srv.follow_directly(x.id, alice_id, true).await;
    srv.follow_directly(bob_id, x.id, true).await;
    srv.follow_directly(carol_id, y.id, true).await;
    let mut tx = srv.db.begin().await.unwrap();
    palisade_store::bulk::recount(&mut tx).await.unwrap();
    tx.commit().await.unwrap();
    let x_posts = [remote_post(&srv, &x, 1).await, remote_post(&srv, &x, 2).await];
    let y_post = remote_post(&srv, &y, 3).await;
    assert_eq!(
        home_ids(&srv, &alice).await.len(),
        3,
        "before: x's two posts and y's"
    );

    let r = srv
        .post_json(
            "/api/v1/admin/domain_blocks",
            Some(&admin),
            json!({"domain": "big.test", "severity": "suspend"}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let block: i64 = r.body["id"].as_str().unwrap().parse().unwrap();
    assert!(
        home_ids(&srv, &alice).await.is_empty(),
        "severed: their posts left alice's feed"
    );
    assert_eq!(counts(&srv, alice_id).await, (0, 0));
    assert_eq!(counts(&srv, x.id).await, (0, 0));

    // Meanwhile bob blocks x, and carol blocks y's domain herself.
    palisade_store::relationships::block(&srv.db, palisade_store::ids::new_id(), bob_id, x.id)
        .await
        .unwrap();
    srv.post_form(
        "/api/v1/domain_blocks",
        Some(&carol),
        &[("domain", "eu.big.test")],
    )
    .await;

    let lifted = srv.core.delete_domain_block(None, block).await.unwrap();
    assert_eq!(lifted.restored_relationships, 3, "alice→x, alice→y, x→alice");
    assert!(!lifted.purged);
    assert_eq!(counts(&srv, alice_id).await, (1, 2));
    assert_eq!(
        counts(&srv, x.id).await,
        (1, 1),
        "x: followed by alice (not bob), follows alice"
    );
    assert_eq!(
        counts(&srv, y.id).await,
        (1, 0),
        "y: followed by alice (not carol)"
    );
    assert_eq!(counts(&srv, bob_id).await, (0, 0));
    assert_eq!(counts(&srv, carol_id).await, (0, 0));
    let mut home = home_ids(&srv, &alice).await;
    home.sort_unstable();
    let mut expected = vec![x_posts[0], x_posts[1], y_post];
    expected.sort_unstable();
    assert_eq!(home, expected, "alice's feed has their posts again");
    assert!(
        home_ids(&srv, &bob).await.is_empty(),
        "bob blocked x: nothing of x"
    );
    assert!(home_ids(&srv, &carol).await.is_empty(), "carol blocks y's domain");

    // Lifting again (the block is gone) restores nothing and finds nothing to do.
    let r = srv
        .delete(&format!("/api/v1/admin/domain_blocks/{block}"), Some(&admin))
        .await;
    assert_eq!(r.status, 404, "{}", r.text);
}
