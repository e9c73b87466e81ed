//! Web Push against a local push service that decrypts what it receives (its own
//! decryption, written from RFC 8291 and the aesgcm draft, not the server's code), checks
//! the VAPID signature, and can answer 410 to make the server drop a subscription.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use aws_lc_rs::aead::{AES_128_GCM, Aad, LessSafeKey, Nonce, UnboundKey};
use aws_lc_rs::agreement::{self, ECDH_P256, PrivateKey, UnparsedPublicKey};
use aws_lc_rs::hkdf::{HKDF_SHA256, KeyType, Salt};
use aws_lc_rs::signature::{ECDSA_P256_SHA256_FIXED, UnparsedPublicKey as SigKey};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use palisade_testkit::TestServer;
use serde_json::{Value, json};

#[derive(Clone, Debug)]
struct Received {
    path: String,
    headers: HeaderMap,
    body: Vec<u8>,
}

type Inbox = Arc<Mutex<Vec<Received>>>;

/// A push service on 127.0.0.1: `/gone/*` answers 410, anything else 201.
async fn push_service() -> (String, Inbox) {
    let inbox: Inbox = Arc::default();
    let app = axum::Router::new()
        .route(
            "/{*path}",
            axum::routing::post(
                |State(inbox): State<Inbox>,
                 Path(path): Path<String>,
                 headers: HeaderMap,
                 body: axum::body::Bytes| async move {
                    let gone = path.starts_with("gone");
                    inbox.lock().unwrap().push(Received {
                        path,
                        headers,
                        body: body.to_vec(),
                    });
                    if gone {
                        StatusCode::GONE
                    } else {
                        StatusCode::CREATED
                    }
                },
            ),
        )
        .with_state(inbox.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, inbox)
}

/// A browser's side of a subscription.
struct Client {
    key: PrivateKey,
    public: Vec<u8>,
    auth: [u8; 16],
}

impl Client {
    fn new() -> Client {
        let key = PrivateKey::generate(&ECDH_P256).unwrap();
        let public = key.compute_public_key().unwrap().as_ref().to_vec();
        let mut auth = [0u8; 16];
        getrandom_fill(&mut auth);
        Client { key, public, auth }
    }

    fn secret(&self, server_public: &[u8]) -> Vec<u8> {
        agreement::agree(
            &self.key,
            UnparsedPublicKey::new(&ECDH_P256, server_public),
            (),
            |s| Ok(s.to_vec()),
        )
        .unwrap()
    }

    /// RFC 8291 / RFC 8188: salt, record size, key id, one record ending in 0x02.
    fn open_aes128gcm(&self, body: &[u8]) -> Value {
        let (salt, rest) = body.split_at(16);
        let idlen = rest[4] as usize;
        let (server_public, sealed) = rest[5..].split_at(idlen);
        let secret = self.secret(server_public);
        let ikm = hkdf(
            &self.auth,
            &secret,
            &[b"WebPush: info\0", &self.public, server_public],
            32,
        );
        let cek = hkdf(salt, &ikm, &[b"Content-Encoding: aes128gcm\0"], 16);
        let nonce = hkdf(salt, &ikm, &[b"Content-Encoding: nonce\0"], 12);
        let mut plain = open(&cek, &nonce, sealed);
        assert_eq!(plain.pop(), Some(2), "the last record's delimiter");
        serde_json::from_slice(&plain).unwrap()
    }

    /// The aesgcm draft: salt and dh in headers, two bytes of padding length first.
    fn open_aesgcm(&self, headers: &HeaderMap, body: &[u8]) -> Value {
        let header = |name: &str| headers.get(name).unwrap().to_str().unwrap().to_owned();
        let salt = B64
            .decode(header("encryption").strip_prefix("salt=").unwrap())
            .unwrap();
        let crypto_key = header("crypto-key");
        let dh = crypto_key.split(';').find_map(|p| p.strip_prefix("dh=")).unwrap();
        let server_public = B64.decode(dh).unwrap();
        let secret = self.secret(&server_public);
        let prk = hkdf(&self.auth, &secret, &[b"Content-Encoding: auth\0"], 32);
        let mut context = b"P-256\0".to_vec();
        for k in [self.public.as_slice(), server_public.as_slice()] {
            context.extend_from_slice(&(k.len() as u16).to_be_bytes());
            context.extend_from_slice(k);
        }
        let cek = hkdf(&salt, &prk, &[b"Content-Encoding: aesgcm\0", &context], 16);
        let nonce = hkdf(&salt, &prk, &[b"Content-Encoding: nonce\0", &context], 12);
        let plain = open(&cek, &nonce, body);
        let pad = u16::from_be_bytes([plain[0], plain[1]]) as usize;
        serde_json::from_slice(&plain[2 + pad..]).unwrap()
    }
}

