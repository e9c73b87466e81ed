//! Tolerant reading of ActivityStreams JSON: a value may be a string or an object with an
//! `id`, one item or an array, `as:Public` in any of its spellings.

use serde_json::Value;

pub const PUBLIC_FORMS: &[&str] = &[
    "https://www.w3.org/ns/activitystreams#Public",
    "as:Public",
    "Public",
];

/// The first item of an array, or the value itself.
pub fn first(v: &Value) -> Option<&Value> {
    match v {
        Value::Array(items) => items.first(),
        Value::Null => None,
        other => Some(other),
    }
}

/// The id of a reference: a string, or an object's `id` (also inside an array).
pub fn id_of(v: &Value) -> Option<String> {
    match first(v)? {
        Value::String(s) => Some(s.clone()),
        Value::Object(o) => o.get("id").and_then(Value::as_str).map(str::to_owned),
        _ => None,
    }
}

/// Every id in a value that may be one reference or many.
pub fn ids(v: &Value) -> Vec<String> {
    match v {
        Value::Array(items) => items.iter().filter_map(id_of).collect(),
        Value::Null => Vec::new(),
        other => id_of(other).into_iter().collect(),
    }
}

/// The `type` (the first one if several).
pub fn kind(v: &Value) -> String {
    v.get("type")
        .and_then(first)
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_owned()
}

pub fn str_field<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(first).and_then(Value::as_str)
}

/// A natural-language field, from `key` or its `…Map` (first language).
pub fn text(v: &Value, key: &str) -> Option<String> {
    if let Some(s) = str_field(v, key) {
        return Some(s.to_owned());
    }
    v.get(format!("{key}Map"))
        .and_then(Value::as_object)
        .and_then(|m| m.values().find_map(Value::as_str))
        .map(str::to_owned)
}

pub fn is_public(addr: &str) -> bool {
    PUBLIC_FORMS.contains(&addr)
}

/// The recipients of an object: `to` and `cc` (and `audience`).
pub fn audience(v: &Value) -> (Vec<String>, Vec<String>) {
    let mut cc = ids(v.get("cc").unwrap_or(&Value::Null));
    cc.extend(ids(v.get("audience").unwrap_or(&Value::Null)));
    (ids(v.get("to").unwrap_or(&Value::Null)), cc)
}

/// The domain of a URL as handles use it: the host, lowercased, without a trailing dot
/// (`threads.net.` is `threads.net`), with the port when it is not the scheme's default
/// (`localhost:3000`, as Mastodon writes it).
pub fn host_of(url: &str) -> Option<String> {
    let u = url::Url::parse(url).ok()?;
    let host = u.host_str()?.trim_end_matches('.').to_lowercase();
    Some(match u.port() {
        Some(p) => format!("{host}:{p}"),
        None => host,
    })
}

/// Whether two URLs share an origin (scheme, host, port).
pub fn same_origin(a: &str, b: &str) -> bool {
    match (url::Url::parse(a), url::Url::parse(b)) {
        (Ok(a), Ok(b)) => a.origin() == b.origin(),
        _ => false,
    }
}

/// RFC 3339 timestamp to Unix ms.
pub fn timestamp_ms(v: &Value, key: &str) -> Option<i64> {
    let s = str_field(v, key)?;
    let t = time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339).ok()?;
    Some((t.unix_timestamp_nanos() / 1_000_000) as i64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn tolerant_reading() {
        assert_eq!(id_of(&json!("https://a/1")).as_deref(), Some("https://a/1"));
        assert_eq!(
            id_of(&json!({"id": "https://a/1"})).as_deref(),
            Some("https://a/1")
        );
        assert_eq!(
            id_of(&json!([{"id": "https://a/1"}, "x"])).as_deref(),
            Some("https://a/1")
        );
        assert_eq!(
            ids(&json!(["as:Public", {"id": "https://a/f"}])),
            vec!["as:Public", "https://a/f"]
        );
        assert_eq!(kind(&json!({"type": ["Note", "Other"]})), "Note");
        assert_eq!(
            text(&json!({"contentMap": {"de": "hallo"}}), "content").as_deref(),
            Some("hallo")
        );
        assert!(same_origin("https://a.test/users/x", "https://a.test/x#k"));
        assert!(!same_origin("https://a.test/", "https://b.test/"));
        assert_eq!(
            timestamp_ms(&json!({"published": "2024-01-01T00:00:00Z"}), "published"),
            Some(1_704_067_200_000)
        );
    }
}
