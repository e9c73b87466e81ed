//! Every case of tests/fixtures/http-signature-vectors.json (draft-cavage Appendix C,
//! Mastodon's own signature specs with their expected rejections, RFC 9421 B.2.6).

use std::time::{Duration, SystemTime};

use base64::Engine as _;
use http::{HeaderMap, HeaderName, HeaderValue};
use serde_json::Value;

use super::*;
use crate::keys::{KeyStrength, PublicKey};

fn vectors() -> Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/fixtures/http-signature-vectors.json"
    );
    serde_json::from_str(&std::fs::read_to_string(path).expect("vectors file")).expect("vectors JSON")
}

fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
    let mut map = HeaderMap::new();
    for (k, v) in pairs {
        map.append(
            HeaderName::from_bytes(k.to_ascii_lowercase().as_bytes()).unwrap(),
            HeaderValue::from_str(v).unwrap(),
        );
    }
    map
}

fn req<'a>(
    method: &'a str,
    target: &'a str,
    host: &'a str,
    h: &'a HeaderMap,
    body: &'a [u8],
) -> SignedRequest<'a> {
    SignedRequest {
        method,
        path_and_query: target,
        authority: host,
        scheme: "https",
        headers: h,
        body,
    }
}

#[test]
fn draft_cavage_appendix_c() {
    let v = &vectors()["draft_cavage_12_appendix_c"];
    let key = PublicKey::from_pem(v["public_key_pem"].as_str().unwrap()).unwrap();
    let r = &v["request"];
    let pairs: Vec<(String, String)> = r["headers"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(k, _)| !k.starts_with('('))
        .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_owned()))
        .collect();
    let pairs: Vec<(&str, &str)> = pairs.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    let h = headers(&pairs);
    let body = r["body"].as_str().unwrap().as_bytes();
    let request = req("POST", r["target"].as_str().unwrap(), "example.com", &h, body);
    for case in v["cases"].as_array().unwrap() {
        let signed: Vec<String> = case["signed_headers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s.as_str().unwrap().to_owned())
            .collect();
        let header = format!(
            "keyId=\"Test\",algorithm=\"rsa-sha256\",headers=\"{}\",signature=\"{}\"",
            signed.join(" "),
            case["signature"].as_str().unwrap()
        );
        let params = cavage::parse(&header).unwrap();
        assert!(
            cavage::verify(&request, &params, &key, KeyStrength::LegacyForTests),
            "{}",
            case["name"]
        );
        // The 1024-bit key of the draft is refused in production.
        assert!(
            !cavage::verify(&request, &params, &key, KeyStrength::Modern),
            "{}",
            case["name"]
        );
    }
}

fn mastodon() -> (Value, PublicKey, SystemTime) {
    let v = vectors()["mastodon_signature_verification_spec"].clone();
    let key = PublicKey::from_pem(v["public_key_pem"].as_str().unwrap()).unwrap();
    // The spec freezes time at 2023-12-20T10:00:00Z.
    (
        v,
        key,
        SystemTime::UNIX_EPOCH + Duration::from_secs(1_703_066_400),
    )
}

fn cavage_case(v: &Value, name: &str) -> (String, String) {
    let case = v["cases_cavage"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name)
        .unwrap();
    (
        case["signing_string"].as_str().unwrap().to_owned(),
        case["signature"].as_str().unwrap().to_owned(),
    )
}

