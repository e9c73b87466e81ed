//! What the instance's guards turned away, counted in this process for the metrics
//! (`palisade_refused_requests_total`, `palisade_connections_dropped_total`): requests
//! refused for a bad or missing signature, for a body over the limit, for a body that came
//! too slowly; connections closed for headers that never came, or for broken HTTP. The
//! counts are per process, as Prometheus expects of counters (it sums the processes).

use std::sync::atomic::{AtomicU64, Ordering};

/// A request refused by a guard.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// An inbox POST or signed fetch without a valid signature (401).
    Signature,
    /// A body over the request limit (413).
    Oversized,
    /// A body sent too slowly: the request was cut off.
    Timeout,
}

/// A connection the server closed itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dropped {
    /// The request headers did not arrive in time (idle or slow clients).
    HeaderTimeout,
    /// The client spoke broken HTTP or vanished mid-request.
    Error,
}

static REFUSED: [AtomicU64; 3] = [AtomicU64::new(0), AtomicU64::new(0), AtomicU64::new(0)];
static DROPPED: [AtomicU64; 2] = [AtomicU64::new(0), AtomicU64::new(0)];

impl Refusal {
    pub const ALL: [Refusal; 3] = [Refusal::Signature, Refusal::Oversized, Refusal::Timeout];

    pub fn name(self) -> &'static str {
        match self {
            Refusal::Signature => "signature",
            Refusal::Oversized => "oversized",
            Refusal::Timeout => "timeout",
        }
    }
}

impl Dropped {
    pub const ALL: [Dropped; 2] = [Dropped::HeaderTimeout, Dropped::Error];

    pub fn name(self) -> &'static str {
        match self {
            Dropped::HeaderTimeout => "header_timeout",
            Dropped::Error => "error",
        }
    }
}

/// Counts one refused request.
pub fn refused(r: Refusal) {
    REFUSED[r as usize].fetch_add(1, Ordering::Relaxed);
}

/// Counts one connection closed by the server.
pub fn dropped(d: Dropped) {
    DROPPED[d as usize].fetch_add(1, Ordering::Relaxed);
}

/// The refused requests of one kind so far.
pub fn refused_count(r: Refusal) -> u64 {
    REFUSED[r as usize].load(Ordering::Relaxed)
}

/// The dropped connections of one kind so far.
pub fn dropped_count(d: Dropped) -> u64 {
    DROPPED[d as usize].load(Ordering::Relaxed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_add_up_per_kind() {
        let before = (refused_count(Refusal::Oversized), dropped_count(Dropped::Error));
        refused(Refusal::Oversized);
        refused(Refusal::Oversized);
        dropped(Dropped::Error);
        assert!(refused_count(Refusal::Oversized) >= before.0 + 2);
        assert!(dropped_count(Dropped::Error) > before.1);
        assert_eq!(Refusal::Timeout.name(), "timeout");
    }
}
