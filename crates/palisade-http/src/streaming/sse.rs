//! Server-sent events: one stream per request, `event: NAME` and `data: PAYLOAD` per
//! message (`data: undefined` when there is none, as Mastodon writes it), a `:)` comment on
//! connect and a `:thump` comment every 15 seconds.

use std::convert::Infallible;
use std::net::IpAddr;
use std::time::Duration;

use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures_util::stream::{self, StreamExt};
use palisade_core::auth::Viewer;
use palisade_core::streaming::Stream;

use super::hub::{Connection, Refusal};
use super::refuse;
use crate::AppState;

pub(super) async fn serve(
    st: AppState,
    viewer: Option<Viewer>,
    address: Option<IpAddr>,
    stream: Stream,
) -> Response {
    let conn = match st.hub.connect(viewer, address).await {
        Ok(c) => c,
        Err(r) => return too_many(r),
    };
    st.hub.subscribe(conn.id, stream);
    let hello = stream::once(async { Ok::<Event, Infallible>(Event::default().comment(")")) });
    let events = stream::unfold(conn, |mut conn: Connection| async move {
        let out = conn.rx.recv().await?;
        let event = Event::default()
            .event(out.event)
            .data(out.payload.as_deref().unwrap_or("undefined"));
        Some((Ok::<Event, Infallible>(event), conn))
    });
    Sse::new(hello.chain(events))
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(15)).text("thump"))
        .into_response()
}

pub(super) fn too_many(r: Refusal) -> Response {
    let message = match r {
        Refusal::TooManyForToken => "Too many streaming connections for this access token",
        Refusal::TooManyForAddress => "Too many streaming connections from this address",
    };
    refuse(429, message)
}
