//! Limits exceeded: status length, media count, poll options, list and filter sizes, page
//! limits, parameter counts, nesting depth and body size.

use super::Body::{Gen, Json, None as Empty};
use super::Error::{Any, Details, Starts};
use super::Who::Alice;
use super::{Case, case};

const JSON: &str = "application/json";

fn json(v: serde_json::Value) -> (&'static str, Vec<u8>) {
    (JSON, v.to_string().into_bytes())
}

fn status_501() -> (&'static str, Vec<u8>) {
    json(serde_json::json!({"status": "a".repeat(501)}))
}
fn spoiler_long() -> (&'static str, Vec<u8>) {
    json(serde_json::json!({"status": "hi", "spoiler_text": "a".repeat(600)}))
}
fn five_media() -> (&'static str, Vec<u8>) {
    json(serde_json::json!({"status": "hi", "media_ids": ["1", "2", "3", "4", "5"]}))
}
fn five_options() -> (&'static str, Vec<u8>) {
    json(
        serde_json::json!({"status": "hi", "poll": {"options": ["a", "b", "c", "d", "e"], "expires_in": 3600}}),
    )
}
fn one_option() -> (&'static str, Vec<u8>) {
    json(serde_json::json!({"status": "hi", "poll": {"options": ["a"], "expires_in": 3600}}))
}
fn long_option() -> (&'static str, Vec<u8>) {
    json(serde_json::json!({"status": "hi", "poll": {"options": ["a", "b".repeat(51)], "expires_in": 3600}}))
}
fn poll_too_long() -> (&'static str, Vec<u8>) {
    json(
        serde_json::json!({"status": "hi", "poll": {"options": ["a", "b"], "expires_in": 60 * 60 * 24 * 40}}),
    )
}
fn poll_too_short() -> (&'static str, Vec<u8>) {
    json(serde_json::json!({"status": "hi", "poll": {"options": ["a", "b"], "expires_in": 10}}))
}
fn duplicate_options() -> (&'static str, Vec<u8>) {
    json(serde_json::json!({"status": "hi", "poll": {"options": ["a", "a"], "expires_in": 3600}}))
}
fn many_ids() -> Vec<String> {
    (0..40_000).map(|i| i.to_string()).collect()
}
fn types_40k() -> (&'static str, Vec<u8>) {
    json(serde_json::json!({"types": vec!["mention"; 40_000]}))
}
fn list_accounts_40k() -> (&'static str, Vec<u8>) {
    json(serde_json::json!({"account_ids": many_ids()}))
}
fn report_ids_40k() -> (&'static str, Vec<u8>) {
    json(serde_json::json!({"account_id": "1", "status_ids": many_ids()}))
}
fn filter_keywords_many() -> (&'static str, Vec<u8>) {
    let kws: Vec<_> = (0..2000)
        .map(|i| serde_json::json!({"keyword": format!("k{i}")}))
        .collect();
    json(serde_json::json!({"title": "x", "context": ["home"], "keywords_attributes": kws}))
}
pub fn long_comment() -> (&'static str, Vec<u8>) {
    json(serde_json::json!({"comment": "a".repeat(3000)}))
}
fn nested_json() -> (&'static str, Vec<u8>) {
    let d = 5000;
    (
        JSON,
        format!("{{\"status\":{}1{}}}", "[".repeat(d), "]".repeat(d)).into_bytes(),
    )
}
fn nested_form() -> (&'static str, Vec<u8>) {
    (
        "application/x-www-form-urlencoded",
        format!("status{}=1", "[a]".repeat(100)).into_bytes(),
    )
}
fn many_form_params() -> (&'static str, Vec<u8>) {
    let body: Vec<String> = (0..5000).map(|i| format!("p{i}=1")).collect();
    ("application/x-www-form-urlencoded", body.join("&").into_bytes())
}
fn huge_body() -> (&'static str, Vec<u8>) {
    json(serde_json::json!({"status": "a".repeat(3 << 20)}))
}
fn long_display_name() -> (&'static str, Vec<u8>) {
    json(serde_json::json!({"display_name": "a".repeat(31)}))
}
fn long_bio() -> (&'static str, Vec<u8>) {
    json(serde_json::json!({"note": "a".repeat(501)}))
}
fn five_fields() -> (&'static str, Vec<u8>) {
    let f: Vec<_> = (0..5)
        .map(|i| serde_json::json!({"name": format!("n{i}"), "value": "v"}))
        .collect();
    json(serde_json::json!({"fields_attributes": f}))
}
fn many_tags_follow() -> (&'static str, Vec<u8>) {
    (JSON, b"{}".to_vec())
}
fn description_long() -> (&'static str, Vec<u8>) {
    json(serde_json::json!({"description": "a".repeat(1501)}))
}

