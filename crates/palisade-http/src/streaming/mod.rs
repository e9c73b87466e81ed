//! Mastodon's streaming API: the WebSocket at `/api/v1/streaming` (subscribe and
//! unsubscribe messages, several streams per socket) and the server-sent event endpoints
//! `/api/v1/streaming/{stream}`, plus `/api/v1/streaming/health`. The token comes as
//! `Authorization: Bearer`, the `access_token` parameter, or `Sec-WebSocket-Protocol`.
//! `hub` holds this process's connections, `dispatch` feeds them live events, `render`
//! writes the payloads, `ws` and `sse` are the two transports.

mod dispatch;
pub mod hub;
mod render;
mod sse;
mod ws;

use axum::extract::ws::WebSocketUpgrade;
use axum::extract::{FromRequestParts, Request, State};
use axum::http::header::AUTHORIZATION;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use palisade_core::auth::Viewer;
use palisade_core::streaming::{Stream, StreamError};
use serde_json::{Value, json};

pub use hub::Hub;

use crate::AppState;
use crate::extract::{ClientIp, parse_query};
use crate::routes::{self, Routes, get, public_stream, scopes::RS, stream};

/// One handler per server-sent event path, each naming its stream.
macro_rules! sse_paths {
    ($($handler:ident => $name:literal),* $(,)?) => {
        $(
            async fn $handler(st: State<AppState>, req: Request) -> Response {
                named(st, req, $name).await
            }
        )*
    };
}

sse_paths! {
    user => "user",
    user_notification => "user:notification",
    public => "public",
    public_local => "public:local",
    public_remote => "public:remote",
    hashtag => "hashtag",
    hashtag_local => "hashtag:local",
    list => "list",
    direct => "direct",
}

pub fn routes() -> Routes {
    Routes::new()
        .route("/api/v1/streaming", get(stream(RS), root))
        .route("/api/v1/streaming/health", get(routes::public(), health))
        .route("/api/v1/streaming/user", get(stream(RS), user))
        .route(
            "/api/v1/streaming/user/notification",
            get(stream(&["read:notifications"]), user_notification),
        )
        .route("/api/v1/streaming/public", get(public_stream(RS), public))
        .route(
            "/api/v1/streaming/public/local",
            get(public_stream(RS), public_local),
        )
        .route(
            "/api/v1/streaming/public/remote",
            get(public_stream(RS), public_remote),
        )
        .route("/api/v1/streaming/hashtag", get(public_stream(RS), hashtag))
        .route(
            "/api/v1/streaming/hashtag/local",
            get(public_stream(RS), hashtag_local),
        )
        .route(
            "/api/v1/streaming/list",
            get(stream(&["read:lists", "read:statuses"]), list),
        )
        .route("/api/v1/streaming/direct", get(stream(RS), direct))
}

async fn health() -> &'static str {
    "OK"
}

/// Mastodon's streaming errors: `{"error": …}` with its status.
pub(crate) fn refuse(status: u16, message: &str) -> Response {
    let code = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST);
    (code, axum::Json(json!({ "error": message }))).into_response()
}

/// The token a streaming request carries, wherever it is.
fn token(headers: &HeaderMap, query: &Value) -> Option<String> {
    if let Some(h) = headers.get(AUTHORIZATION).and_then(|v| v.to_str().ok()) {
        let h = h.trim();
        if h.len() > 7 && h[..7].eq_ignore_ascii_case("bearer ") {
            return Some(h[7..].trim().to_owned());
        }
    }
    if let Some(t) = query
        .get("access_token")
        .and_then(Value::as_str)
        .filter(|t| !t.is_empty())
    {
        return Some(t.to_owned());
    }
    headers
        .get("sec-websocket-protocol")
        .and_then(|v| v.to_str().ok())
        .map(|v| v.split(',').next().unwrap_or("").trim().to_owned())
        .filter(|t| !t.is_empty())
}

/// The viewer a streaming request is made for (`None` without a token); a token that does
/// not resolve is a 401.
async fn viewer(st: &AppState, token: Option<&str>) -> Result<Option<Viewer>, Response> {
    match token {
        None => Ok(None),
        Some(t) => match st.core.authenticate(t).await {
            Ok(v) => Ok(Some(v)),
            Err(_) => Err(refuse(401, "Invalid access token")),
        },
    }
}

/// A stream named by Mastodon's stream name and the request's `tag`, `list`, `only_media`.
fn stream_from(name: &str, query: &Value) -> Result<Stream, StreamError> {
    let text = |k: &str| match query.get(k) {
        Some(Value::String(s)) => Some(s.clone()),
        Some(Value::Number(n)) => Some(n.to_string()),
        Some(Value::Bool(b)) => Some(b.to_string()),
        _ => None,
    };
    let media = text("only_media").is_some_and(|v| matches!(v.as_str(), "true" | "1"));
    let name = match (name, media) {
        ("public", true) => "public:media",
        ("public:local", true) => "public:local:media",
        ("public:remote", true) => "public:remote:media",
        (n, _) => n,
    };
    Stream::parse(name, text("tag").as_deref(), text("list").as_deref())
}

/// `GET /api/v1/streaming`: a WebSocket upgrade, or server-sent events of `?stream=`.
async fn root(State(st): State<AppState>, req: Request) -> Response {
    let (mut parts, _) = req.into_parts();
    let query = parse_query(parts.uri.query().unwrap_or(""));
    let ClientIp(address) = match ClientIp::from_request_parts(&mut parts, &st).await {
        Ok(ip) => ip,
        Err(never) => match never {},
    };
    let token = token(&parts.headers, &query);
    let upgrade = parts
        .headers
        .get("upgrade")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("websocket"));
    if upgrade {
        let ws = match WebSocketUpgrade::from_request_parts(&mut parts, &st).await {
            Ok(ws) => ws,
            Err(rejection) => return rejection.into_response(),
        };
        let viewer = match viewer(&st, token.as_deref()).await {
            Ok(v) => v,
            Err(r) => return r,
        };
        return ws::upgrade(st, ws, viewer, address, &query).await;
    }
    let name = query
        .get("stream")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_owned();
    sse_for(st, &parts.headers, &query, address, &name).await
}

/// `GET /api/v1/streaming/{stream}`: server-sent events.
async fn named(State(st): State<AppState>, req: Request, name: &'static str) -> Response {
    let (mut parts, _) = req.into_parts();
    let query = parse_query(parts.uri.query().unwrap_or(""));
    let ClientIp(address) = match ClientIp::from_request_parts(&mut parts, &st).await {
        Ok(ip) => ip,
        Err(never) => match never {},
    };
    sse_for(st, &parts.headers, &query, address, name).await
}

async fn sse_for(
    st: AppState,
    headers: &HeaderMap,
    query: &Value,
    address: Option<std::net::IpAddr>,
    name: &str,
) -> Response {
    let viewer = match viewer(&st, token(headers, query).as_deref()).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let stream = match stream_from(name, query) {
        Ok(s) => s,
        Err(e) => return refuse(e.status(), e.message()),
    };
    if let Err(e) = st.core.authorize_stream(viewer.as_ref(), &stream).await {
        return refuse(e.status(), e.message());
    }
    sse::serve(st, viewer, address, stream).await
}
