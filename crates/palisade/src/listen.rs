//! The HTTP listener: axum's router on HTTP/1.1 connections, with limits axum's own `serve`
//! does not set. A client must send its request headers within `HEADER_TIMEOUT` (slow-header
//! connections are closed, not kept forever); on shutdown, connections finish the request in
//! hand and close, within `DRAIN_TIMEOUT`. A request body must keep coming: after a grace
//! period it must average `MIN_BODY_RATE` bytes a second, or the request is cut off (a
//! client dribbling a body holds nothing for long). Both are counted in the metrics.

use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::Body;
use axum::extract::ConnectInfo;
use hyper::body::{Frame, Incoming, SizeHint};
use hyper_util::rt::{TokioIo, TokioTimer};
use palisade_core::guard_counters::{self, Dropped, Refusal};
use tokio::net::TcpListener;
use tokio::sync::watch;
use tower::{Service, ServiceExt as _};

/// How long a client may take to send a request's headers.
const HEADER_TIMEOUT: Duration = Duration::from_secs(10);
/// How long open connections get to finish once the server stops.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a request body may take before it must keep up `MIN_BODY_RATE`.
const BODY_GRACE: Duration = Duration::from_secs(10);
/// Bytes a second a request body must average after the grace period.
const MIN_BODY_RATE: f64 = 8192.0;

/// Serves `app` on `listener` until `shutdown` completes.
pub async fn serve<S>(
    listener: TcpListener,
    app: S,
    shutdown: impl std::future::Future<Output = ()>,
) -> std::io::Result<()>
where
    S: Service<axum::extract::Request, Response = axum::response::Response, Error = Infallible>
        + Clone
        + Send
        + 'static,
    S::Future: Send,
{
    let (stop, stopping) = watch::channel(false);
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(c) => c,
                // Out of file descriptors and the like: keep serving the others.
                Err(e) => {
                    tracing::warn!(error = %e, "accepting a connection failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        tokio::spawn(connection(stream, peer, app.clone(), stopping.clone()));
    }
    let _ = stop.send(true);
    drop(stopping);
    // Every connection task holds a receiver: when all are gone, all connections are closed.
    let _ = tokio::time::timeout(DRAIN_TIMEOUT, stop.closed()).await;
    Ok(())
}

async fn connection<S>(
    stream: tokio::net::TcpStream,
    peer: SocketAddr,
    app: S,
    mut stopping: watch::Receiver<bool>,
) where
    S: Service<axum::extract::Request, Response = axum::response::Response, Error = Infallible>
        + Clone
        + Send
        + 'static,
    S::Future: Send,
{
    let service = hyper::service::service_fn(move |mut req: hyper::Request<Incoming>| {
        req.extensions_mut().insert(ConnectInfo(peer));
        let app = app.clone();
        async move {
            Ok::<_, Infallible>(
                app.oneshot(req.map(|b| Body::new(DeadlineBody::new(b))))
                    .await
                    .unwrap_or_else(|e| match e {}),
            )
        }
    });
    let conn = hyper::server::conn::http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(HEADER_TIMEOUT)
        .serve_connection(TokioIo::new(stream), service)
        .with_upgrades();
    tokio::pin!(conn);
    tokio::select! {
        result = conn.as_mut() => {
            if let Err(e) = result {
                tracing::debug!(%peer, error = %e, "connection ended with an error");
                guard_counters::dropped(if e.is_timeout() {
                    Dropped::HeaderTimeout
                } else {
                    Dropped::Error
                });
            }
        }
        _ = stopping.changed() => {
            conn.as_mut().graceful_shutdown();
            let _ = conn.await;
        }
    }
}

/// A request body with a deadline that moves with what has arrived: `BODY_GRACE` plus one
/// second per `MIN_BODY_RATE` bytes received.
struct DeadlineBody {
    inner: Incoming,
    started: tokio::time::Instant,
    received: u64,
    deadline: Pin<Box<tokio::time::Sleep>>,
}

impl DeadlineBody {
    fn new(inner: Incoming) -> DeadlineBody {
        let started = tokio::time::Instant::now();
        DeadlineBody {
            inner,
            started,
            received: 0,
            deadline: Box::pin(tokio::time::sleep_until(started + BODY_GRACE)),
        }
    }
}

impl hyper::body::Body for DeadlineBody {
    type Data = axum::body::Bytes;
    type Error = Box<dyn std::error::Error + Send + Sync>;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Self::Data>, Self::Error>>> {
        let this = self.get_mut();
        match Pin::new(&mut this.inner).poll_frame(cx) {
            Poll::Ready(Some(Ok(frame))) => {
                if let Some(data) = frame.data_ref() {
                    this.received += data.len() as u64;
                    let earned = Duration::from_secs_f64(this.received as f64 / MIN_BODY_RATE);
                    this.deadline.as_mut().reset(this.started + BODY_GRACE + earned);
                }
                return Poll::Ready(Some(Ok(frame)));
            }
            Poll::Ready(other) => return Poll::Ready(other.map(|r| r.map_err(Into::into))),
            Poll::Pending => {}
        }
        if this.deadline.as_mut().poll(cx).is_ready() {
            guard_counters::refused(Refusal::Timeout);
            return Poll::Ready(Some(Err("the request body came too slowly".into())));
        }
        Poll::Pending
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}
