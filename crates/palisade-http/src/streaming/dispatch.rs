//! The dispatcher: takes this process's live events (its own, and on PostgreSQL those of
//! every other process), asks core what each subscriber receives, renders it once per
//! viewer and queues it for the connections.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use palisade_core::live::LiveEvent;
use tokio::sync::broadcast::error::RecvError;

use super::hub::{Hub, Outgoing};
use super::render::payload;

/// Starts the dispatcher and, on PostgreSQL, the listener for other processes' events;
/// returns once both listen.
pub(super) async fn start(hub: Hub) {
    let core = hub.inner.core.clone();
    let mut events = core.live_events();
    match core.live_listener().await {
        Ok(Some(feed)) => {
            tokio::spawn(relay(hub.clone(), Some(feed)));
        }
        Ok(None) => {}
        Err(e) => {
            tracing::warn!(error = %e, "cannot listen for other processes' live events yet; retrying");
            tokio::spawn(relay(hub.clone(), None));
        }
    }
    tokio::spawn(async move {
        loop {
            match events.recv().await {
                Ok(raw) => {
                    if let Some(event) = LiveEvent::decode(&raw) {
                        dispatch(&hub, &event).await;
                    }
                }
                Err(RecvError::Lagged(n)) => {
                    // Events were lost: every client reconnects and catches up.
                    tracing::warn!(
                        lost = n,
                        "streaming fell behind the live events; clients reconnect"
                    );
                    hub.close_all();
                }
                Err(RecvError::Closed) => break,
            }
        }
    });
}

/// Relays other processes' events (PostgreSQL), reconnecting when the connection fails;
/// clients are disconnected after a failure, as events may have been missed meanwhile.
async fn relay(hub: Hub, mut feed: Option<palisade_core::live::LiveFeed>) {
    let core = hub.inner.core.clone();
    loop {
        if let Some(f) = feed.take()
            && let Err(e) = f.relay().await
        {
            tracing::warn!(error = %e, "listening for live events failed; reconnecting");
            hub.close_all();
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
        match core.live_listener().await {
            Ok(Some(f)) => feed = Some(f),
            Ok(None) => return,
            Err(e) => tracing::warn!(error = %e, "cannot listen for live events; retrying"),
        }
    }
}

async fn dispatch(hub: &Hub, event: &LiveEvent) {
    if let LiveEvent::TokenRevoked { token } = event {
        hub.drop_token(*token);
        return;
    }
    let (subs, routes) = hub.snapshot();
    if subs.is_empty() {
        return;
    }
    let core = &hub.inner.core;
    let deliveries = match core.live_deliveries(event, &subs).await {
        Ok(d) => d,
        Err(e) => {
            tracing::error!(error = %e, "working out a live event's recipients failed");
            return;
        }
    };
    // One rendering per message and viewer, whatever the number of their connections.
    let mut rendered: HashMap<(usize, Option<i64>), Option<Arc<str>>> = HashMap::new();
    for d in deliveries {
        let Some((conn, stream)) = routes.get(&d.key) else {
            continue;
        };
        let key = (Arc::as_ptr(&d.message) as usize, d.viewer);
        let body = rendered
            .entry(key)
            .or_insert_with(|| payload(core, &d.message, d.viewer).map(Arc::from))
            .clone();
        hub.send(
            *conn,
            Outgoing {
                stream: stream.clone(),
                event: d.message.event(),
                payload: body,
            },
        );
    }
}
