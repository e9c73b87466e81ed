//! Mastodon is a Rails app: clients send parameters as JSON, as forms with bracket
//! notation (`types[]=mention`, `fields_attributes[0][name]=…`) or as multipart, and the
//! query string counts too. All of them become one JSON value here, which typed structs
//! then deserialize with the lenient helpers of [`crate::de`].

use axum::body::Bytes;
use axum::extract::{FromRequest, Multipart, Request};
use axum::http::header::CONTENT_TYPE;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::error::ApiError;

/// Typed parameters from the query string and the body.
pub struct Params<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Params<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let query = req.uri().query().unwrap_or("");
        if !decodes_to_utf8(query.as_bytes()) {
            return Err(ApiError::bad_request(INVALID_UTF8));
        }
        let mut merged = parse_query(query);
        let content_type = req
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_ascii_lowercase();
        if content_type.starts_with("multipart/form-data") {
            let mut multipart = Multipart::from_request(req, state)
                .await
                .map_err(|e| ApiError::bad_request(format!("Malformed multipart body: {e}")))?;
            let mut pairs = Vec::new();
            while let Some(field) = multipart
                .next_field()
                .await
                .map_err(|e| ApiError::bad_request(format!("Malformed multipart body: {e}")))?
            {
                let name = field.name().unwrap_or("").to_owned();
                if field.file_name().is_some() {
                    // Files (avatars, media) are not stored yet; read and drop them.
                    let _ = field.bytes().await;
                    continue;
                }
                let text = field
                    .text()
                    .await
                    .map_err(|e| ApiError::bad_request(format!("Malformed multipart body: {e}")))?;
                pairs.push((name, text));
            }
            merge(&mut merged, from_pairs(pairs));
        } else {
            let body = Bytes::from_request(req, state).await.map_err(|e| {
                if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                    ApiError::too_large()
                } else {
                    ApiError::bad_request(format!("Could not read the request body: {e}"))
                }
            })?;
            if !body.iter().all(u8::is_ascii_whitespace) {
                if content_type.starts_with("application/json")
                    || (content_type.is_empty() && body.first() == Some(&b'{'))
                {
                    let value: Value = serde_json::from_slice(&body)
                        .map_err(|e| ApiError::bad_request(format!("Malformed JSON body: {e}")))?;
                    if !value.is_object() {
                        return Err(ApiError::bad_request("The JSON body must be an object"));
                    }
                    merge(&mut merged, value);
                } else if content_type.is_empty()
                    || content_type.starts_with("application/x-www-form-urlencoded")
                {
                    let pairs = form_pairs(&body).map_err(ApiError::bad_request)?;
                    merge(&mut merged, from_pairs(pairs));
                }
                // Other types (text/plain, XML…) carry no parameters, as in Rails.
            }
        }
        check_size(&merged, 0, &mut 0)?;
        serde_json::from_value(merged)
            .map(Params)
            .map_err(|e| ApiError::unprocessable(format!("Validation failed: {e}")))
    }
}

const INVALID_UTF8: &str = "Invalid request parameters: invalid UTF-8 in the percent-encoding";

/// A form body's pairs; a body whose percent-encoding does not decode to UTF-8 is refused
/// (Rails answers 400) rather than stored with replacement characters.
pub fn form_pairs(body: &[u8]) -> Result<Vec<(String, String)>, String> {
    if !decodes_to_utf8(body) {
        return Err(INVALID_UTF8.to_owned());
    }
    serde_urlencoded::from_bytes(body).map_err(|e| format!("Malformed form body: {e}"))
}