/// Rebuilds the request a signing string describes and checks it end to end.
fn check_cavage(name: &str, target: &str, body: &[u8], extra: &[(&str, &str)]) -> Result<(), SigError> {
    let (v, key, now) = mastodon();
    let (signing_string, signature) = cavage_case(&v, name);
    let mut pairs: Vec<(String, String)> = Vec::new();
    let mut names = Vec::new();
    let mut method = "GET".to_owned();
    for line in signing_string.lines() {
        let (k, val) = line.split_once(": ").unwrap();
        names.push(k.to_owned());
        if k == "(request-target)" {
            method = val.split(' ').next().unwrap().to_ascii_uppercase();
        } else {
            pairs.push((k.to_owned(), val.to_owned()));
        }
    }
    let mut all: Vec<(&str, &str)> = pairs.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    all.extend_from_slice(extra);
    let sig_header = format!(
        "keyId=\"{}\",algorithm=\"rsa-sha256\",headers=\"{}\",signature=\"{signature}\"",
        v["key_id"].as_str().unwrap(),
        names.join(" ")
    );
    all.push(("signature", &sig_header));
    let h = headers(&all);
    let request = req(&method, target, "www.example.com", &h, body);
    let found = inspect(&request, now)?;
    assert_eq!(found.key_id, "https://remote.domain/users/bob#main-key");
    super::verify(&request, &found, &key, KeyStrength::Modern)
}

#[test]
fn mastodon_cavage_successes() {
    assert_eq!(
        check_cavage("GET /activitypub/success", "/activitypub/success", b"", &[]),
        Ok(())
    );
    assert_eq!(
        check_cavage(
            "GET /activitypub/success?foo=42",
            "/activitypub/success?foo=42",
            b"",
            &[]
        ),
        Ok(())
    );
    assert_eq!(
        check_cavage("POST digest signed", "/activitypub/success", b"Hello world", &[]),
        Ok(())
    );
}

#[test]
fn mastodon_cavage_expected_rejections() {
    let (v, _, _) = mastodon();
    let expected = &v["expected_rejections"];
    let msg = |e: SigError| e.to_string();
    // Digest present but not signed.
    let err = check_cavage(
        "POST digest NOT signed (valid sig, must be rejected by policy)",
        "/activitypub/success",
        b"Hello world",
        &[("digest", "SHA-256=ZOyIygCyaOW6GjVnihtTFtIS9PNmskdyMlNKiuyjfzw=")],
    )
    .unwrap_err();
    assert_eq!(msg(err), expected["POST digest NOT signed"].as_str().unwrap());
    let err = check_cavage(
        "GET 2 days old (valid sig, must be rejected: date window)",
        "/activitypub/success",
        b"",
        &[],
    )
    .unwrap_err();
    assert_eq!(msg(err), expected["GET 2 days old"].as_str().unwrap());
    let err = check_cavage("POST digest signed", "/activitypub/success", b"Hello world!", &[]).unwrap_err();
    assert_eq!(
        msg(err),
        expected["tampered body 'Hello world!' with Digest of 'Hello world'"]
            .as_str()
            .unwrap()
    );
    // Query-string quirk: a signature over the bare path verifies with a query added; a
    // signature over ?foo=42 does not verify ?foo=43.
    assert_eq!(
        check_cavage(
            "GET /activitypub/success",
            "/activitypub/success?foo=42",
            b"",
            &[]
        ),
        Ok(())
    );
    assert!(matches!(
        check_cavage(
            "GET /activitypub/success?foo=42",
            "/activitypub/success?foo=43",
            b"",
            &[]
        ),
        Err(SigError::Invalid(_))
    ));
    // An unparsable date.
    let h = headers(&[
        ("date", "wrong date"),
        ("host", "www.example.com"),
        (
            "signature",
            "keyId=\"k\",algorithm=\"rsa-sha256\",headers=\"date host (request-target)\",signature=\"AAAA\"",
        ),
    ]);
    let (_, _, now) = mastodon();
    let err = inspect(
        &req("GET", "/activitypub/success", "www.example.com", &h, b""),
        now,
    )
    .unwrap_err();
    assert_eq!(
        msg(err),
        expected["unparsable Date 'wrong date'"].as_str().unwrap()
    );
    // No signature at all.
    let empty = HeaderMap::new();
    assert_eq!(
        inspect(&req("GET", "/", "www.example.com", &empty, b""), now).unwrap_err(),
        SigError::Missing
    );
    assert!(
        expected["no signature on signature-required route"]
            .as_str()
            .unwrap()
            .contains(&msg(SigError::Missing))
    );
}

