//! Several processes on one PostgreSQL database, as the scale path runs them: two web
//! processes and one worker (the built binary). A socket held by web process A hears what is
//! posted through web process B, and what the worker publishes (an announcement written by a
//! fourth process, the command line). Needs `PALISADE_TEST_DATABASE_URL` (PostgreSQL);
//! without it the test says so and passes, as SQLite is one process by design.
#![allow(clippy::unwrap_used)]

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use palisade_testkit::streaming::{TokenVia, Ws};
use serde_json::json;

/// The processes, stopped at the end (also when the test fails), then their database dropped.
struct Procs {
    children: Vec<Child>,
    /// The PostgreSQL server and the test database on it.
    database: (String, String),
}

impl Drop for Procs {
    fn drop(&mut self) {
        for c in &mut self.children {
            let _ = c.kill();
            let _ = c.wait();
        }
        palisade_store::testing::drop_postgres_blocking(&self.database.0, &self.database.1);
    }
}

fn palisade(db: &str, public_url: &str, dir: &std::path::Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_palisade"));
    c.current_dir(dir)
        .env("PALISADE_DATABASE_URL", db)
        .env("PALISADE_PUBLIC_URL", public_url)
        .env("PALISADE_LOG", "warn")
        .env_remove("PALISADE_CONFIG")
        .stdin(Stdio::null());
    c
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

async fn wait_ready(url: &str) {
    for _ in 0..150 {
        if let Ok(r) = reqwest::get(format!("{url}/health")).await
            && r.status().is_success()
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{url} never answered");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_socket_on_one_web_process_hears_the_others() {
    let Ok(base) = std::env::var("PALISADE_TEST_DATABASE_URL") else {
        eprintln!("skipped: needs PALISADE_TEST_DATABASE_URL (PostgreSQL)");
        return;
    };
    let db = palisade_store::testing::fresh_postgres(&base).await.unwrap();
    let dir = std::env::temp_dir().join(format!("palisade-procs-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (port_a, port_b) = (free_port(), free_port());
    let (url_a, url_b) = (
        format!("http://127.0.0.1:{port_a}"),
        format!("http://127.0.0.1:{port_b}"),
    );
    // Both web processes stand behind one public address, as behind a load balancer.
    let public = url_a.clone();
    let run = |args: &[&str]| {
        let out = palisade(&db, &public, &dir).args(args).output().unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).trim().to_owned()
    };
    run(&["migrate"]);
    run(&[
        "admin",
        "user",
        "create",
        "alice",
        "--email",
        "alice@example.com",
        "--password",
        "correct horse battery",
    ]);
    run(&[
        "admin",
        "user",
        "create",
        "bob",
        "--email",
        "bob@example.com",
        "--password",
        "correct horse battery",
    ]);
    let alice = run(&["admin", "token", "create", "alice"]);
    let bob = run(&["admin", "token", "create", "bob"]);

    let spawn = |role: &str, listen: Option<&str>| {
        let mut c = palisade(&db, &public, &dir);
        c.args(["serve", "--role", role])
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        if let Some(l) = listen {
            c.args(["--listen", l]);
        }
        c.spawn().unwrap()
    };
    let _procs = Procs {
        children: vec![
            spawn("web", Some(&format!("127.0.0.1:{port_a}"))),
            spawn("web", Some(&format!("127.0.0.1:{port_b}"))),
            spawn("worker", None),
        ],
        database: (base.clone(), db.clone()),
    };
    wait_ready(&url_a).await;
    wait_ready(&url_b).await;

    // Alice follows Bob through A, and listens on A.
    let http = reqwest::Client::new();
    let me = http
        .get(format!("{url_b}/api/v1/accounts/verify_credentials"))
        .bearer_auth(&bob)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let bob_id = serde_json::from_str::<serde_json::Value>(&me).unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let r = http
        .post(format!("{url_a}/api/v1/accounts/{bob_id}/follow"))
        .bearer_auth(&alice)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let mut ws = Ws::connect(&url_a, Some(&alice), TokenVia::Protocol, "stream=user")
        .await
        .unwrap();

    // Bob posts through B: Alice's socket on A receives it, then the notification.
    let posted = http
        .post(format!("{url_b}/api/v1/statuses"))
        .bearer_auth(&bob)
        .header("content-type", "application/json")
        .body(json!({"status": "@alice posted through web process B"}).to_string())
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let posted: serde_json::Value = serde_json::from_str(&posted).unwrap();
    let mut got = Vec::new();
    while got.len() < 2 {
        let e = ws
            .next_event(Duration::from_secs(10))
            .await
            .expect("events from process B");
        got.push(e);
    }
    let update = got.iter().find(|e| e.event == "update").expect("an update");
    assert_eq!(update.payload["id"], posted["id"]);
    assert!(
        update.payload["content"]
            .as_str()
            .unwrap()
            .contains("web process B")
    );
    let note = got
        .iter()
        .find(|e| e.event == "notification")
        .expect("a notification");
    assert_eq!(note.payload["status"]["id"], posted["id"]);

    // An announcement written by the command line is published by the worker; A hears it.
    run(&["admin", "announcement", "create", "Published by the worker"]);
    let e = ws
        .next_event(Duration::from_secs(15))
        .await
        .expect("the announcement");
    assert_eq!(e.event, "announcement");
    assert!(
        e.payload["content"]
            .as_str()
            .unwrap()
            .contains("Published by the worker")
    );
    let _ = std::fs::remove_dir_all(&dir);
}
