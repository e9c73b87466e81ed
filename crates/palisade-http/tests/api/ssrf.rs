//! The SSRF matrix (issue 10): every path on which this instance connects somewhere
//! another server (or a member) named — actor, key, WebFinger, NodeInfo, object and parent
//! fetches, remote files (attachments, avatars, headers, emoji, card images), preview
//! cards, profile link checks, Web Push, deliveries — against every way of naming an
//! internal address. Each attempt must fail with the `refused` class, and a listener on the
//! private address must accept nothing.
//!
//! The federation here is built with the production guards (`allow_private_addresses`
//! off; the test server's own permissive configuration is not used). A played network
//! answers DNS: `private-*` names resolve to 127.0.0.1, `public-*`/`rebind-*` names to
//! 127.0.0.2, which this network alone presents as a public server. That server redirects
//! to internal addresses, and plays DNS rebinding: a `rebind-*` name resolves to the public
//! server first and to 127.0.0.1 afterwards; the public server closes the connection and
//! redirects to the same name, so the next connection resolves again — and is refused.
//! Then the limits on each path: an endless body, a silent server, a dribbled body and a
//! redirect loop.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use palisade_core::push::PushJob;
use palisade_federation::fetch::TestNetwork;
use palisade_federation::outbound::{DeliveryJob, Outcome};
use palisade_federation::{FedError, Federation, FederationConfig};
use palisade_store::media::Media;
use palisade_testkit::TestServer;
use serde_json::json;

const PRIVATE: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(127, 0, 0, 1));
const PUBLIC: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(127, 0, 0, 2));

/// DNS and the public/private line as this test plays them.
#[derive(Debug, Default)]
struct PlayedNetwork {
    asked: Mutex<HashMap<String, usize>>,
}

impl PlayedNetwork {
    fn times_asked(&self, host: &str) -> usize {
        self.asked.lock().unwrap().get(host).copied().unwrap_or(0)
    }
}

impl TestNetwork for PlayedNetwork {
    fn resolve(&self, host: &str) -> Option<Vec<IpAddr>> {
        let asked = {
            let mut m = self.asked.lock().unwrap();
            let n = m.entry(host.to_owned()).or_default();
            *n += 1;
            *n
        };
        let ips = if host.starts_with("private-") {
            vec![PRIVATE]
        } else if host.starts_with("rebind-") {
            vec![if asked == 1 { PUBLIC } else { PRIVATE }]
        } else if host.starts_with("public-") {
            vec![PUBLIC]
        } else {
            Vec::new()
        };
        Some(ips)
    }

    fn is_public(&self, ip: IpAddr) -> bool {
        ip == PUBLIC
    }
}

/// Counts the connections a listener accepts (and answers nothing).
async fn private_listener(addr: &str, port: u16) -> Option<Arc<AtomicUsize>> {
    let listener = tokio::net::TcpListener::bind((addr, port)).await.ok()?;
    let accepted = Arc::new(AtomicUsize::new(0));
    let count = accepted.clone();
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            count.fetch_add(1, Ordering::SeqCst);
            drop(socket);
        }
    });
    Some(accepted)
}

/// The "public" server on 127.0.0.2: what it does depends on the name it was asked for.
async fn public_server(listener: tokio::net::TcpListener, port: u16, hits: Arc<Mutex<Vec<String>>>) {
    let app = axum::Router::new().fallback(move |headers: HeaderMap, uri: Uri| {
        let hits = hits.clone();
        async move {
            let host = headers
                .get(header::HOST)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .split(':')
                .next()
                .unwrap_or("")
                .to_owned();
            hits.lock().unwrap().push(host.clone());
            let redirect = |to: String| {
                Response::builder()
                    .status(StatusCode::FOUND)
                    .header(header::LOCATION, to)
                    .header(header::CONNECTION, "close")
                    .body(Body::empty())
                    .unwrap()
            };
            let kind = if host.starts_with("rebind-") {
                "rebind"
            } else {
                host.split('-').nth(1).unwrap_or("")
            };
            match kind {
                "literal" => redirect(format!("http://127.0.0.1:{port}/x")),
                "decimal" => redirect(format!("http://2130706433:{port}/x")),
                "mapped" => redirect(format!("http://[::ffff:7f00:1]:{port}/x")),
                "name" => redirect(format!("http://private-{host}:{port}/x")),
                "rebind" => redirect(format!("http://{host}:{port}/again")),
                "huge" => endless(16 * 1024, Duration::ZERO),
                "dribble" => endless(16, Duration::from_millis(200)),
                "silent" => {
                    tokio::time::sleep(Duration::from_secs(60)).await;
                    StatusCode::OK.into_response()
                }
                "loop" => {
                    let n: u32 = uri.path().trim_start_matches("/r").parse().unwrap_or(0);
                    redirect(format!("http://{host}:{port}/r{}", n + 1))
                }
                _ => StatusCode::NOT_FOUND.into_response(),
            }
        }
    });
    let _ = axum::serve(listener, app).await;
}