#[test]
fn mastodon_rfc9421() {
    let (v, key, now) = mastodon();
    for case in v["cases_rfc9421"].as_array().unwrap() {
        let body = case["body"].as_str().unwrap_or("").as_bytes();
        let mut pairs = vec![
            ("signature-input", case["signature_input"].as_str().unwrap()),
            ("signature", case["signature"].as_str().unwrap()),
        ];
        if let Some(d) = case["content_digest"].as_str() {
            pairs.push(("content-digest", d));
        }
        let h = headers(&pairs);
        let method = case["method"].as_str().unwrap();
        let request = req(method, "/activitypub/success", "www.example.com", &h, body);
        let found = inspect(&request, now).unwrap_or_else(|e| panic!("{}: {e}", case["name"]));
        assert_eq!(found.scheme, Scheme::Rfc9421);
        let Inner::Rfc9421(p) = &found.inner else {
            unreachable!()
        };
        assert_eq!(
            rfc9421::signature_base(&request, p).unwrap(),
            case["signature_base"].as_str().unwrap()
        );
        assert_eq!(
            super::verify(&request, &found, &key, KeyStrength::Modern),
            Ok(()),
            "{}",
            case["name"]
        );
        // A changed body no longer matches its digest.
        if method == "POST" {
            let tampered = req(
                method,
                "/activitypub/success",
                "www.example.com",
                &h,
                b"Hello world!",
            );
            assert!(matches!(
                inspect(&tampered, now),
                Err(SigError::DigestMismatch(_))
            ));
        }
    }
}

#[test]
fn rfc9421_b26_ed25519() {
    let v = &vectors()["rfc9421_b_2_6_ed25519"];
    let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(v["public_key_x_b64url"].as_str().unwrap())
        .unwrap();
    let key = PublicKey::ed25519(&raw).unwrap();
    let r = &v["request"];
    let mut pairs: Vec<(String, String)> = r["headers"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_owned()))
        .collect();
    pairs.push((
        "signature-input".into(),
        v["signature_input"].as_str().unwrap().into(),
    ));
    pairs.push(("signature".into(), v["signature"].as_str().unwrap().into()));
    let pairs: Vec<(&str, &str)> = pairs.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    let h = headers(&pairs);
    let request = req(
        "POST",
        "/foo?param=Value&Pet=dog",
        "example.com",
        &h,
        r["body"].as_str().unwrap().as_bytes(),
    );
    let p = rfc9421::parse(&h).unwrap();
    assert_eq!(
        rfc9421::signature_base(&request, &p).unwrap(),
        v["signature_base"].as_str().unwrap()
    );
    assert!(rfc9421::verify(&request, &p, &key, KeyStrength::Modern).unwrap());
    // The vector covers no digest, so Palisade's POST policy refuses it as too weak.
    let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_618_884_473);
    assert!(matches!(inspect(&request, now), Err(SigError::Weak(_))));
}

#[test]
fn round_trip_signing() {
    let (private, public) = crate::keys::generate_rsa().unwrap();
    let signer = crate::keys::SigningKey::from_pem(&private).unwrap();
    let body = br#"{"type":"Follow"}"#;
    let digest = digest_header(body);
    let date = httpdate::fmt_http_date(SystemTime::now());
    let sig = sign_cavage(
        &signer,
        "https://ours.test/users/a#main-key",
        "POST",
        "/inbox",
        "peer.test",
        &date,
        Some(&digest),
    )
    .unwrap();
    let h = headers(&[
        ("host", "peer.test"),
        ("date", &date),
        ("digest", &digest),
        ("signature", &sig),
    ]);
    let request = req("POST", "/inbox", "peer.test", &h, body);
    let found = inspect(&request, SystemTime::now()).unwrap();
    let key = PublicKey::from_pem(&public).unwrap();
    assert_eq!(super::verify(&request, &found, &key, KeyStrength::Modern), Ok(()));
}
