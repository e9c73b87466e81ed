//! Prometheus metrics: per-peer delivery health with failure classes, queue depths, and the
//! policy in force. Served on a listener of its own (`metrics_listen`), never on the public
//! one: behind a reverse proxy every request looks local, so a loopback check is no guard.
//! Figures come from the database, so every process shows the same instance-wide numbers.

use std::fmt::Write;

use axum::Router;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use palisade_core::Core;
use palisade_core::peers::Metrics;

use crate::error::ApiResult;

/// The metrics listener's whole application.
pub fn router(core: Core) -> Router {
    Router::new().route("/metrics", get(metrics)).with_state(core)
}

async fn metrics(State(core): State<Core>) -> ApiResult<Response> {
    let mut text = render(&core.metrics().await?);
    render_media(&mut text, core.media_totals().await?);
    render_guards(&mut text);
    Ok((
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")],
        text,
    )
        .into_response())
}

/// The media store: this instance's uploads and the cache of remote files.
pub fn render_media(out: &mut String, totals: [(i64, i64); 2]) {
    family(
        out,
        "palisade_media_files",
        "gauge",
        "Stored media files (originals and thumbnails counted as one), by origin.",
    );
    for (origin, (files, _)) in ["local", "remote"].iter().zip(totals) {
        let _ = writeln!(out, "palisade_media_files{{origin=\"{origin}\"}} {files}");
    }
    family(
        out,
        "palisade_media_bytes",
        "gauge",
        "Bytes of stored media, by origin (remote: the cache, which pruning empties).",
    );
    for (origin, (_, bytes)) in ["local", "remote"].iter().zip(totals) {
        let _ = writeln!(out, "palisade_media_bytes{{origin=\"{origin}\"}} {bytes}");
    }
}

/// A label value, escaped as the exposition format requires.
fn label(v: &str) -> String {
    v.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n")
}

/// Counts the responses that refused a body over the limit (413, from any extractor).
pub(crate) async fn count_oversized(response: Response) -> Response {
    if response.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
        palisade_core::guard_counters::refused(palisade_core::guard_counters::Refusal::Oversized);
    }
    response
}

/// What this process's guards turned away (requests and connections).
pub fn render_guards(out: &mut String) {
    use palisade_core::guard_counters::{Dropped, Refusal, dropped_count, refused_count};
    family(
        out,
        "palisade_refused_requests_total",
        "counter",
        "Requests refused by a guard in this process: bad or missing signature, body over the limit, body too slow.",
    );
    for r in Refusal::ALL {
        let _ = writeln!(
            out,
            "palisade_refused_requests_total{{reason=\"{}\"}} {}",
            r.name(),
            refused_count(r)
        );
    }
    family(
        out,
        "palisade_connections_dropped_total",
        "counter",
        "Connections this process closed: request headers not sent in time, or broken HTTP.",
    );
    for d in Dropped::ALL {
        let _ = writeln!(
            out,
            "palisade_connections_dropped_total{{reason=\"{}\"}} {}",
            d.name(),
            dropped_count(d)
        );
    }
}

fn family(out: &mut String, name: &str, kind: &str, help: &str) {
    let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} {kind}");
}

