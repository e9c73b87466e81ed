//! Performance by construction: the hot reads are index range scans (shown by the database's
//! own query planner), and rendering a page costs the same number of queries at any size.

use palisade_store::{Backend, plans};
use palisade_testkit::TestServer;

#[tokio::test]
async fn hot_reads_are_index_range_scans() {
    let srv = TestServer::new().await;
    let alice = srv.user("alice").await;
    srv.status(&alice, "x", "public").await;
    let backend = srv.backend();
    for (name, plan) in plans::hot_reads(&srv.db, 1).await.unwrap() {
        println!("{name} ({backend:?}):\n{plan}\n");
        let index = match name {
            "home" if backend == Backend::Sqlite => "sqlite_autoindex_home_feed_1",
            "home" => "home_feed_pkey",
            "account statuses" => "statuses_account",
            _ => "notifications_account",
        };
        let line = plan.lines().find(|l| l.contains(index)).unwrap_or_default();
        match backend {
            // SQLite: `SEARCH … USING … INDEX name (account_id=? AND id<?)`, a range scan.
            Backend::Sqlite => assert!(
                line.starts_with("SEARCH") && line.contains("<?"),
                "{name}: {plan}"
            ),
            Backend::Postgres => assert!(line.contains("Index") && line.contains("Scan"), "{name}: {plan}"),
        }
        assert!(
            !plan.contains("TEMP B-TREE") && !plan.contains("Sort  ("),
            "{name} needs no sort step: {plan}"
        );
    }
}

#[tokio::test]
async fn a_page_costs_the_same_number_of_queries_at_any_size() {
    let srv = TestServer::new().await;
    let alice = srv.user("alice").await;
    let bob = srv.user("bob").await;
    let bob_id = srv.account_id(&bob).await;
    srv.post(&format!("/api/v1/accounts/{bob_id}/follow"), Some(&alice))
        .await;
    for i in 0..40 {
        let id = srv.status(&bob, &format!("post {i} #tag @alice"), "public").await;
        if i % 3 == 0 {
            srv.post(&format!("/api/v1/statuses/{id}/favourite"), Some(&alice))
                .await;
            srv.post(&format!("/api/v1/statuses/{id}/reblog"), Some(&alice))
                .await;
        }
    }
    let cost = |limit: u32| {
        let (srv, alice) = (&srv, alice.clone());
        async move {
            let before = srv.db.queries_run();
            let r = srv
                .get(&format!("/api/v1/timelines/home?limit={limit}"), Some(&alice))
                .await;
            assert_eq!(r.body.as_array().unwrap().len(), limit as usize);
            srv.db.queries_run() - before
        }
    };
    let small = cost(5).await;
    let large = cost(40).await;
    println!("queries for a home page: 5 statuses {small}, 40 statuses {large}");
    assert_eq!(small, large, "the query count must not grow with the page");
    // One query per kind of thing a page carries (statuses, boosted originals, accounts,
    // mentions, tags, apps, media, emoji, cards, polls and own votes, filters, the viewer's
    // marks, relationships, policies): 22 today.
    assert!(large <= 24, "{large} queries for one page");
}

/// A remote post that mentions a member who follows its author: what the inbound benchmark
/// delivers thousands of times.
fn mentioning_post(
    author: &palisade_store::accounts::Account,
    n: u32,
    member: i64,
) -> palisade_core::remote::RemoteStatus {
    palisade_core::remote::RemoteStatus {
        mentions: vec![member],
        ..palisade_testkit::remote_note(author, n)
    }
}

/// On SQLite every write transaction holds the one write lock, statement by statement: the
/// fewer statements a received status runs inside its transaction, the more statuses a
/// second (the reads it needs come before, on the readers).
#[tokio::test]
async fn a_received_status_is_a_short_write() {
    let srv = TestServer::new().await;
    let alice = srv.user("alice").await;
    let alice_id: i64 = srv.account_id(&alice).await.parse().unwrap();
    let tom = srv.remote_account("tom", "threads.test").await;
    srv.follow_directly(alice_id, tom.id, true).await;
    // The first one warms the policy cache.
    srv.core
        .receive_status(mentioning_post(&tom, 1, alice_id))
        .await
        .unwrap();
    let (all, in_tx) = (srv.db.queries_run(), srv.db.queries_in_transactions());
    let status = srv
        .core
        .receive_status(mentioning_post(&tom, 2, alice_id))
        .await
        .unwrap();
    let all = srv.db.queries_run() - all;
    let in_tx = srv.db.queries_in_transactions() - in_tx;
    println!("a received status: {all} statements, {in_tx} of them inside its transaction");
    // It did all it should: alice's home feed and her mention notification.
    let home = srv.get("/api/v1/timelines/home", Some(&alice)).await;
    assert_eq!(home.body[0]["id"], status.id.to_string(), "{}", home.text);
    let n = srv
        .get("/api/v1/notifications?types[]=mention", Some(&alice))
        .await;
    assert_eq!(n.body[0]["status"]["id"], status.id.to_string(), "{}", n.text);
    // The status, its mention, the author's counters, the notification, the home feed,
    // and the check that its id is free: 6 (it was 18 when the reads ran inside).
    assert!(in_tx <= 6, "{in_tx} statements inside the transaction");
    // Before it: the follower reach, lists, and one read for everything the notification
    // policy weighs (it was five reads, and 14 statements in all).
    assert!(all <= 10, "{all} statements for a received status");
}

/// On SQLite received statuses that wait together are written in one transaction; a
/// failure in the group (here two copies of one note, both past the known-URI check)
/// sends each back alone: the copy fails, nothing else is lost or doubled.
#[tokio::test]
async fn received_statuses_written_together_lose_nothing() {
    let srv = TestServer::new().await;
    let alice = srv.user("alice").await;
    let alice_id: i64 = srv.account_id(&alice).await.parse().unwrap();
    let tom = srv.remote_account("tom", "threads.test").await;
    srv.follow_directly(alice_id, tom.id, true).await;
    let mut notes: Vec<_> = (1..=24).map(|n| mentioning_post(&tom, n, alice_id)).collect();
    notes.push(mentioning_post(&tom, 7, alice_id));
    let mut running = tokio::task::JoinSet::new();
    for note in notes {
        let core = srv.core.clone();
        running.spawn(async move { core.receive_status(note).await.map(|s| s.id) });
    }
    let mut ids = Vec::new();
    while let Some(done) = running.join_next().await {
        // The copy either failed (its URI was taken) or found the stored status.
        if let Ok(id) = done.unwrap() {
            ids.push(id);
        }
    }
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 24, "{ids:?}");
    let home = srv.get("/api/v1/timelines/home?limit=40", Some(&alice)).await;
    assert_eq!(home.body.as_array().unwrap().len(), 24, "{}", home.text);
    let n = srv
        .get("/api/v1/notifications?types[]=mention&limit=40", Some(&alice))
        .await;
    assert_eq!(n.body.as_array().unwrap().len(), 24, "{}", n.text);
    let tom_view = srv
        .get(&format!("/api/v1/accounts/{}", tom.id), Some(&alice))
        .await;
    assert_eq!(tom_view.body["statuses_count"], 24, "{}", tom_view.text);
}
