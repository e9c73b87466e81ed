//! Deliveries signed the two ways peers sign them: draft-cavage (`Signature` over
//! `(request-target) host date digest`, as Mastodon) and RFC 9421 (`Signature-Input` over
//! `@method @target-uri content-digest`, as Fedify), signed ahead of the run so that the
//! load generator spends no time on RSA.

use base64::Engine as _;
use palisade_federation::keys::SigningKey;
use palisade_federation::signatures;

use crate::Result;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scheme {
    Cavage,
    Rfc9421,
}

/// A POST ready to send: its path, headers and body.
#[derive(Clone, Debug)]
pub struct Presigned {
    pub path: String,
    pub headers: Vec<(&'static str, String)>,
    pub body: Vec<u8>,
}

/// Signs a POST of `body` to `http://{authority}{path}` with `key` named `key_id`.
pub fn sign_post(
    scheme: Scheme,
    key: &SigningKey,
    key_id: &str,
    authority: &str,
    path: &str,
    body: Vec<u8>,
) -> Result<Presigned> {
    let date = httpdate::fmt_http_date(std::time::SystemTime::now());
    let mut headers = vec![
        ("content-type", "application/activity+json".to_owned()),
        ("date", date.clone()),
    ];
    match scheme {
        Scheme::Cavage => {
            let digest = signatures::digest_header(&body);
            let signature =
                signatures::sign_cavage(key, key_id, "POST", path, authority, &date, Some(&digest))?;
            headers.push(("digest", digest));
            headers.push(("signature", signature));
        }
        Scheme::Rfc9421 => {
            let digest = signatures::content_digest_sha256(&body);
            let created = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs());
            let params = format!(
                "(\"@method\" \"@target-uri\" \"content-digest\");keyid=\"{key_id}\";alg=\"rsa-v1_5-sha256\";created={created}"
            );
            let base = format!(
                "\"@method\": POST\n\"@target-uri\": http://{authority}{path}\n\"content-digest\": {digest}\n\"@signature-params\": {params}"
            );
            let sig = base64::engine::general_purpose::STANDARD.encode(key.sign(base.as_bytes())?);
            headers.push(("content-digest", digest));
            headers.push(("signature-input", format!("sig1={params}")));
            headers.push(("signature", format!("sig1=:{sig}:")));
        }
    }
    Ok(Presigned {
        path: path.to_owned(),
        headers,
        body,
    })
}

#[cfg(test)]
mod tests {
    use std::time::SystemTime;

    use palisade_federation::keys::{KeyStrength, PublicKey};
    use palisade_federation::signatures::SignedRequest;

    use super::*;

    /// Both forms verify with the server's own code, so every delivery of a run is accepted
    /// for the reason it would be from a real peer.
    #[test]
    fn both_schemes_verify_with_the_servers_code() {
        let (key, public) = crate::rates::key_pair().unwrap();
        let public = PublicKey::from_pem(&public).unwrap();
        for scheme in [Scheme::Cavage, Scheme::Rfc9421] {
            let p = sign_post(
                scheme,
                &key,
                "http://peer.test/users/a#main-key",
                "127.0.0.1:3000",
                "/inbox",
                b"{\"type\":\"Create\"}".to_vec(),
            )
            .unwrap();
            let mut headers = http::HeaderMap::new();
            for (k, v) in &p.headers {
                headers.insert(*k, v.parse().unwrap());
            }
            let req = SignedRequest {
                method: "POST",
                path_and_query: "/inbox",
                authority: "127.0.0.1:3000",
                scheme: "http",
                headers: &headers,
                body: &p.body,
            };
            let found = signatures::inspect(&req, SystemTime::now()).unwrap();
            assert_eq!(found.key_id, "http://peer.test/users/a#main-key");
            signatures::verify(&req, &found, &public, KeyStrength::Modern).unwrap();
        }
    }
}
