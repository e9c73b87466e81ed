//! `/api/v1/statuses/…`.

mod actions;
mod read;
mod write;

use axum::Router;
use axum::routing::{get, post};

use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/statuses", post(write::create).get(read::many))
        .route("/api/v1/statuses/{id}/translate", post(read::translate))
        .route(
            "/api/v1/statuses/{id}",
            get(read::show).put(write::edit).delete(write::delete),
        )
        .route("/api/v1/statuses/{id}/context", get(read::context))
        .route("/api/v1/statuses/{id}/history", get(read::history))
        .route("/api/v1/statuses/{id}/card", get(read::card))
        .route("/api/v1/statuses/{id}/source", get(read::source))
        .route("/api/v1/statuses/{id}/favourited_by", get(read::favourited_by))
        .route("/api/v1/statuses/{id}/reblogged_by", get(read::reblogged_by))
        .route("/api/v1/statuses/{id}/favourite", post(actions::favourite))
        .route("/api/v1/statuses/{id}/unfavourite", post(actions::unfavourite))
        .route("/api/v1/statuses/{id}/reblog", post(actions::reblog))
        .route("/api/v1/statuses/{id}/unreblog", post(actions::unreblog))
        .route("/api/v1/statuses/{id}/bookmark", post(actions::bookmark))
        .route("/api/v1/statuses/{id}/unbookmark", post(actions::unbookmark))
        .route("/api/v1/statuses/{id}/pin", post(actions::pin))
        .route("/api/v1/statuses/{id}/mute", post(actions::mute))
        .route("/api/v1/statuses/{id}/unmute", post(actions::unmute))
        .route("/api/v1/statuses/{id}/unpin", post(actions::unpin))
}