/// Whether `raw`, percent-decoded, is UTF-8 (the delimiters are ASCII, so checking the whole
/// decoded text checks every key and value).
fn decodes_to_utf8(raw: &[u8]) -> bool {
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match raw[i] {
            b'%' if i + 2 < raw.len() => match (hex(raw[i + 1]), hex(raw[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push((h * 16 + l) as u8);
                    i += 3;
                    continue;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    std::str::from_utf8(&out).is_ok()
}

/// Limits that keep hostile keys (`a[b][b][b]…`) from exhausting the stack or memory;
/// Rack allows a depth of 100, real clients use 3.
const MAX_DEPTH: usize = 16;
const MAX_PARAMS: usize = 1000;

/// Refuses parameters nested deeper than `MAX_DEPTH`, more than `MAX_PARAMS` values in all
/// (a list of 40,000 ids would otherwise reach the database as 40,000 variables), and NUL
/// characters (no text has them; PostgreSQL cannot store them).
pub fn check_params(v: &Value) -> Result<(), ApiError> {
    check_size(v, 0, &mut 0)
}

fn check_size(v: &Value, depth: usize, count: &mut usize) -> Result<(), ApiError> {
    if depth > MAX_DEPTH {
        return Err(ApiError::unprocessable(format!(
            "Validation failed: parameters are nested too deeply (at most {MAX_DEPTH} levels)"
        )));
    }
    match v {
        Value::Array(items) => items.iter().try_for_each(|i| check_size(i, depth + 1, count)),
        Value::Object(map) => {
            if map.keys().any(|k| k.contains('\0')) {
                return Err(ApiError::unprocessable(
                    "Validation failed: parameters must not contain NUL characters",
                ));
            }
            map.values().try_for_each(|i| check_size(i, depth + 1, count))
        }
        Value::String(text) if text.contains('\0') => Err(ApiError::unprocessable(
            "Validation failed: parameters must not contain NUL characters",
        )),
        _ => {
            *count += 1;
            if *count > MAX_PARAMS {
                return Err(ApiError::unprocessable(format!(
                    "Validation failed: too many parameters (at most {MAX_PARAMS} values)"
                )));
            }
            Ok(())
        }
    }
}

/// Parses a query string with bracket notation into a JSON object.
pub fn parse_query(query: &str) -> Value {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query).unwrap_or_default();
    from_pairs(pairs)
}

pub(crate) fn from_pairs(pairs: Vec<(String, String)>) -> Value {
    let mut root = Value::Object(Map::new());
    // One over the limit is enough for `check_size` to refuse the request.
    for (key, value) in pairs.into_iter().take(MAX_PARAMS + 1) {
        if key.matches('[').count() <= MAX_DEPTH {
            insert(&mut root, &key, value);
        }
    }
    arrays_from_indexed(root)
}

/// `a[b][]` → ["a", "b", ""].
fn split_key(key: &str) -> Vec<&str> {
    match key.find('[') {
        Some(i) if key.ends_with(']') => {
            let mut parts = vec![&key[..i]];
            parts.extend(key[i + 1..key.len() - 1].split("]["));
            parts
        }
        _ => vec![key],
    }
}

fn insert(root: &mut Value, key: &str, value: String) {
    let parts = split_key(key);
    let mut node = root;
    for (i, part) in parts.iter().enumerate() {
        let last = i == parts.len() - 1;
        let next_is_array = parts.get(i + 1) == Some(&"");
        if part.is_empty() {
            // `[]`: append to the array at this node.
            if let Value::Array(list) = node {
                if last {
                    list.push(Value::String(value));
                    return;
                }
                // Rails: `a[][k]` fills the last hash until it already has `k`.
                let next = parts.get(i + 1).copied().unwrap_or("");
                let reuse = matches!(list.last(), Some(Value::Object(m)) if !m.contains_key(next));
                if !reuse {
                    list.push(Value::Object(Map::new()));
                }
                let Some(n) = list.last_mut() else { return };
                node = n;
                continue;
            }
            return;
        }
        let Value::Object(map) = node else { return };
        if last {
            map.insert((*part).to_owned(), Value::String(value));
            return;
        }
        let entry = map.entry((*part).to_owned()).or_insert_with(|| {
            if next_is_array {
                Value::Array(Vec::new())
            } else {
                Value::Object(Map::new())
            }
        });
        if next_is_array && !entry.is_array() {
            *entry = Value::Array(Vec::new());
        }
        node = entry;
    }
}

/// `{"0": {…}, "1": {…}}` (Rails' indexed hashes) → `[{…}, {…}]`.
fn arrays_from_indexed(v: Value) -> Value {
    match v {
        Value::Object(map) => {
            let indexed = !map.is_empty() && map.keys().all(|k| k.parse::<usize>().is_ok());
            if indexed {
                let mut items: Vec<(usize, Value)> = map
                    .into_iter()
                    .filter_map(|(k, v)| k.parse().ok().map(|i| (i, arrays_from_indexed(v))))
                    .collect();
                items.sort_by_key(|(i, _)| *i);
                Value::Array(items.into_iter().map(|(_, v)| v).collect())
            } else {
                Value::Object(
                    map.into_iter()
                        .map(|(k, v)| (k, arrays_from_indexed(v)))
                        .collect(),
                )
            }
        }
        Value::Array(list) => Value::Array(list.into_iter().map(arrays_from_indexed).collect()),
        other => other,
    }
}

/// Body values win over query values with the same key.
pub(crate) fn merge(into: &mut Value, from: Value) {
    if let (Value::Object(a), Value::Object(b)) = (into, from) {
        for (k, v) in b {
            a.insert(k, v);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn rails_brackets() {
        let v = parse_query(
            "types[]=mention&types[]=follow&limit=5&fields_attributes[1][name]=b&fields_attributes[0][name]=a&fields_attributes[0][value]=x",
        );
        assert_eq!(
            v,
            json!({"types": ["mention", "follow"], "limit": "5",
                   "fields_attributes": [{"name": "a", "value": "x"}, {"name": "b"}]})
        );
    }

    #[test]
    fn rails_arrays_of_hashes() {
        let v = parse_query("k[][keyword]=spam&k[][whole_word]=true&k[][keyword]=eggs&k[][whole_word]=false");
        assert_eq!(
            v,
            json!({"k": [{"keyword": "spam", "whole_word": "true"}, {"keyword": "eggs", "whole_word": "false"}]})
        );
    }

    #[test]
    fn odd_keys_do_not_panic() {
        let v = parse_query("a[=1&[]=2&b[]]=3&c[][]=4&=5");
        assert!(v.is_object());
    }
}