pub fn render(m: &Metrics) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# HELP palisade_build_info The running version.\n# TYPE palisade_build_info gauge\n\
         palisade_build_info{{version=\"{}\"}} 1",
        env!("CARGO_PKG_VERSION")
    );

    family(
        &mut out,
        "palisade_peer_deliveries_total",
        "counter",
        "Deliveries to a peer since it was first seen, by result and failure class.",
    );
    for (domain, outcome, n) in &m.totals {
        let d = label(domain);
        match outcome.as_str() {
            "delivered" => {
                let _ = writeln!(
                    out,
                    "palisade_peer_deliveries_total{{peer=\"{d}\",result=\"delivered\",class=\"\"}} {n}"
                );
            }
            other => {
                if let Some(class) = other.strip_prefix("failed:") {
                    let c = label(class);
                    let _ = writeln!(
                        out,
                        "palisade_peer_deliveries_total{{peer=\"{d}\",result=\"failed\",class=\"{c}\"}} {n}"
                    );
                }
            }
        }
    }
    for (name, outcome, help) in [
        (
            "palisade_peer_inbound_total",
            "inbound",
            "Activities accepted from a peer since it was first seen.",
        ),
        (
            "palisade_peer_refused_total",
            "refused",
            "Requests from a blocked peer that were refused.",
        ),
    ] {
        family(&mut out, name, "counter", help);
        for (domain, _, n) in m.totals.iter().filter(|(_, o, _)| o == outcome) {
            let _ = writeln!(out, "{name}{{peer=\"{}\"}} {n}", label(domain));
        }
    }

    family(
        &mut out,
        "palisade_peer_queued_deliveries",
        "gauge",
        "Deliveries waiting for a peer.",
    );
    for (domain, n) in &m.queued {
        let _ = writeln!(
            out,
            "palisade_peer_queued_deliveries{{peer=\"{}\"}} {n}",
            label(domain)
        );
    }

    family(
        &mut out,
        "palisade_peer_unavailable",
        "gauge",
        "1 when a peer failed on 7 distinct days without a success since.",
    );
    family(
        &mut out,
        "palisade_peer_delivery_paused",
        "gauge",
        "1 when an admin paused delivery to a peer.",
    );
    family(
        &mut out,
        "palisade_peer_failure_days",
        "gauge",
        "Distinct days with a failure since the last success.",
    );
    family(
        &mut out,
        "palisade_peer_last_success_timestamp_seconds",
        "gauge",
        "When a peer last answered well.",
    );
    family(
        &mut out,
        "palisade_peer_last_failure_timestamp_seconds",
        "gauge",
        "When a peer last failed, with the class of that failure.",
    );
    for p in &m.peers {
        let d = label(&p.domain);
        let _ = writeln!(
            out,
            "palisade_peer_unavailable{{peer=\"{d}\"}} {}",
            u8::from(p.unavailable_since.is_some())
        );
        let _ = writeln!(
            out,
            "palisade_peer_delivery_paused{{peer=\"{d}\"}} {}",
            u8::from(p.delivery_paused)
        );
        let _ = writeln!(
            out,
            "palisade_peer_failure_days{{peer=\"{d}\"}} {}",
            p.failure_days.len()
        );
        if let Some(at) = p.last_success_at {
            let _ = writeln!(
                out,
                "palisade_peer_last_success_timestamp_seconds{{peer=\"{d}\"}} {}",
                at / 1000
            );
        }
        if let Some(at) = p.last_failure_at {
            let class = label(p.last_failure_class.as_deref().unwrap_or(""));
            let _ = writeln!(
                out,
                "palisade_peer_last_failure_timestamp_seconds{{peer=\"{d}\",class=\"{class}\"}} {}",
                at / 1000
            );
        }
    }

    family(
        &mut out,
        "palisade_domain_block",
        "gauge",
        "1 for each instance domain block, by severity.",
    );
    for (domain, severity) in &m.policies {
        let _ = writeln!(
            out,
            "palisade_domain_block{{domain=\"{}\",severity=\"{}\"}} 1",
            label(domain),
            label(severity)
        );
    }

    family(
        &mut out,
        "palisade_queue_jobs",
        "gauge",
        "Jobs in a queue (waiting, due or being worked on).",
    );
    for (queue, n) in &m.queues {
        let _ = writeln!(out, "palisade_queue_jobs{{queue=\"{}\"}} {n}", label(queue));
    }
    out
}

#[cfg(test)]
mod tests {
    use palisade_core::model::Peer;
    use palisade_core::peers::Metrics;

    use super::render;

    #[test]
    fn peers_failure_classes_and_hostile_names_render_as_valid_exposition_text() {
        let m = Metrics {
            peers: vec![Peer {
                domain: "broken.test".into(),
                software: None,
                version: None,
                first_seen_at: 0,
                last_seen_at: None,
                last_success_at: Some(1_000_000),
                last_failure_at: Some(2_000_000),
                last_failure_class: Some("tls".into()),
                last_failure_message: Some("invalid peer certificate: UnknownIssuer".into()),
                failure_days: vec![1, 2],
                unavailable_since: None,
                delivery_paused: true,
            }],
            totals: vec![
                ("broken.test".into(), "delivered".into(), 3),
                ("broken.test".into(), "failed:tls".into(), 5),
                ("evil\"\n.test".into(), "inbound".into(), 1),
            ],
            queued: vec![("broken.test".into(), 4)],
            queues: vec![("deliver".into(), 4)],
            policies: vec![("threads.test".into(), "suspend".into())],
        };
        let text = render(&m);
        for line in [
            "palisade_peer_deliveries_total{peer=\"broken.test\",result=\"delivered\",class=\"\"} 3",
            "palisade_peer_deliveries_total{peer=\"broken.test\",result=\"failed\",class=\"tls\"} 5",
            "palisade_peer_inbound_total{peer=\"evil\\\"\\n.test\"} 1",
            "palisade_peer_queued_deliveries{peer=\"broken.test\"} 4",
            "palisade_peer_delivery_paused{peer=\"broken.test\"} 1",
            "palisade_peer_failure_days{peer=\"broken.test\"} 2",
            "palisade_peer_last_failure_timestamp_seconds{peer=\"broken.test\",class=\"tls\"} 2000",
            "palisade_domain_block{domain=\"threads.test\",severity=\"suspend\"} 1",
            "palisade_queue_jobs{queue=\"deliver\"} 4",
        ] {
            assert!(text.lines().any(|l| l == line), "missing {line} in\n{text}");
        }
        // Every sample line is `name{labels} value`; no raw newline broke one apart.
        for l in text.lines().filter(|l| !l.starts_with('#')) {
            let (_, value) = l.rsplit_once(' ').unwrap_or_default();
            assert!(value.parse::<f64>().is_ok(), "bad sample line {l:?}");
            assert!(l.starts_with("palisade_"), "bad sample line {l:?}");
        }
    }
}
