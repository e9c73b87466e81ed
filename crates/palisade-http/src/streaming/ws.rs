//! A WebSocket session: subscribe and unsubscribe messages in, events out as
//! `{"stream": [...], "event": …, "payload": "…"}`, a ping every 30 seconds. A subscription
//! that fails is answered `{"error": …, "status": …}` and the socket stays open.

use std::net::IpAddr;
use std::time::Duration;

use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::response::Response;
use palisade_core::auth::Viewer;
use serde_json::{Value, json};

use super::hub::Outgoing;
use super::{sse::too_many, stream_from};
use crate::AppState;

/// Largest message a client may send (subscriptions are small).
const MAX_MESSAGE: usize = 16 * 1024;

pub(super) async fn upgrade(
    st: AppState,
    ws: WebSocketUpgrade,
    viewer: Option<Viewer>,
    address: Option<IpAddr>,
    query: &Value,
) -> Response {
    let conn = match st.hub.connect(viewer.clone(), address).await {
        Ok(c) => c,
        Err(r) => return too_many(r),
    };
    // A token sent as the subprotocol is echoed back, as browsers require.
    let mut ws = ws.max_message_size(MAX_MESSAGE);
    let requested = ws.requested_protocols().next().cloned();
    if let Some(p) = requested {
        ws.set_selected_protocol(p);
    }
    // `?stream=…` subscribes at once, before the handshake completes (nothing is missed).
    let refusal = match query.get("stream").and_then(Value::as_str) {
        Some(_) => subscribe(&st, conn.id, viewer.as_ref(), query, true).await,
        None => None,
    };
    ws.on_upgrade(move |socket| session(st, socket, conn, viewer, refusal))
}

async fn session(
    st: AppState,
    mut socket: WebSocket,
    mut conn: super::hub::Connection,
    viewer: Option<Viewer>,
    refusal: Option<String>,
) {
    if let Some(reply) = refusal
        && socket.send(Message::Text(reply.into())).await.is_err()
    {
        return;
    }
    let mut ping = tokio::time::interval(Duration::from_secs(30));
    ping.tick().await;
    loop {
        tokio::select! {
            incoming = socket.recv() => match incoming {
                Some(Ok(Message::Text(text))) => {
                    let Ok(command) = serde_json::from_str::<Value>(text.as_str()) else { continue };
                    let reply = match command.get("type").and_then(Value::as_str) {
                        Some("subscribe") => subscribe(&st, conn.id, viewer.as_ref(), &command, true).await,
                        Some("unsubscribe") => subscribe(&st, conn.id, viewer.as_ref(), &command, false).await,
                        _ => None,
                    };
                    if let Some(r) = reply && socket.send(Message::Text(r.into())).await.is_err() {
                        break;
                    }
                }
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => break,
                Some(Ok(_)) => {}
            },
            out = conn.rx.recv() => match out {
                Some(o) => {
                    if socket.send(Message::Text(frame(&o).into())).await.is_err() {
                        break;
                    }
                }
                None => {
                    // Dropped by the hub: too slow, token revoked, or shutting down.
                    let close = CloseFrame { code: 1013, reason: "Try again later".into() };
                    let _ = socket.send(Message::Close(Some(close))).await;
                    break;
                }
            },
            _ = ping.tick() => {
                if socket.send(Message::Ping(Vec::new().into())).await.is_err() {
                    break;
                }
            }
        }
    }
}

/// Subscribes (or unsubscribes) a connection; returns the error message to send, if any.
async fn subscribe(
    st: &AppState,
    conn: u64,
    viewer: Option<&Viewer>,
    command: &Value,
    on: bool,
) -> Option<String> {
    let name = command.get("stream").and_then(Value::as_str).unwrap_or("");
    let stream = match stream_from(name, command) {
        Ok(s) => s,
        Err(e) => return Some(json!({"error": e.message(), "status": e.status()}).to_string()),
    };
    if !on {
        st.hub.unsubscribe(conn, &stream);
        return None;
    }
    if let Err(e) = st.core.authorize_stream(viewer, &stream).await {
        return Some(json!({"error": e.message(), "status": e.status()}).to_string());
    }
    st.hub.subscribe(conn, stream);
    None
}

fn frame(o: &Outgoing) -> String {
    let mut v = json!({"stream": o.stream, "event": o.event});
    if let Some(p) = &o.payload {
        v["payload"] = json!(p.as_ref());
    }
    v.to_string()
}
