//! Forms of the web interface: every POST carries the page's CSRF token
//! (`authenticity_token`), or is refused with 403 before anything else happens. Bodies are
//! urlencoded, or multipart for file uploads (a file field arrives as its text).

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Multipart, Request};
use axum::http::StatusCode;
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};
use palisade_core::secrets::constant_time_eq;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use super::ctx::Ctx;
use super::page::error_page;
use crate::AppState;

/// A checked form: the request's context and its fields.
pub struct Form<T>(pub Ctx, pub T);

const TOKEN: &str = "authenticity_token";

fn refuse(status: StatusCode, message: &str) -> Response {
    error_page(status, message).into_response()
}

async fn fields(req: Request, st: &AppState) -> Result<Vec<(String, String)>, Response> {
    let content_type = req
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    let bad = |e: String| {
        refuse(
            StatusCode::BAD_REQUEST,
            &format!("The form could not be read: {e}"),
        )
    };
    if content_type.starts_with("multipart/form-data") {
        let mut multipart = Multipart::from_request(req, st)
            .await
            .map_err(|e| bad(e.to_string()))?;
        let mut out = Vec::new();
        while let Some(field) = multipart.next_field().await.map_err(|e| bad(e.to_string()))? {
            let name = field.name().unwrap_or("").to_owned();
            let bytes = field.bytes().await.map_err(|e| bad(e.to_string()))?;
            out.push((name, String::from_utf8_lossy(&bytes).into_owned()));
        }
        return Ok(out);
    }
    let body = Bytes::from_request(req, st).await.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            refuse(StatusCode::PAYLOAD_TOO_LARGE, "The form is too large.")
        } else {
            bad(e.to_string())
        }
    })?;
    crate::extract::params::form_pairs(&body).map_err(bad)
}

impl<T: DeserializeOwned> FromRequest<AppState> for Form<T> {
    type Rejection = Response;

    async fn from_request(req: Request, st: &AppState) -> Result<Self, Response> {
        let (mut parts, body) = req.into_parts();
        let Ok(ctx) = Ctx::from_request_parts(&mut parts, st).await;
        let pairs = fields(Request::from_parts(parts, body), st).await?;
        let token = pairs.iter().find(|(k, _)| k == TOKEN).map(|(_, v)| v.as_str());
        if !token.is_some_and(|t| constant_time_eq(t, &ctx.csrf)) {
            return Err(refuse(
                StatusCode::FORBIDDEN,
                "This form has expired or did not come from this site. Go back, reload the page and try again.",
            ));
        }
        let mut map = Map::new();
        for (k, v) in pairs {
            if k != TOKEN {
                map.insert(k, Value::String(v));
            }
        }
        let value = serde_json::from_value(Value::Object(map)).map_err(|e| {
            refuse(
                StatusCode::UNPROCESSABLE_ENTITY,
                &format!("The form is incomplete: {e}"),
            )
        })?;
        Ok(Form(ctx, value))
    }
}