/// A body that never ends: chunks of `size` bytes, `pause` apart.
fn endless(size: usize, pause: Duration) -> Response {
    let stream = futures_util::stream::unfold((), move |()| async move {
        tokio::time::sleep(pause).await;
        Some((Ok::<_, std::io::Error>(vec![b'{'; size]), ()))
    });
    Response::builder()
        .header(header::CONTENT_TYPE, "image/png")
        .body(Body::from_stream(stream))
        .unwrap()
}

#[derive(Clone, Copy, Debug)]
enum Path {
    Actor,
    Key,
    WebFinger,
    NodeInfo,
    Object,
    Parent,
    Attachment,
    Avatar,
    Header,
    Emoji,
    CardImage,
    PreviewCard,
    ProfileLink,
    WebPush,
    Delivery,
}

const PATHS: [Path; 15] = [
    Path::Actor,
    Path::Key,
    Path::WebFinger,
    Path::NodeInfo,
    Path::Object,
    Path::Parent,
    Path::Attachment,
    Path::Avatar,
    Path::Header,
    Path::Emoji,
    Path::CardImage,
    Path::PreviewCard,
    Path::ProfileLink,
    Path::WebPush,
    Path::Delivery,
];

/// What the paths need from the test server.
struct Setup {
    srv: TestServer,
    alice_token: String,
    alice_id: i64,
    status_id: i64,
    notification_id: i64,
    p256dh: String,
    auth: String,
}

async fn setup() -> Setup {
    let srv = TestServer::new().await;
    let alice_token = srv.user("alice").await;
    let bob = srv.user("bob").await;
    let status_id = srv
        .status(&alice_token, "a link", "public")
        .await
        .parse()
        .unwrap();
    srv.status(&bob, "@alice hello", "public").await;
    let n = srv.get("/api/v1/notifications", Some(&alice_token)).await;
    let notification_id = n.body[0]["id"].as_str().unwrap().parse().unwrap();
    let alice_id = srv.core.lookup_account("alice").await.unwrap().id;
    let key = aws_lc_rs::agreement::PrivateKey::generate(&aws_lc_rs::agreement::ECDH_P256).unwrap();
    let p256dh = B64.encode(key.compute_public_key().unwrap().as_ref());
    Setup {
        srv,
        alice_token,
        alice_id,
        status_id,
        notification_id,
        p256dh,
        auth: B64.encode([7u8; 16]),
    }
}

/// The class of a failed attempt (`ok` when it did not fail).
fn class_of(result: Result<(), FedError>) -> String {
    match result {
        Ok(()) => "ok".into(),
        Err(FedError::Fetch(e)) => e.class.name(),
        Err(e) => format!("not a fetch failure: {e}"),
    }
}

/// A delivery's or push's outcome carries the class first (`refused: …`).
fn class_of_outcome(outcome: Outcome) -> String {
    match outcome {
        Outcome::Delivered => "ok".into(),
        Outcome::Retry { error, .. } | Outcome::GiveUp { error } => {
            error.split(':').next().unwrap_or_default().to_owned()
        }
    }
}

