//! Processes started together on a fresh database (a `--role web` and a `--role worker`, say)
//! both come up: migrations take turns instead of failing on each other's tables.

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn processes_migrating_a_fresh_database_at_once_both_succeed() {
    let url = match std::env::var("PALISADE_TEST_DATABASE_URL") {
        Ok(base) if !base.is_empty() => palisade_store::testing::fresh_postgres(&base).await.unwrap(),
        _ => {
            let path =
                std::env::temp_dir().join(format!("palisade-startup-{}.db", palisade_store::ids::new_id()));
            format!("sqlite:{}", path.display())
        }
    };
    let opens = (0..3).map(|_| {
        let url = url.clone();
        async move { palisade_core::open_database(&url).await }
    });
    let results = futures_join_all(opens).await;
    let ran: Vec<usize> = results
        .into_iter()
        .map(|r| r.expect("every process opens the database").1)
        .collect();
    // One of them applied everything; the others found it done.
    assert_eq!(ran.iter().filter(|n| **n > 0).count(), 1, "{ran:?}");
}

/// Runs the futures concurrently (each in its own task: separate connections, as separate
/// processes would have).
async fn futures_join_all<F>(futures: impl Iterator<Item = F>) -> Vec<F::Output>
where
    F: std::future::Future + Send + 'static,
    F::Output: Send + 'static,
{
    let handles: Vec<_> = futures.map(tokio::spawn).collect();
    let mut out = Vec::new();
    for h in handles {
        out.push(h.await.unwrap());
    }
    out
}
