//! draft-cavage-http-signatures-12, as the fediverse uses it.

use std::time::SystemTime;

use base64::Engine as _;
use http::HeaderMap;

use super::digest::check_digest;
use super::{SigError, SignedRequest, http_date_secs, within_window};
use crate::keys::{KeyError, KeyStrength, PublicKey, SigningKey};

#[derive(Clone, Debug)]
pub struct Params {
    pub key_id: String,
    pub algorithm: Option<String>,
    /// Lowercased names of the signed headers, in order.
    pub headers: Vec<String>,
    pub signature: Vec<u8>,
    pub created: Option<i64>,
    pub expires: Option<i64>,
}

/// Parses `keyId="…",algorithm="…",headers="…",signature="…"`.
pub fn parse(header: &str) -> Result<Params, SigError> {
    let mut fields: Vec<(String, String)> = Vec::new();
    let mut rest = header.trim();
    while !rest.is_empty() {
        let (name, after) = rest
            .split_once('=')
            .ok_or_else(|| SigError::Malformed(format!("expected name=value in {rest:?}")))?;
        let name = name.trim().to_ascii_lowercase();
        let after = after.trim_start();
        let (value, next) = if let Some(quoted) = after.strip_prefix('"') {
            let end = quoted
                .find('"')
                .ok_or_else(|| SigError::Malformed("unterminated quote".into()))?;
            (quoted[..end].to_owned(), &quoted[end + 1..])
        } else {
            let end = after.find(',').unwrap_or(after.len());
            (after[..end].trim().to_owned(), &after[end..])
        };
        fields.push((name, value));
        rest = next.trim_start().trim_start_matches(',').trim_start();
    }
    let get = |k: &str| fields.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    let key_id = get("keyid").ok_or_else(|| SigError::Malformed("keyId is missing".into()))?;
    let signature = get("signature").ok_or_else(|| SigError::Malformed("signature is missing".into()))?;
    let signature = base64::engine::general_purpose::STANDARD
        .decode(signature.trim())
        .map_err(|_| SigError::Malformed("signature is not base64".into()))?;
    let headers = get("headers")
        .unwrap_or_else(|| "date".into())
        .split_whitespace()
        .map(str::to_ascii_lowercase)
        .collect();
    let number = |k: &str| get(k).and_then(|v| v.parse::<i64>().ok());
    Ok(Params {
        key_id,
        algorithm: get("algorithm").map(|a| a.to_ascii_lowercase()),
        headers,
        signature,
        created: number("created"),
        expires: number("expires"),
    })
}

/// Mastodon's rules: a date (signed) within the window, `(request-target)` or `digest`
/// signed, and on POST a signed digest that matches the body.
pub fn check_policy(req: &SignedRequest<'_>, p: &Params, now: SystemTime) -> Result<(), SigError> {
    match p.algorithm.as_deref() {
        None | Some("rsa-sha256") | Some("hs2019") => {}
        Some(other) => return Err(SigError::Algorithm(other.into())),
    }
    let signs = |h: &str| p.headers.iter().any(|x| x == h);
    if !signs("date") && !signs("(created)") {
        return Err(SigError::Weak(
            "Mastodon requires the Date header or (created) pseudo-header to be signed".into(),
        ));
    }
    if !signs("(request-target)") && !signs("digest") {
        return Err(SigError::Weak(
            "Mastodon requires the Digest header or (request-target) pseudo-header to be signed".into(),
        ));
    }
    if signs("date") {
        let date = header(req.headers, "date").ok_or_else(|| SigError::BadDate("missing".into()))?;
        within_window(http_date_secs(&date)?, now)?;
    }
    if let Some(created) = p.created.filter(|_| signs("(created)")) {
        within_window(created, now)?;
    }
    if let Some(expires) = p.expires.filter(|_| signs("(expires)"))
        && expires < super::unix(now)
    {
        return Err(SigError::Expired);
    }
    if req.method.eq_ignore_ascii_case("POST") {
        if !signs("digest") {
            return Err(SigError::DigestNotSigned);
        }
        let digest = header(req.headers, "digest").ok_or(SigError::DigestNotSigned)?;
        check_digest(&digest, req.body)?;
    }
    Ok(())
}

fn header(headers: &HeaderMap, name: &str) -> Option<String> {
    let values: Vec<&str> = headers
        .get_all(name)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect();
    (!values.is_empty()).then(|| values.iter().map(|v| v.trim()).collect::<Vec<_>>().join(", "))
}

/// The string that was signed, for the given request target.
pub fn signing_string(req: &SignedRequest<'_>, p: &Params, target: &str) -> Option<String> {
    let mut lines = Vec::with_capacity(p.headers.len());
    for h in &p.headers {
        let value = match h.as_str() {
            "(request-target)" => format!("{} {target}", req.method.to_ascii_lowercase()),
            "(created)" => p.created?.to_string(),
            "(expires)" => p.expires?.to_string(),
            "host" => header(req.headers, "host").unwrap_or_else(|| req.authority.to_owned()),
            name => header(req.headers, name)?,
        };
        lines.push(format!("{h}: {value}"));
    }
    Some(lines.join("\n"))
}

/// Verifies against the full target, then (as Mastodon does, for peers that sign the path
/// only) against the path without its query.
pub fn verify(req: &SignedRequest<'_>, p: &Params, key: &PublicKey, strength: KeyStrength) -> bool {
    let full = req.path_and_query;
    let path = full.split('?').next().unwrap_or(full);
    [full, path].iter().any(|target| {
        signing_string(req, p, target).is_some_and(|s| key.verify(s.as_bytes(), &p.signature, strength))
    })
}

/// Signs an outgoing request: returns the `Signature` header value over
/// `(request-target) host date` and, with a body, `digest` (the caller sends those headers).
pub fn sign(
    key: &SigningKey,
    key_id: &str,
    method: &str,
    path_and_query: &str,
    host: &str,
    date: &str,
    digest: Option<&str>,
) -> Result<String, KeyError> {
    let mut names = vec!["(request-target)", "host", "date"];
    let mut lines = vec![
        format!(
            "(request-target): {} {path_and_query}",
            method.to_ascii_lowercase()
        ),
        format!("host: {host}"),
        format!("date: {date}"),
    ];
    if let Some(d) = digest {
        names.push("digest");
        lines.push(format!("digest: {d}"));
    }
    let sig = key.sign(lines.join("\n").as_bytes())?;
    Ok(format!(
        "keyId=\"{key_id}\",algorithm=\"rsa-sha256\",headers=\"{}\",signature=\"{}\"",
        names.join(" "),
        base64::engine::general_purpose::STANDARD.encode(sig)
    ))
}
