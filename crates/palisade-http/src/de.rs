//! Lenient deserializers: form and query values arrive as strings ("true", "1", "42"),
//! JSON values as their own types; Mastodon accepts both, so do we.

use serde::de::{Deserialize, Deserializer, Error};
use serde_json::Value;

fn to_bool(v: &Value) -> Option<bool> {
    match v {
        Value::Bool(b) => Some(*b),
        Value::Number(n) => n.as_i64().map(|i| i != 0),
        Value::String(s) => match s.trim().to_ascii_lowercase().as_str() {
            "true" | "1" | "on" | "yes" | "t" => Some(true),
            "false" | "0" | "off" | "no" | "f" | "" => Some(false),
            _ => None,
        },
        Value::Null => None,
        _ => None,
    }
}

pub fn opt_bool<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    let v = Value::deserialize(d)?;
    match v {
        Value::Null => Ok(None),
        other => to_bool(&other)
            .map(Some)
            .ok_or_else(|| D::Error::custom(format!("invalid boolean {other}"))),
    }
}

pub fn bool<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    opt_bool(d).map(|b| b.unwrap_or(false))
}

/// A string, or a number/bool written as one.
pub fn opt_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    match Value::deserialize(d)? {
        Value::Null => Ok(None),
        Value::String(s) => Ok(Some(s)),
        Value::Number(n) => Ok(Some(n.to_string())),
        Value::Bool(b) => Ok(Some(b.to_string())),
        other => Err(D::Error::custom(format!("expected a string, got {other}"))),
    }
}

/// An id or integer, as a string or a number; empty means none.
pub fn opt_i64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    match Value::deserialize(d)? {
        Value::Null => Ok(None),
        Value::Number(n) => n
            .as_i64()
            .map(Some)
            .ok_or_else(|| D::Error::custom("expected an integer")),
        Value::String(s) if s.trim().is_empty() => Ok(None),
        Value::String(s) => s
            .trim()
            .parse()
            .map(Some)
            .map_err(|_| D::Error::custom(format!("invalid integer {s:?}"))),
        other => Err(D::Error::custom(format!("expected an integer, got {other}"))),
    }
}

/// One value or a list of them, as strings.
pub fn string_list<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    let scalar = |v: Value| match v {
        Value::String(s) => Some(s),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    };
    match Value::deserialize(d)? {
        Value::Null => Ok(Vec::new()),
        Value::Array(items) => Ok(items.into_iter().filter_map(scalar).collect()),
        Value::Object(map) => Ok(map.into_values().filter_map(scalar).collect()),
        other => Ok(scalar(other).into_iter().collect()),
    }
}

/// A list that may be absent (`None`) or explicitly given (possibly empty).
pub fn opt_string_list<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<String>>, D::Error> {
    string_list(d).map(Some)
}

/// An id taken from a URL path: a non-numeric id is simply not found.
pub fn path_id(s: &str) -> Result<i64, crate::error::ApiError> {
    s.parse().map_err(|_| crate::error::ApiError::not_found())
}

/// A timestamp as clients send it (RFC 3339; without an offset, UTC, as Rails reads it), in
/// Unix milliseconds.
pub fn timestamp_ms(s: &str) -> Option<i64> {
    use time::format_description::well_known::Rfc3339;
    let s = s.trim();
    let t = time::OffsetDateTime::parse(s, &Rfc3339)
        .or_else(|_| time::OffsetDateTime::parse(&format!("{s}Z"), &Rfc3339))
        .ok()?;
    Some((t.unix_timestamp_nanos() / 1_000_000) as i64)
}

/// A poll as clients send it (`poll[options][]=…` or a JSON object), leniently typed.
pub fn poll(v: &Value) -> Result<Option<palisade_core::polls::NewPoll>, crate::error::ApiError> {
    if v.is_null() {
        return Ok(None);
    }
    let bad = |m: &str| crate::error::ApiError::unprocessable(format!("Validation failed: {m}"));
    let field = |k: &str| v.get(k).cloned().unwrap_or(Value::Null);
    let options = string_list(field("options")).map_err(|_| bad("Poll options are invalid"))?;
    let expires_in = opt_i64(field("expires_in"))
        .map_err(|_| bad("Poll expires in is invalid"))?
        .ok_or_else(|| bad("Poll expires in can't be blank"))?;
    let flag = |k: &str| bool(field(k)).map_err(|_| bad("Poll options are invalid"));
    Ok(Some(palisade_core::polls::NewPoll {
        options,
        expires_in,
        multiple: flag("multiple")?,
        hide_totals: flag("hide_totals")?,
    }))
}

/// The bytes of a `data:…;base64,…` URI (Mastodon accepts thumbnails and images so).
pub fn data_uri(s: &str) -> Option<Vec<u8>> {
    use base64::Engine;
    let rest = s.trim().strip_prefix("data:")?;
    let (meta, data) = rest.split_once(',')?;
    if !meta.ends_with(";base64") {
        return None;
    }
    base64::engine::general_purpose::STANDARD.decode(data.trim()).ok()
}

#[cfg(test)]
mod tests {
    #[test]
    fn timestamps_from_clients() {
        assert_eq!(
            super::timestamp_ms("2024-01-01T00:00:00Z"),
            Some(1_704_067_200_000)
        );
        assert_eq!(
            super::timestamp_ms("2024-01-01T02:00:00+02:00"),
            Some(1_704_067_200_000)
        );
        assert_eq!(
            super::timestamp_ms("2024-01-01T00:00:00.500"),
            Some(1_704_067_200_500)
        );
        assert!(super::timestamp_ms("4000-01-01T12:33:14-02:00").is_some());
        assert_eq!(super::timestamp_ms("tomorrow"), None);
    }
}