/// One attempt of `path` at `host` (`host:port`, any of the forms under test).
async fn attempt(s: &Setup, fed: &Federation, path: Path, host: &str) -> String {
    let url = format!("http://{host}/users/alice");
    let media = |purpose: &str| Media {
        id: palisade_core::model::new_id(),
        purpose: purpose.into(),
        kind: "image".into(),
        state: "ready".into(),
        remote_url: Some(format!("http://{host}/file.png")),
        domain: palisade_federation::vocab::host_of(&url),
        meta_json: "{}".into(),
        ..Default::default()
    };
    match path {
        Path::Actor => class_of(fed.fetch_actor(&url).await.map(|_| ())),
        Path::Key => class_of(fed.public_key(&format!("{url}#main-key"), true).await.map(|_| ())),
        Path::WebFinger => class_of(fed.webfinger("alice", host).await.map(|_| ())),
        Path::NodeInfo => class_of(fed.peer_software(host).await.map(|_| ())),
        Path::Object => class_of(
            fed.fetch_object(&format!("http://{host}/notes/1"))
                .await
                .map(|_| ()),
        ),
        Path::Parent => class_of(
            fed.status_by_uri(&format!("http://{host}/notes/2"), 0)
                .await
                .map(|_| ()),
        ),
        Path::Attachment | Path::Avatar | Path::Header | Path::Emoji | Path::CardImage => {
            let purpose = match path {
                Path::Attachment => "attachment",
                Path::Avatar => "avatar",
                Path::Header => "header",
                Path::Emoji => "emoji",
                _ => "card",
            };
            let m = media(purpose);
            palisade_store::media::insert(&s.srv.db, &m).await.unwrap();
            class_of(fed.cache_remote_media(&m).await.map(|_| ()))
        }
        Path::PreviewCard => class_of(
            fed.fetch_card(s.status_id, &format!("http://{host}/article"))
                .await,
        ),
        Path::ProfileLink => class_of(
            fed.link_points_back(
                &format!("http://{host}/me"),
                &["https://palisade.test/@alice".to_owned()],
            )
            .await
            .map(|_| ()),
        ),
        Path::WebPush => {
            let sub = s
                .srv
                .post_json(
                    "/api/v1/push/subscription",
                    Some(&s.alice_token),
                    json!({"subscription": {"endpoint": format!("http://{host}/push"), "standard": true,
                             "keys": {"p256dh": s.p256dh, "auth": s.auth}},
                           "data": {"alerts": {"mention": true}}}),
                )
                .await;
            assert_eq!(sub.status, 200, "{}", sub.text);
            let subscription_id = match &sub.body["id"] {
                serde_json::Value::String(v) => v.parse().unwrap(),
                v => v.as_i64().unwrap(),
            };
            let job = PushJob {
                subscription_id,
                notification_id: s.notification_id,
            };
            class_of_outcome(fed.deliver_push(&job, 0).await)
        }
        Path::Delivery => {
            let job = DeliveryJob {
                inbox: format!("http://{host}/inbox"),
                body: "{}".into(),
                signer_id: s.alice_id,
            };
            class_of_outcome(fed.deliver(&job, 0, 0).await)
        }
    }
}

fn guarded_config(network: Arc<PlayedNetwork>, limits: bool) -> FederationConfig {
    let mut config = FederationConfig::new("Palisade SSRF test".into());
    config.plain_http_peers = true;
    config.fetch.test_network = Some(network);
    if limits {
        config.fetch.max_body_bytes = 64 * 1024;
        config.fetch.timeout = Duration::from_secs(3);
    }
    assert!(!config.fetch.allow_private_addresses);
    config
}

/// Binds the public server on 127.0.0.2 and the private listener on 127.0.0.1, same port.
async fn listeners() -> (u16, tokio::net::TcpListener, Arc<AtomicUsize>) {
    for _ in 0..20 {
        let public = tokio::net::TcpListener::bind((PUBLIC, 0)).await.unwrap();
        let port = public.local_addr().unwrap().port();
        if let Some(accepted) = private_listener("127.0.0.1", port).await {
            return (port, public, accepted);
        }
    }
    panic!("no port free on both 127.0.0.1 and 127.0.0.2");
}