fn getrandom_fill(b: &mut [u8]) {
    use aws_lc_rs::rand::SecureRandom;
    aws_lc_rs::rand::SystemRandom::new().fill(b).unwrap();
}

struct Len(usize);
impl KeyType for Len {
    fn len(&self) -> usize {
        self.0
    }
}

fn hkdf(salt: &[u8], ikm: &[u8], info: &[&[u8]], len: usize) -> Vec<u8> {
    let mut out = vec![0; len];
    Salt::new(HKDF_SHA256, salt)
        .extract(ikm)
        .expand(info, Len(len))
        .unwrap()
        .fill(&mut out)
        .unwrap();
    out
}

fn open(key: &[u8], nonce: &[u8], sealed: &[u8]) -> Vec<u8> {
    let key = LessSafeKey::new(UnboundKey::new(&AES_128_GCM, key).unwrap());
    let mut data = sealed.to_vec();
    let plain = key
        .open_in_place(
            Nonce::try_assume_unique_for_key(nonce).unwrap(),
            Aad::empty(),
            &mut data,
        )
        .unwrap();
    plain.to_vec()
}

/// Checks a VAPID JWT (ES256) against the instance key; returns its claims.
fn vapid_claims(jwt: &str, key: &str) -> Value {
    let parts: Vec<&str> = jwt.split('.').collect();
    SigKey::new(&ECDSA_P256_SHA256_FIXED, B64.decode(key).unwrap())
        .verify(
            format!("{}.{}", parts[0], parts[1]).as_bytes(),
            &B64.decode(parts[2]).unwrap(),
        )
        .expect("the VAPID signature verifies with the instance's key");
    serde_json::from_slice(&B64.decode(parts[1]).unwrap()).unwrap()
}

