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
