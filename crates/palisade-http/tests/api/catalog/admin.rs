//! The admin API: malformed and out-of-range input from staff, and members trying it.

use super::Body::{Json, None as Empty};
use super::Error::{Is, Starts};
use super::Who::{Admin, Alice, Moderator};
use super::{Case, case};

const NOT_ALLOWED: &str = "This action is not allowed";

#[rustfmt::skip]
pub const CASES: &[Case] = &[
    case("admin: block without a domain", Admin, "POST", "/api/v1/admin/domain_blocks", Json("{}"), 422, Starts("Validation failed")),
    case("admin: block a bad severity", Admin, "POST", "/api/v1/admin/domain_blocks", Json(r#"{"domain": "x.example", "severity": "obliterate"}"#), 422, Starts("")),
    case("admin: block a non-domain", Admin, "POST", "/api/v1/admin/domain_blocks", Json(r#"{"domain": "not a domain!"}"#), 422, Starts("Validation failed")),
    case("admin: block our own domain", Admin, "POST", "/api/v1/admin/domain_blocks", Json(r#"{"domain": "palisade.test"}"#), 422, Starts("")),
    case("admin: block with a wrong type", Admin, "POST", "/api/v1/admin/domain_blocks", Json(r#"{"domain": "x.example", "reject_media": "sometimes"}"#), 422, Starts("")),
    case("admin: block, truncated JSON", Admin, "POST", "/api/v1/admin/domain_blocks", Json(r#"{"domain": "#), 400, Starts("")),
    case("admin: update an unknown block", Admin, "PUT", "/api/v1/admin/domain_blocks/424242", Json(r#"{"severity": "suspend"}"#), 404, Is("Record not found")),
    case("admin: delete an unknown block", Admin, "DELETE", "/api/v1/admin/domain_blocks/424242", Empty, 404, Is("Record not found")),
    case("admin: allow without a domain", Admin, "POST", "/api/v1/admin/domain_allows", Json("{}"), 422, Starts("")),
    case("admin: import garbage", Admin, "POST", "/api/v1/admin/domain_blocks/import", Json(r#"{"data": 42}"#), 200, super::Error::Any),
    case("admin: unknown peer action", Admin, "POST", "/api/v1/admin/instances/x.example/explode", Empty, 404, Starts("")),
    case("admin: resolve an unknown report", Moderator, "POST", "/api/v1/admin/reports/424242/resolve", Empty, 404, Is("Record not found")),
    case("admin: a member blocks a domain", Alice, "POST", "/api/v1/admin/domain_blocks", Json(r#"{"domain": "x.example"}"#), 403, Is("This action is outside the authorized scopes")),
    case("admin: a moderator blocks a domain", Moderator, "POST", "/api/v1/admin/domain_blocks", Json(r#"{"domain": "x.example"}"#), 403, Is(NOT_ALLOWED)),
    case("admin: a moderator with a bad body", Moderator, "POST", "/api/v1/admin/domain_blocks", Json(r#"{"domain": "#), 403, Is(NOT_ALLOWED)),
];