async fn wait_for(inbox: &Inbox, n: usize) -> Vec<Received> {
    for _ in 0..100 {
        if inbox.lock().unwrap().len() >= n {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    inbox.lock().unwrap().clone()
}

#[tokio::test]
async fn push_messages_are_encrypted_signed_and_sent_by_the_worker() {
    let mut srv = TestServer::new().await;
    srv.start_runners();
    let (service, inbox) = push_service().await;
    let alice = srv.user("alice").await;
    let bob = srv.user("bob").await;
    let vapid = srv.get("/api/v2/instance", None).await.body["configuration"]["vapid"]["public_key"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        B64.decode(&vapid).unwrap().len(),
        65,
        "a P-256 point is advertised"
    );
    let app = srv
        .post_form(
            "/api/v1/apps",
            None,
            &[
                ("client_name", "x"),
                ("redirect_uris", "urn:ietf:wg:oauth:2.0:oob"),
            ],
        )
        .await;
    assert_eq!(app.body["vapid_key"], vapid);

    let client = Client::new();
    let sub = srv
        .post_json(
            "/api/v1/push/subscription",
            Some(&alice),
            json!({"subscription": {"endpoint": format!("{service}/push/alice"), "standard": true,
                     "keys": {"p256dh": B64.encode(&client.public), "auth": B64.encode(client.auth)}},
                   "data": {"alerts": {"mention": true, "favourite": false}, "policy": "all"}}),
        )
        .await;
    assert_eq!(sub.status, 200, "{}", sub.text);
    assert_eq!(
        (
            sub.body["server_key"].clone(),
            sub.body["alerts"]["mention"].clone()
        ),
        (json!(vapid), json!(true))
    );
    assert_eq!(sub.body["alerts"]["follow"], false);
    assert_eq!(
        srv.get("/api/v1/push/subscription", Some(&alice)).await.body,
        sub.body
    );

    let mention = srv.status(&bob, "@alice are you there?", "public").await;
    let got = wait_for(&inbox, 1).await;
    assert_eq!(got.len(), 1);
    let m = &got[0];
    assert_eq!(m.path, "push/alice");
    assert_eq!(m.headers["content-encoding"], "aes128gcm");
    assert_eq!(m.headers["ttl"], "172800");
    let auth = m.headers["authorization"].to_str().unwrap();
    let (t, k) = auth.strip_prefix("vapid t=").unwrap().split_once(", k=").unwrap();
    assert_eq!(k, vapid);
    let claims = vapid_claims(t, &vapid);
    assert_eq!(claims["aud"], service);
    let payload = client.open_aes128gcm(&m.body);
    assert_eq!(payload["notification_type"], "mention");
    assert_eq!(payload["title"], "You were mentioned by bob");
    assert_eq!(payload["body"], "@alice are you there?");
    assert_eq!(payload["access_token"], alice);
    let n = srv.get("/api/v1/notifications", Some(&alice)).await;
    assert_eq!(payload["notification_id"], n.body[0]["id"]);

    // An alert that is off sends nothing.
    srv.post(
        &format!(
            "/api/v1/statuses/{}/favourite",
            srv.status(&alice, "mine", "public").await
        ),
        Some(&bob),
    )
    .await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(inbox.lock().unwrap().len(), 1);
    let r = srv
        .put_json(
            "/api/v1/push/subscription",
            Some(&alice),
            json!({"data": {"alerts": {"favourite": true}}}),
        )
        .await;
    assert_eq!(
        (
            r.body["alerts"]["favourite"].clone(),
            r.body["alerts"]["mention"].clone()
        ),
        (json!(true), json!(true))
    );
    let bad = srv
        .put_json(
            "/api/v1/push/subscription",
            Some(&alice),
            json!({"data": {"policy": "strangers"}}),
        )
        .await;
    assert_eq!(bad.status, 422);
    let _ = mention;

    // The older coding for subscriptions without `standard` (Mastodon 4.3's apps).
    let bob_client = Client::new();
    srv.post_form(
        "/api/v1/push/subscription",
        Some(&bob),
        &[
            ("subscription[endpoint]", &format!("{service}/push/bob")),
            ("subscription[keys][p256dh]", &B64.encode(&bob_client.public)),
            ("subscription[keys][auth]", &B64.encode(bob_client.auth)),
            ("data[alerts][mention]", "true"),
        ],
    )
    .await;
    srv.status(&alice, "@bob yes", "public").await;
    let got = wait_for(&inbox, 2).await;
    let m = &got[1];
    assert_eq!(m.headers["content-encoding"], "aesgcm");
    let auth = m.headers["authorization"].to_str().unwrap();
    vapid_claims(auth.strip_prefix("WebPush ").unwrap(), &vapid);
    assert!(
        m.headers["crypto-key"]
            .to_str()
            .unwrap()
            .contains(&format!("p256ecdsa={vapid}"))
    );
    let payload = bob_client.open_aesgcm(&m.headers, &m.body);
    assert_eq!(
        (payload["title"].clone(), payload["access_token"].clone()),
        (json!("You were mentioned by alice"), json!(bob))
    );

    // A push service saying the subscription is gone (410) removes it.
    let carol = srv.user("carol").await;
    let c = Client::new();
    srv.post_json(
        "/api/v1/push/subscription",
        Some(&carol),
        json!({"subscription": {"endpoint": format!("{service}/gone/carol"),
                 "keys": {"p256dh": B64.encode(&c.public), "auth": B64.encode(c.auth)}},
               "data": {"alerts": {"mention": true}}}),
    )
    .await;
    srv.status(&bob, "@carol hello", "public").await;
    wait_for(&inbox, 3).await;
    srv.eventually("the gone subscription is removed", || async {
        srv.get("/api/v1/push/subscription", Some(&carol)).await.status == 404
    })
    .await;
}

#[tokio::test]
async fn subscriptions_are_checked_and_follow_their_policy() {
    let mut srv = TestServer::new().await;
    srv.start_runners();
    let (service, inbox) = push_service().await;
    let alice = srv.user("alice").await;
    let bob = srv.user("bob").await;
    let c = Client::new();
    let keys = json!({"p256dh": B64.encode(&c.public), "auth": B64.encode(c.auth)});
    for (sub, why) in [
        (json!({"endpoint": "not a url", "keys": keys}), "endpoint"),
        (
            json!({"endpoint": service, "keys": {"p256dh": "AAAA", "auth": B64.encode(c.auth)}}),
            "p256dh",
        ),
        (json!({"endpoint": service}), "keys"),
    ] {
        let r = srv
            .post_json(
                "/api/v1/push/subscription",
                Some(&alice),
                json!({"subscription": sub}),
            )
            .await;
        assert_eq!(r.status, 422, "{why}: {}", r.text);
    }
    assert_eq!(
        srv.get("/api/v1/push/subscription", Some(&alice)).await.status,
        404
    );
    // `followed`: only from accounts alice follows.
    let r = srv
        .post_json(
            "/api/v1/push/subscription",
            Some(&alice),
            json!({"subscription": {"endpoint": format!("{service}/a"), "keys": keys},
                   "data": {"alerts": {"mention": true}, "policy": "followed"}}),
        )
        .await;
    assert_eq!(r.body["policy"], "followed");
    srv.status(&bob, "@alice stranger here", "public").await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert!(inbox.lock().unwrap().is_empty());
    srv.post(
        &format!("/api/v1/accounts/{}/follow", srv.account_id(&bob).await),
        Some(&alice),
    )
    .await;
    srv.status(&bob, "@alice friend now", "public").await;
    assert_eq!(wait_for(&inbox, 1).await.len(), 1);
    assert_eq!(
        srv.delete("/api/v1/push/subscription", Some(&alice)).await.status,
        200
    );
    assert_eq!(
        srv.get("/api/v1/push/subscription", Some(&alice)).await.status,
        404
    );
}
