//! HTTP message signatures, written in-house: draft-cavage-http-signatures (`Signature:`
//! header, rsa-sha256 and hs2019) and RFC 9421 (`Signature-Input` + `Signature`), with the
//! policy Mastodon applies on top (signed date within a window, signed body digest on POST).

mod cavage;
mod digest;
pub use digest::{check_content_digest, check_digest};
mod rfc9421;

use std::time::SystemTime;

use http::HeaderMap;

pub use cavage::sign as sign_cavage;
pub use digest::{content_digest_sha256, digest_header};

use crate::keys::{KeyStrength, PublicKey};

/// How far a signed date may lie in the past (12 h) and future (1 h), as in Mastodon.
pub const MAX_AGE_SECS: i64 = 12 * 3600;
pub const MAX_SKEW_SECS: i64 = 3600;

/// The parts of a request that signatures cover.
pub struct SignedRequest<'a> {
    pub method: &'a str,
    /// Path and query as received, e.g. `/users/bob/inbox?x=1`.
    pub path_and_query: &'a str,
    /// The host the request was addressed to (`Host` header, or the configured domain).
    pub authority: &'a str,
    pub scheme: &'a str,
    pub headers: &'a HeaderMap,
    pub body: &'a [u8],
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scheme {
    Cavage,
    Rfc9421,
}

/// A signature found on a request, before its key is known.
#[derive(Clone, Debug)]
pub struct Found {
    pub scheme: Scheme,
    pub key_id: String,
    inner: Inner,
}

#[derive(Clone, Debug)]
enum Inner {
    Cavage(cavage::Params),
    Rfc9421(rfc9421::Params),
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SigError {
    #[error("Request not signed")]
    Missing,
    #[error("Incompatible request signature: {0}")]
    Malformed(String),
    #[error("Unsupported signature algorithm {0}")]
    Algorithm(String),
    #[error("Invalid Date header: {0}")]
    BadDate(String),
    #[error("Signed request date outside acceptable time window")]
    Expired,
    #[error("Mastodon requires the Digest header to be signed when doing a POST request")]
    DigestNotSigned,
    #[error("{0}")]
    Weak(String),
    #[error("Invalid Digest value. {0}")]
    DigestMismatch(String),
    #[error("Verification failed for {0}")]
    Invalid(String),
}

/// Finds and parses a signature and checks everything that does not need the key: the
/// signed components, the date window and the body digest.
pub fn inspect(req: &SignedRequest<'_>, now: SystemTime) -> Result<Found, SigError> {
    if req.headers.contains_key("signature-input") {
        let params = rfc9421::parse(req.headers)?;
        rfc9421::check_policy(req, &params, now)?;
        return Ok(Found {
            scheme: Scheme::Rfc9421,
            key_id: params.key_id.clone(),
            inner: Inner::Rfc9421(params),
        });
    }
    let header = req.headers.get("signature").ok_or(SigError::Missing)?;
    let header = header
        .to_str()
        .map_err(|_| SigError::Malformed("not ASCII".into()))?;
    let params = cavage::parse(header)?;
    cavage::check_policy(req, &params, now)?;
    Ok(Found {
        scheme: Scheme::Cavage,
        key_id: params.key_id.clone(),
        inner: Inner::Cavage(params),
    })
}

/// Verifies a found signature with the key its `keyId` names.
pub fn verify(
    req: &SignedRequest<'_>,
    found: &Found,
    key: &PublicKey,
    strength: KeyStrength,
) -> Result<(), SigError> {
    let ok = match &found.inner {
        Inner::Cavage(p) => cavage::verify(req, p, key, strength),
        Inner::Rfc9421(p) => rfc9421::verify(req, p, key, strength)?,
    };
    if ok {
        Ok(())
    } else {
        Err(SigError::Invalid(found.key_id.clone()))
    }
}

/// Unix seconds of an HTTP date, or the error Mastodon reports. Like Mastodon (Ruby's
/// `Time.httpdate`), a wrong weekday name is ignored: some signers get it wrong.
fn http_date_secs(value: &str) -> Result<i64, SigError> {
    let bad = || SigError::BadDate(format!("not RFC 2616 compliant date: {value:?}"));
    if let Ok(t) = httpdate::parse_http_date(value) {
        return Ok(t
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64));
    }
    // "Www, DD Mon YYYY HH:MM:SS GMT" with any weekday.
    let (_, rest) = value.split_once(", ").ok_or_else(bad)?;
    let parts: Vec<&str> = rest.split_whitespace().collect();
    let [day, month, year, clock, "GMT"] = parts.as_slice() else {
        return Err(bad());
    };
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let month = MONTHS.iter().position(|m| m == month).ok_or_else(bad)? as u8 + 1;
    let month = time::Month::try_from(month).map_err(|_| bad())?;
    let date = time::Date::from_calendar_date(
        year.parse().map_err(|_| bad())?,
        month,
        day.parse().map_err(|_| bad())?,
    )
    .map_err(|_| bad())?;
    let hms: Vec<u8> = clock
        .split(':')
        .map(|n| n.parse().map_err(|_| bad()))
        .collect::<Result<_, _>>()?;
    let [h, m, s] = hms.as_slice() else {
        return Err(bad());
    };
    let t = time::Time::from_hms(*h, *m, *s).map_err(|_| bad())?;
    Ok(time::PrimitiveDateTime::new(date, t)
        .assume_utc()
        .unix_timestamp())
}

fn unix(now: SystemTime) -> i64 {
    now.duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

fn within_window(signed_at: i64, now: SystemTime) -> Result<(), SigError> {
    let now = unix(now);
    if signed_at < now - MAX_AGE_SECS || signed_at > now + MAX_SKEW_SECS {
        return Err(SigError::Expired);
    }
    Ok(())
}

#[cfg(test)]
mod vectors;