#[tokio::test]
async fn no_path_reaches_an_internal_address() {
    let s = setup().await;
    let (port, public, accepted_v4) = listeners().await;
    let accepted_v6 = private_listener("::1", port).await;
    let hits: Arc<Mutex<Vec<String>>> = Arc::default();
    tokio::spawn(public_server(public, port, hits.clone()));
    let network = Arc::new(PlayedNetwork::default());
    let fed = Federation::new(s.srv.core.clone(), guarded_config(network.clone(), false))
        .await
        .unwrap();

    let forms: Vec<(&str, String)> = vec![
        ("loopback v4", "127.0.0.1".into()),
        ("loopback v4, another address", "127.0.0.53".into()),
        ("loopback v6", "[::1]".into()),
        ("localhost", "localhost".into()),
        ("unspecified (reaches the host on Linux)", "0.0.0.0".into()),
        ("private 10/8", "10.0.0.1".into()),
        ("private 172.16/12", "172.16.0.1".into()),
        ("private 192.168/16", "192.168.1.1".into()),
        ("carrier-grade NAT", "100.64.0.1".into()),
        ("link local: cloud metadata", "169.254.169.254".into()),
        ("IPv4-mapped IPv6 loopback", "[::ffff:127.0.0.1]".into()),
        ("IPv4-mapped IPv6 metadata", "[::ffff:a9fe:a9fe]".into()),
        ("IPv4-compatible IPv6", "[::127.0.0.1]".into()),
        ("NAT64 with a private IPv4", "[64:ff9b::a00:1]".into()),
        ("6to4 with loopback IPv4", "[2002:7f00:1::1]".into()),
        ("unique local IPv6", "[fd00::1]".into()),
        ("link local IPv6", "[fe80::1]".into()),
        ("decimal", "2130706433".into()),
        ("octal", "0177.0.0.1".into()),
        ("hex", "0x7f.1".into()),
        ("hex, one number", "0x7f000001".into()),
        ("short", "127.1".into()),
        ("zero", "0".into()),
        ("multicast", "224.0.0.1".into()),
        ("broadcast", "255.255.255.255".into()),
    ];
    let mut failures = Vec::new();
    let mut tried = 0;
    for (i, path) in PATHS.iter().enumerate() {
        let mut cases: Vec<(String, String)> = forms
            .iter()
            .map(|(label, h)| (label.to_string(), format!("{h}:{port}")))
            .collect();
        for (label, name) in [
            ("a name resolving to loopback", format!("private-{i}.test")),
            (
                "a redirect to a loopback literal",
                format!("public-literal-{i}.test"),
            ),
            ("a redirect to a decimal host", format!("public-decimal-{i}.test")),
            (
                "a redirect to a mapped IPv6 host",
                format!("public-mapped-{i}.test"),
            ),
            (
                "a redirect to a name resolving to loopback",
                format!("public-name-{i}.test"),
            ),
            ("DNS rebinding", format!("rebind-{i}.test")),
        ] {
            cases.push((label.to_owned(), format!("{name}:{port}")));
        }
        for (label, host) in cases {
            let before = accepted_v4.load(Ordering::SeqCst)
                + accepted_v6.as_ref().map_or(0, |a| a.load(Ordering::SeqCst));
            let class = attempt(&s, &fed, *path, &host).await;
            let after = accepted_v4.load(Ordering::SeqCst)
                + accepted_v6.as_ref().map_or(0, |a| a.load(Ordering::SeqCst));
            tried += 1;
            if class != "refused" || after != before {
                failures.push(format!(
                    "{path:?} via {label} ({host}): {class}, {} connection(s) reached the private listener",
                    after - before
                ));
            }
        }
        // Rebinding: one connection went to the address that was checked (the public
        // server saw the name once), the second resolution was refused.
        let name = format!("rebind-{i}.test");
        let seen = hits.lock().unwrap().iter().filter(|h| **h == name).count();
        if seen != 1 || network.times_asked(&name) != 2 {
            failures.push(format!(
                "{path:?}: DNS rebinding: the public server saw {seen} request(s), the name was resolved {} time(s)",
                network.times_asked(&name)
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {tried} attempts were not refused:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert_eq!(tried, PATHS.len() * (forms.len() + 6));
    assert_eq!(accepted_v4.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn every_path_has_size_time_and_redirect_limits() {
    let s = setup().await;
    let (port, public, _) = listeners().await;
    let hits: Arc<Mutex<Vec<String>>> = Arc::default();
    tokio::spawn(public_server(public, port, hits.clone()));
    let network = Arc::new(PlayedNetwork::default());
    let fed = Federation::new(s.srv.core.clone(), guarded_config(network, true))
        .await
        .unwrap();
    let s = Arc::new(s);
    let mut failures = Vec::new();
    for (limit, expected) in [
        ("huge", "refused"),
        ("silent", "timeout"),
        ("dribble", "timeout"),
        ("loop", "refused"),
    ] {
        // The paths run side by side: each waits for its own limit.
        let mut tasks = Vec::new();
        for (i, path) in PATHS.iter().copied().enumerate() {
            let (s, fed) = (s.clone(), fed.clone());
            let host = format!("public-{limit}-{i}.test:{port}");
            tasks.push(tokio::spawn(async move {
                let started = Instant::now();
                let class = attempt(&s, &fed, path, &host).await;
                (path, host, class, started.elapsed())
            }));
        }
        for task in tasks {
            let (path, host, class, took) = task.await.unwrap();
            // Files may be larger than documents (16 MB for images): an endless body is
            // cut at the file limit or, on a slow machine, by the time limit.
            let acceptable = class == expected
                || (limit == "huge" && class == "timeout" && took >= Duration::from_secs(3));
            if !acceptable || took > Duration::from_secs(10) {
                failures.push(format!(
                    "{path:?} against {host}: {class} after {took:?}, expected {expected}"
                ));
            }
            if limit == "loop" {
                let name = host.split(':').next().unwrap_or_default();
                let followed = hits.lock().unwrap().iter().filter(|h| *h == name).count();
                if followed > 6 {
                    failures.push(format!("{path:?}: {followed} requests in a redirect loop"));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
