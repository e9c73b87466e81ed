//! The inbox: unsigned, badly signed, and signed-but-malformed deliveries. Signed cases come
//! from a remote actor (`mallory@evil.example`) whose key the instance already has.

use palisade_federation::keys::SigningKey;
use palisade_federation::signatures::{digest_header, sign_cavage};
use palisade_testkit::TestServer;

use super::Body::{Gen, Json, None as Empty, Raw};
use super::Error::{Is, Starts};
use super::Who::{self, Nobody, Signed, SignedBadDigest, SignedStale};
use super::{Case, case};

const ACTOR: &str = "https://evil.example/users/mallory";

pub struct Signer {
    key: SigningKey,
}

impl Signer {
    pub async fn new(srv: &TestServer) -> Signer {
        let (private, public) = palisade_federation::keys::generate_rsa().unwrap();
        let profile = palisade_store::accounts::RemoteProfile {
            uri: ACTOR.into(),
            username: "mallory".into(),
            domain: "evil.example".into(),
            actor_type: "Person".into(),
            url: "https://evil.example/@mallory".into(),
            inbox_url: Some(format!("{ACTOR}/inbox")),
            shared_inbox_url: Some("https://evil.example/inbox".into()),
            key_id: Some(format!("{ACTOR}#main-key")),
            public_key_pem: Some(public),
            ..Default::default()
        };
        srv.core.store_remote_actor(&profile, &[]).await.unwrap();
        Signer {
            key: SigningKey::from_pem(&private).unwrap(),
        }
    }

    /// `Host`, `Date`, `Digest` and `Signature` for a request with `body` (a stale date or
    /// a digest of another body for those kinds of signer).
    pub fn headers(&self, method: &str, path: &str, body: &[u8], who: Who) -> Vec<(String, String)> {
        let mut when = std::time::SystemTime::now();
        if matches!(who, SignedStale) {
            when -= std::time::Duration::from_secs(86_400);
        }
        let date = httpdate::fmt_http_date(when);
        let digest = match who {
            SignedBadDigest => digest_header(b"another body"),
            _ => digest_header(body),
        };
        let host = palisade_testkit::DOMAIN;
        let sig = sign_cavage(
            &self.key,
            &format!("{ACTOR}#main-key"),
            method,
            path,
            host,
            &date,
            Some(&digest),
        )
        .unwrap();
        vec![
            ("host".into(), host.into()),
            ("date".into(), date),
            ("digest".into(), digest),
            ("signature".into(), sig),
        ]
    }
}

fn nested() -> (&'static str, Vec<u8>) {
    let depth = 10_000;
    let mut s = String::from("{\"type\":\"Create\",\"object\":");
    s.push_str(&"[".repeat(depth));
    s.push_str(&"]".repeat(depth));
    s.push('}');
    ("application/activity+json", s.into_bytes())
}

fn huge() -> (&'static str, Vec<u8>) {
    let body = format!(
        "{{\"type\":\"Create\",\"actor\":\"{ACTOR}\",\"content\":\"{}\"}}",
        "a".repeat(2 << 20)
    );
    ("application/activity+json", body.into_bytes())
}

const AP: &str = "application/activity+json";

#[rustfmt::skip]
pub const CASES: &[Case] = &[
    case("inbox: unsigned", Nobody, "POST", "/inbox", Json(r#"{"type":"Follow"}"#), 401, Starts("")),
    case("inbox: unsigned personal", Nobody, "POST", "/users/alice/inbox", Json(r#"{"type":"Follow"}"#), 401, Starts("")),
    case("inbox: unsigned, empty", Nobody, "POST", "/inbox", Empty, 401, Starts("")),
    case("inbox: signed, not JSON", Signed, "POST", "/inbox", Raw(AP, b"not json"), 400, Starts("")),
    case("inbox: signed, invalid UTF-8", Signed, "POST", "/inbox", Raw(AP, b"{\"type\":\"\xff\xfe\"}"), 400, Starts("")),
    case("inbox: signed, an array", Signed, "POST", "/inbox", Raw(AP, b"[1,2,3]"), 400, Starts("")),
    case("inbox: signed, a string", Signed, "POST", "/inbox", Raw(AP, b"\"Create\""), 400, Starts("")),
    case("inbox: signed, no type", Signed, "POST", "/inbox", Raw(AP, br#"{"actor":"https://evil.example/users/mallory","id":"https://evil.example/1"}"#), 400, Starts("")),
    case("inbox: signed, another actor", Signed, "POST", "/inbox", Raw(AP, br#"{"type":"Create","id":"https://other.example/1","actor":"https://other.example/users/eve","object":{"type":"Note","id":"https://other.example/n/1","content":"x"}}"#), 401, Starts("")),
    case("inbox: signed, no actor", Signed, "POST", "/inbox", Raw(AP, br#"{"type":"Create","id":"https://evil.example/2","object":"https://evil.example/n/2"}"#), 400, Is("the activity has no actor")),
    case("inbox: signed, actor is a number", Signed, "POST", "/inbox", Raw(AP, br#"{"type":"Create","id":"https://evil.example/3","actor":42}"#), 400, Is("the activity has no actor")),
    case("inbox: signed, id of another origin", Signed, "POST", "/inbox", Raw(AP, br#"{"type":"Create","id":"https://other.example/4","actor":"https://evil.example/users/mallory","object":{"type":"Note","id":"https://other.example/n/4","content":"x"}}"#), 400, Starts("")),
    case("inbox: signed, nested 10,000 deep", Signed, "POST", "/inbox", Gen(nested), 400, Starts("")),
    case("inbox: signed, 2 MiB", Signed, "POST", "/inbox", Gen(huge), 413, Starts("")),
    case("inbox: signed, to an unknown user", Signed, "POST", "/users/nobody/inbox", Raw(AP, br#"{"type":"Follow","id":"https://evil.example/5","actor":"https://evil.example/users/mallory","object":"https://palisade.test/users/nobody"}"#), 404, Is("Record not found")),
    case("inbox: a day-old signature", SignedStale, "POST", "/inbox", Raw(AP, br#"{"type":"Follow","id":"https://evil.example/6","actor":"https://evil.example/users/mallory","object":"https://palisade.test/users/alice"}"#), 401, Starts("")),
    case("inbox: a digest of another body", SignedBadDigest, "POST", "/inbox", Raw(AP, br#"{"type":"Follow","id":"https://evil.example/7","actor":"https://evil.example/users/mallory","object":"https://palisade.test/users/alice"}"#), 401, Starts("")),
    case("inbox: signed, a GET", Signed, "GET", "/inbox", Empty, 405, super::Error::Any),
    case("inbox: signed, an id that is not a URL", Signed, "POST", "/inbox", Raw(AP, br#"{"type":"Follow","id":"not a url","actor":"https://evil.example/users/mallory","object":"https://palisade.test/users/alice"}"#), 400, Starts("")),
];
