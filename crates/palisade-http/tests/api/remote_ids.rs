//! A remote status keeps its published time in its id (time and a per-process sequence):
//! an id of that millisecond already held (by another process, or by this one before a
//! restart) is skipped, not a failure that drops the status.

use palisade_store::accounts::Account;
use palisade_store::{ids, statuses};
use palisade_testkit::TestServer;

fn note(author: &Account, n: u32, published: i64) -> palisade_core::remote::RemoteStatus {
    palisade_core::remote::RemoteStatus {
        published,
        ..palisade_testkit::remote_note(author, n)
    }
}

#[tokio::test]
async fn a_remote_status_whose_id_is_taken_gets_another_of_the_same_millisecond() {
    let srv = TestServer::new().await;
    let x = srv.remote_account("x", "remote.test").await;
    let first = srv
        .core
        .receive_status(note(&x, 1, 1_700_000_000_000))
        .await
        .unwrap();
    // The next ids of this millisecond are held already, as after a restart.
    const MS: i64 = 1_700_000_000_500;
    let next = ids::id_at(MS);
    let held: Vec<i64> = (1..=3).map(|k| next + k).collect();
    for (k, id) in held.iter().enumerate() {
        let row = statuses::Status {
            id: *id,
            uri: format!("{}#held{k}", first.uri),
            ..first.clone()
        };
        statuses::insert(&srv.db, &row).await.unwrap();
    }
    let stored = srv.core.receive_status(note(&x, 2, MS)).await.unwrap();
    assert!(!held.contains(&stored.id), "{} is held", stored.id);
    assert_eq!(ids::id_time(stored.id), MS, "still its published time");
    let again = statuses::by_uri(&srv.db, &stored.uri).await.unwrap().unwrap();
    assert_eq!(again.id, stored.id);
}