#[rustfmt::skip]
pub const CASES: &[Case] = &[
    case("status: 501 characters", Alice, "POST", "/api/v1/statuses", Gen(status_501), 422, Starts("Validation failed: Text character limit of 500 exceeded")),
    case("status: 600-character warning", Alice, "POST", "/api/v1/statuses", Gen(spoiler_long), 422, Starts("Validation failed")),
    case("status: five media", Alice, "POST", "/api/v1/statuses", Gen(five_media), 422, Starts("")),
    case("status: five poll options", Alice, "POST", "/api/v1/statuses", Gen(five_options), 422, Starts("Validation failed")),
    case("status: one poll option", Alice, "POST", "/api/v1/statuses", Gen(one_option), 422, Starts("Validation failed")),
    case("status: a 51-character poll option", Alice, "POST", "/api/v1/statuses", Gen(long_option), 422, Starts("Validation failed")),
    case("status: a poll of 40 days", Alice, "POST", "/api/v1/statuses", Gen(poll_too_long), 422, Starts("Validation failed")),
    case("status: a poll of 10 seconds", Alice, "POST", "/api/v1/statuses", Gen(poll_too_short), 422, Starts("Validation failed")),
    case("status: duplicate poll options", Alice, "POST", "/api/v1/statuses", Gen(duplicate_options), 422, Starts("Validation failed")),
    case("status: JSON nested 5,000 deep", Alice, "POST", "/api/v1/statuses", Gen(nested_json), 400, Starts("Malformed JSON body")),
    case("status: form nested 100 deep", Alice, "POST", "/api/v1/statuses", Gen(nested_form), 422, Starts("Validation failed: Text can't be blank")),
    case("status: 5,000 form parameters", Alice, "POST", "/api/v1/statuses", Gen(many_form_params), 422, Starts("Validation failed: too many parameters")),
    case("status: a 3 MiB body", Alice, "POST", "/api/v1/statuses", Gen(huge_body), 413, Starts("")),
    case("notifications: 40,000 types", Alice, "GET", "/api/v1/notifications", Gen(types_40k), 422, Starts("")),
    case("notifications v2: 40,000 types", Alice, "GET", "/api/v2/notifications", Gen(types_40k), 422, Starts("")),
    case("list: 40,000 accounts", Alice, "POST", "/api/v1/lists/{list}/accounts", Gen(list_accounts_40k), 422, Starts("")),
    case("report: 40,000 status ids", Alice, "POST", "/api/v1/reports", Gen(report_ids_40k), 422, Starts("")),
    case("report: a 3,000-character comment", Alice, "POST", "/api/v1/reports?account_id={bob_id}", Gen(long_comment), 422, Starts("")),
    case("filter: 2,000 keywords", Alice, "POST", "/api/v2/filters", Gen(filter_keywords_many), 422, Starts("")),
    case("profile: a 31-character name", Alice, "PATCH", "/api/v1/accounts/update_credentials", Gen(long_display_name), 422, Starts("Validation failed")),
    case("profile: a 501-character bio", Alice, "PATCH", "/api/v1/accounts/update_credentials", Gen(long_bio), 422, Starts("Validation failed")),
    case("profile: five fields", Alice, "PATCH", "/api/v1/accounts/update_credentials", Gen(five_fields), 422, Starts("Validation failed")),
    case("tags: follow a 60,000-character tag", Alice, "POST", "/api/v1/tags/{long_tag}/follow", Gen(many_tags_follow), 404, Starts("Record not found")),
    case("media: a 1,501-character description", Alice, "PUT", "/api/v1/media/{bob_media}", Gen(description_long), 404, Starts("Record not found")),
    case("page: limit of a million", Alice, "GET", "/api/v1/timelines/home?limit=1000000", Empty, 200, Any),
    case("page: limit not a number", Alice, "GET", "/api/v1/timelines/home?limit=lots", Empty, 200, Any),
    case("page: max_id not a number", Alice, "GET", "/api/v1/timelines/home?max_id=abc", Empty, 200, Any),
    case("search: 60,000 characters", Alice, "GET", "/api/v2/search?q={long_q}", Empty, 422, Details("Validation failed: Q is too long")),
    case("search: no query", Alice, "GET", "/api/v2/search", Empty, 200, Any),
    case("search: unknown type", Alice, "GET", "/api/v2/search?q=a&type=everything", Empty, 200, Any),
    case("accounts search: no query", Alice, "GET", "/api/v1/accounts/search", Empty, 200, Any),
    case("media: a 1,501-character description (own)", Alice, "POST", "/api/v2/media", Json(r#"{"description": "x"}"#), 422, Starts("")),
];
