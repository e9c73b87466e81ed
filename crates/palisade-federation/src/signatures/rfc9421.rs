//! RFC 9421 HTTP Message Signatures (verification), as Fedify and newer servers send them.

use std::time::SystemTime;

use base64::Engine as _;
use http::HeaderMap;

use super::digest::check_content_digest;
use super::{SigError, SignedRequest, within_window};
use crate::keys::{KeyStrength, PublicKey};

#[derive(Clone, Debug)]
pub struct Params {
    pub key_id: String,
    /// Covered components, as written (`"@method"`, `"content-digest"`…), unquoted.
    pub components: Vec<String>,
    /// The serialized parameters after the label, verbatim, for `@signature-params`.
    pub params_text: String,
    pub created: Option<i64>,
    pub expires: Option<i64>,
    pub alg: Option<String>,
    pub signature: Vec<u8>,
}

fn text(headers: &HeaderMap, name: &str) -> Option<String> {
    let values: Vec<&str> = headers
        .get_all(name)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect();
    (!values.is_empty()).then(|| values.iter().map(|v| v.trim()).collect::<Vec<_>>().join(", "))
}

/// Parses the first signature of `Signature-Input` and its value in `Signature`.
pub fn parse(headers: &HeaderMap) -> Result<Params, SigError> {
    let input = text(headers, "signature-input").ok_or(SigError::Missing)?;
    let sigs = text(headers, "signature").ok_or(SigError::Missing)?;
    let (label, rest) = input
        .split_once('=')
        .ok_or_else(|| SigError::Malformed("Signature-Input has no label".into()))?;
    let label = label.trim().to_owned();
    let rest = rest.trim();
    // Only the first signature: stop at a top-level comma (outside parentheses and quotes).
    let mut depth = 0;
    let mut quoted = false;
    let mut end = rest.len();
    for (i, c) in rest.char_indices() {
        match c {
            '"' => quoted = !quoted,
            '(' if !quoted => depth += 1,
            ')' if !quoted => depth -= 1,
            ',' if !quoted && depth == 0 => {
                end = i;
                break;
            }
            _ => {}
        }
    }
    let params_text = rest[..end].trim().to_owned();
    let close = params_text
        .find(')')
        .ok_or_else(|| SigError::Malformed("no component list".into()))?;
    let list = params_text
        .strip_prefix('(')
        .ok_or_else(|| SigError::Malformed("no component list".into()))?;
    let components: Vec<String> = list[..close - 1]
        .split_whitespace()
        .map(|c| c.trim_matches('"').to_owned())
        .collect();
    let mut key_id = None;
    let (mut created, mut expires, mut alg) = (None, None, None);
    for param in params_text[close + 1..]
        .split(';')
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        let Some((k, v)) = param.split_once('=') else {
            continue;
        };
        let v = v.trim_matches('"');
        match k {
            "keyid" => key_id = Some(v.to_owned()),
            "created" => created = v.parse().ok(),
            "expires" => expires = v.parse().ok(),
            "alg" => alg = Some(v.to_owned()),
            _ => {}
        }
    }
    let key_id = key_id.ok_or_else(|| SigError::Malformed("keyid is missing".into()))?;
    let prefix = format!("{label}=:");
    let value = sigs
        .split(',')
        .map(str::trim)
        .find_map(|s| s.strip_prefix(&prefix))
        .and_then(|s| s.strip_suffix(':'))
        .ok_or_else(|| SigError::Malformed(format!("no signature labelled {label}")))?;
    let signature = base64::engine::general_purpose::STANDARD
        .decode(value)
        .map_err(|_| SigError::Malformed("signature is not base64".into()))?;
    Ok(Params {
        key_id,
        components,
        params_text,
        created,
        expires,
        alg,
        signature,
    })
}

pub fn check_policy(req: &SignedRequest<'_>, p: &Params, now: SystemTime) -> Result<(), SigError> {
    let covers = |c: &str| p.components.iter().any(|x| x == c);
    if !covers("@method") {
        return Err(SigError::Weak("the signature must cover @method".into()));
    }
    let targets = covers("@target-uri") || (covers("@path") && covers("@authority"));
    if !targets {
        return Err(SigError::Weak(
            "the signature must cover @target-uri (or @path and @authority)".into(),
        ));
    }
    let created = p
        .created
        .ok_or_else(|| SigError::Weak("the signature must have a created time".into()))?;
    within_window(created, now)?;
    if let Some(expires) = p.expires
        && expires < super::unix(now)
    {
        return Err(SigError::Expired);
    }
    if req.method.eq_ignore_ascii_case("POST") {
        if !covers("content-digest") {
            return Err(SigError::Weak(
                "a POST signature must cover content-digest".into(),
            ));
        }
        let digest = text(req.headers, "content-digest")
            .ok_or_else(|| SigError::Weak("Content-Digest header is missing".into()))?;
        check_content_digest(&digest, req.body)?;
    }
    Ok(())
}

/// The signature base (RFC 9421 section 2.5).
pub fn signature_base(req: &SignedRequest<'_>, p: &Params) -> Result<String, SigError> {
    let (path, query) = match req.path_and_query.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (req.path_and_query, None),
    };
    let mut lines = Vec::with_capacity(p.components.len() + 1);
    for c in &p.components {
        let value = match c.as_str() {
            "@method" => req.method.to_ascii_uppercase(),
            "@target-uri" => format!("{}://{}{}", req.scheme, req.authority, req.path_and_query),
            "@authority" => req.authority.to_ascii_lowercase(),
            "@scheme" => req.scheme.to_owned(),
            "@path" => path.to_owned(),
            "@query" => format!("?{}", query.unwrap_or("")),
            "@request-target" => req.path_and_query.to_owned(),
            name if name.starts_with('@') => {
                return Err(SigError::Malformed(format!("unsupported component {name}")));
            }
            name => text(req.headers, name)
                .ok_or_else(|| SigError::Malformed(format!("signed header {name} is missing")))?,
        };
        lines.push(format!("\"{c}\": {value}"));
    }
    lines.push(format!("\"@signature-params\": {}", p.params_text));
    Ok(lines.join("\n"))
}

pub fn verify(
    req: &SignedRequest<'_>,
    p: &Params,
    key: &PublicKey,
    strength: KeyStrength,
) -> Result<bool, SigError> {
    match (p.alg.as_deref(), key) {
        (None | Some("rsa-v1_5-sha256"), PublicKey::Rsa(_))
        | (None | Some("ed25519"), PublicKey::Ed25519(_)) => {}
        (alg, _) => return Err(SigError::Algorithm(alg.unwrap_or("unknown").into())),
    }
    let base = signature_base(req, p)?;
    Ok(key.verify(base.as_bytes(), &p.signature, strength))
}
