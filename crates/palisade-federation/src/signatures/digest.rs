//! Body digests: `Digest: SHA-256=…` (draft-cavage era) and `Content-Digest: sha-256=:…:`
//! (RFC 9530, used with RFC 9421).

use aws_lc_rs::digest;
use base64::Engine as _;

use super::SigError;

fn sha256_b64(body: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(digest::digest(&digest::SHA256, body))
}

fn sha512_b64(body: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(digest::digest(&digest::SHA512, body))
}

/// The `Digest` header value for a body.
pub fn digest_header(body: &[u8]) -> String {
    format!("SHA-256={}", sha256_b64(body))
}

/// The `Content-Digest` header value for a body.
pub fn content_digest_sha256(body: &[u8]) -> String {
    format!("sha-256=:{}:", sha256_b64(body))
}

/// Checks a `Digest` header (`SHA-256=…, SHA-512=…`): every algorithm we know must match,
/// and at least one must be known.
pub fn check_digest(value: &str, body: &[u8]) -> Result<(), SigError> {
    let mut known = 0;
    for part in value.split(',') {
        let Some((alg, given)) = part.trim().split_once('=') else {
            continue;
        };
        let computed = match alg.to_ascii_lowercase().as_str() {
            "sha-256" => sha256_b64(body),
            "sha-512" => sha512_b64(body),
            _ => continue,
        };
        known += 1;
        if computed != given.trim() {
            return Err(SigError::DigestMismatch(format!(
                "Computed {} digest: {computed}; given: {}",
                alg.to_ascii_uppercase(),
                given.trim()
            )));
        }
    }
    if known == 0 {
        return Err(SigError::DigestMismatch(format!(
            "No supported algorithm in {value:?}"
        )));
    }
    Ok(())
}

/// Checks a `Content-Digest` structured field (`sha-256=:b64:, sha-512=:b64:`).
pub fn check_content_digest(value: &str, body: &[u8]) -> Result<(), SigError> {
    let mut known = 0;
    for part in value.split(',') {
        let Some((alg, given)) = part.trim().split_once('=') else {
            continue;
        };
        let given = given.trim().trim_matches(':');
        let computed = match alg.trim() {
            "sha-256" => sha256_b64(body),
            "sha-512" => sha512_b64(body),
            _ => continue,
        };
        known += 1;
        if computed != given {
            return Err(SigError::DigestMismatch(format!(
                "Computed {alg} digest: {computed}; given: {given}"
            )));
        }
    }
    if known == 0 {
        return Err(SigError::DigestMismatch(format!(
            "No supported algorithm in {value:?}"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digests() {
        assert_eq!(
            digest_header(b"Hello world"),
            "SHA-256=ZOyIygCyaOW6GjVnihtTFtIS9PNmskdyMlNKiuyjfzw="
        );
        assert!(
            check_digest(
                "SHA-256=ZOyIygCyaOW6GjVnihtTFtIS9PNmskdyMlNKiuyjfzw=",
                b"Hello world"
            )
            .is_ok()
        );
        assert_eq!(
            check_digest("SHA-256=ZOyIygCyaOW6GjVnihtTFtIS9PNmskdyMlNKiuyjfzw=", b"Hello world!"),
            Err(SigError::DigestMismatch(
                "Computed SHA-256 digest: wFNeS+K3n/2TKRMFQ2v4iTFOSj+uwF7P/Lt98xrZ5Ro=; given: ZOyIygCyaOW6GjVnihtTFtIS9PNmskdyMlNKiuyjfzw=".into()
            ))
        );
        assert!(
            check_content_digest(
                "sha-256=:ZOyIygCyaOW6GjVnihtTFtIS9PNmskdyMlNKiuyjfzw=:",
                b"Hello world"
            )
            .is_ok()
        );
        assert!(check_digest("MD5=abc", b"x").is_err());
    }
}
