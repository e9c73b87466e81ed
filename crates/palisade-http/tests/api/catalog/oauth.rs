//! OAuth: app registration, tokens, revocation, authorization.

use super::Body::{Form, Json, None as Empty, Raw};
use super::Error::{Is, Starts};
use super::Who::{Alice, Nobody};
use super::{Case, case};

#[rustfmt::skip]
pub const CASES: &[Case] = &[
    case("app: no name", Nobody, "POST", "/api/v1/apps", Json(r#"{"redirect_uris": "urn:ietf:wg:oauth:2.0:oob"}"#), 422, Starts("Validation failed")),
    case("app: no redirect URI", Nobody, "POST", "/api/v1/apps", Json(r#"{"client_name": "x"}"#), 422, Starts("Validation failed")),
    case("app: javascript: redirect", Nobody, "POST", "/api/v1/apps", Json(r#"{"client_name": "x", "redirect_uris": "javascript:alert(1)"}"#), 422, Starts("Validation failed")),
    case("app: data: redirect", Nobody, "POST", "/api/v1/apps", Json(r#"{"client_name": "x", "redirect_uris": "data:text/html,hi"}"#), 422, Starts("Validation failed")),
    case("app: redirect with a fragment", Nobody, "POST", "/api/v1/apps", Json(r##"{"client_name": "x", "redirect_uris": "https://app.example/cb#frag"}"##), 422, Starts("Validation failed")),
    case("app: redirect with a control character", Nobody, "POST", "/api/v1/apps", Json(r#"{"client_name": "x", "redirect_uris": "https://app.example/\u0000cb"}"#), 422, Starts("Validation failed")),
    case("app: unknown scope", Nobody, "POST", "/api/v1/apps", Json( r#"{"client_name": "x", "redirect_uris": "urn:ietf:wg:oauth:2.0:oob", "scopes": "read rule:world"}"#, ), 422, Starts("")),
    case("app: name a list", Nobody, "POST", "/api/v1/apps", Json(r#"{"client_name": ["x"], "redirect_uris": "urn:ietf:wg:oauth:2.0:oob"}"#), 422, Starts("")),
    case("app: truncated JSON", Nobody, "POST", "/api/v1/apps", Json(r#"{"client_name": "x""#), 400, Starts("")),
    case("token: no grant type", Nobody, "POST", "/oauth/token", Json("{}"), 400, Is("invalid_request")),
    case("token: unknown grant type", Nobody, "POST", "/oauth/token", Json(r#"{"grant_type": "magic"}"#), 400, Is("unsupported_grant_type")),
    case("token: unknown client", Nobody, "POST", "/oauth/token", Form("grant_type=client_credentials&client_id=x&client_secret=y"), 401, Is("invalid_client")),
    case("token: unknown code", Nobody, "POST", "/oauth/token", Form( "grant_type=authorization_code&code=nope&client_id=x&client_secret=y&redirect_uri=urn:ietf:wg:oauth:2.0:oob", ), 401, Is("invalid_client")),
    case("token: bad password", Nobody, "POST", "/oauth/token", Form("grant_type=password&username=alice&password=wrong&client_id=x&client_secret=y"), 401, Is("invalid_client")),
    case("token: invalid UTF-8", Nobody, "POST", "/oauth/token", Raw("application/x-www-form-urlencoded", b"grant_type=\xff\xfe"), 400, Starts("Invalid request parameters")),
    case("token: XML", Nobody, "POST", "/oauth/token", Raw("application/xml", b"<grant_type/>"), 400, Is("invalid_request")),
    case("revoke: unknown client", Nobody, "POST", "/oauth/revoke", Form("token=x&client_id=x&client_secret=y"), 401, Is("invalid_client")),
    case("revoke: nothing", Nobody, "POST", "/oauth/revoke", Empty, 401, Is("invalid_client")),
    case("authorize: unknown client", Nobody, "GET", "/oauth/authorize?client_id=nope&response_type=code&redirect_uri=urn:ietf:wg:oauth:2.0:oob", Empty, 400, super::Error::Page),
    case("authorize: bad response type", Nobody, "GET", "/oauth/authorize?client_id=nope&response_type=token", Empty, 400, super::Error::Page),
    case("verify app: a user token without an app", Alice, "GET", "/api/v1/apps/verify_credentials", Empty, 404, Is("Record not found")),
];
