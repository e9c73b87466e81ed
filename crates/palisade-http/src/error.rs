//! Errors as Mastodon returns them: `{"error": "…"}` with its status codes, plus `details`
//! for validation failures and `error_description` for OAuth errors.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use palisade_core::Error;
use serde_json::{Map, Value, json};

pub struct ApiError(pub Error);

pub type ApiResult<T> = Result<T, ApiError>;

impl From<Error> for ApiError {
    fn from(e: Error) -> Self {
        ApiError(e)
    }
}

impl ApiError {
    pub fn bad_request(msg: impl Into<String>) -> ApiError {
        ApiError(Error::BadRequest(msg.into()))
    }
    pub fn unprocessable(msg: impl Into<String>) -> ApiError {
        ApiError(Error::invalid(msg))
    }
    pub fn too_large() -> ApiError {
        ApiError(Error::TooLarge("The request body is too large".into()))
    }
    pub fn not_found() -> ApiError {
        ApiError(Error::not_found())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, body) = match self.0 {
            Error::BadRequest(m) => match m.split_once(": ") {
                // OAuth errors carry their RFC 6749 code first.
                Some((code, desc)) if code.starts_with("invalid_") || code.starts_with("unsupported_") => {
                    let status = if code == "invalid_client" {
                        StatusCode::UNAUTHORIZED
                    } else {
                        StatusCode::BAD_REQUEST
                    };
                    (status, json!({"error": code, "error_description": desc}))
                }
                _ => (StatusCode::BAD_REQUEST, json!({ "error": m })),
            },
            Error::Unauthorized(m) => (StatusCode::UNAUTHORIZED, json!({ "error": m })),
            Error::Forbidden(m) => (StatusCode::FORBIDDEN, json!({ "error": m })),
            Error::NotFound(m) => (StatusCode::NOT_FOUND, json!({ "error": m })),
            Error::Unprocessable(m, details) => {
                let mut body = Map::new();
                body.insert("error".into(), Value::String(m));
                if !details.is_empty() {
                    let mut d = Map::new();
                    for f in details {
                        let entry = d
                            .entry(f.field.to_owned())
                            .or_insert_with(|| Value::Array(Vec::new()));
                        if let Value::Array(list) = entry {
                            list.push(json!({"error": f.code, "description": f.description}));
                        }
                    }
                    body.insert("details".into(), Value::Object(d));
                }
                (StatusCode::UNPROCESSABLE_ENTITY, Value::Object(body))
            }
            Error::TooLarge(m) => (StatusCode::PAYLOAD_TOO_LARGE, json!({ "error": m })),
            Error::RateLimited => (
                StatusCode::TOO_MANY_REQUESTS,
                json!({"error": "Too many requests"}),
            ),
            Error::Unavailable(m) if m == palisade_core::STORAGE_FULL => {
                (StatusCode::INSUFFICIENT_STORAGE, json!({ "error": m }))
            }
            Error::Unavailable(m) => {
                tracing::warn!(error = %m, "database unavailable");
                (
                    StatusCode::SERVICE_UNAVAILABLE,
                    json!({"error": "The service is temporarily unavailable, try again in a moment"}),
                )
            }
            Error::Internal(m) => {
                tracing::error!(error = %m, "internal error");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    json!({"error": "Internal server error"}),
                )
            }
        };
        if status == StatusCode::SERVICE_UNAVAILABLE {
            return (status, [(axum::http::header::RETRY_AFTER, "5")], axum::Json(body)).into_response();
        }
        if status == StatusCode::INSUFFICIENT_STORAGE {
            return (
                status,
                [(axum::http::header::RETRY_AFTER, "60")],
                axum::Json(body),
            )
                .into_response();
        }
        (status, axum::Json(body)).into_response()
    }
}
