//! The domain-matching rule exists once: its Rust form (`store::domains::covers`, what the
//! policy decides with) and both SQL forms generated from it agree on every case, on this
//! test run's database.

use palisade_store::domains;
use palisade_testkit::TestServer;

#[tokio::test]
async fn sql_forms_agree_with_the_rule() {
    let srv = TestServer::new().await;
    for (block, domain, expected) in domains::CASES {
        assert_eq!(
            domains::covers(block, domain),
            *expected,
            "{block} covers {domain}"
        );
        let (by_column, by_literal) = domains::covers_in_sql(&srv.db, block, domain).await.unwrap();
        assert_eq!(by_column, *expected, "column form: {block} covers {domain}");
        assert_eq!(by_literal, *expected, "literal form: {block} covers {domain}");
    }
}
