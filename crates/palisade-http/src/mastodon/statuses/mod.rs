//! `/api/v1/statuses/…`.

mod actions;
mod read;
mod write;

use crate::routes::{
    Routes, get, optional, post,
    scopes::{RA, RS, WA, WB, WFAV, WM, WS},
    token,
};

pub fn routes() -> Routes {
    Routes::new()
        .route(
            "/api/v1/statuses",
            post(token(WS), write::create).get(optional(RS), read::many),
        )
        .route(
            "/api/v1/statuses/{id}/translate",
            post(token(RS).owned(), read::translate),
        )
        .route(
            "/api/v1/statuses/{id}",
            get(optional(RS).owned(), read::show)
                .put(token(WS).owned(), write::edit)
                .delete(token(WS).owned(), write::delete),
        )
        .route(
            "/api/v1/statuses/{id}/context",
            get(optional(RS).owned(), read::context),
        )
        .route(
            "/api/v1/statuses/{id}/history",
            get(optional(RS).owned(), read::history),
        )
        .route(
            "/api/v1/statuses/{id}/card",
            get(optional(RS).owned(), read::card),
        )
        .route(
            "/api/v1/statuses/{id}/source",
            get(token(RS).owned(), read::source),
        )
        .route(
            "/api/v1/statuses/{id}/favourited_by",
            get(optional(RA).owned(), read::favourited_by),
        )
        .route(
            "/api/v1/statuses/{id}/reblogged_by",
            get(optional(RA).owned(), read::reblogged_by),
        )
        .route(
            "/api/v1/statuses/{id}/favourite",
            post(token(WFAV).owned(), actions::favourite),
        )
        .route(
            "/api/v1/statuses/{id}/unfavourite",
            post(token(WFAV).owned(), actions::unfavourite),
        )
        .route(
            "/api/v1/statuses/{id}/reblog",
            post(token(WS).owned(), actions::reblog),
        )
        .route(
            "/api/v1/statuses/{id}/unreblog",
            post(token(WS).owned(), actions::unreblog),
        )
        .route(
            "/api/v1/statuses/{id}/bookmark",
            post(token(WB).owned(), actions::bookmark),
        )
        .route(
            "/api/v1/statuses/{id}/unbookmark",
            post(token(WB).owned(), actions::unbookmark),
        )
        .route("/api/v1/statuses/{id}/pin", post(token(WA).owned(), actions::pin))
        .route(
            "/api/v1/statuses/{id}/unpin",
            post(token(WA).owned(), actions::unpin),
        )
        .route(
            "/api/v1/statuses/{id}/mute",
            post(token(WM).owned(), actions::mute),
        )
        .route(
            "/api/v1/statuses/{id}/unmute",
            post(token(WM).owned(), actions::unmute),
        )
}
