//! Mastodon-style ids: `milliseconds since the epoch << 16 | sequence`, so ids sort by time
//! and `max_id`/`since_id` pagination is an index range scan. Rendered as decimal strings.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};

static SEQUENCE: AtomicU64 = AtomicU64::new(0);
static SEQUENCE_START: OnceLock<u64> = OnceLock::new();

/// A new id for a row created now. Unique within a process; across processes the random
/// start of the sequence makes a collision (same millisecond and same 16-bit sequence) rare,
/// and the primary key turns the rare one into an error rather than a corrupt row.
pub fn new_id() -> i64 {
    id_at(crate::now_ms())
}

/// An id for a row whose time is `ms` (e.g. a remote status' publication time).
pub fn id_at(ms: i64) -> i64 {
    let start = SEQUENCE_START.get_or_init(|| {
        let mut b = [0u8; 2];
        let _ = getrandom::fill(&mut b);
        u64::from(u16::from_le_bytes(b))
    });
    let seq = start.wrapping_add(SEQUENCE.fetch_add(1, Ordering::Relaxed));
    (ms.max(0) << 16) | (seq & 0xffff) as i64
}

/// The smallest id at or after `ms`: the lower bound of ids created at that time.
pub fn min_id_at(ms: i64) -> i64 {
    ms.max(0) << 16
}

/// The creation time (Unix ms) encoded in an id.
pub fn id_time(id: i64) -> i64 {
    id >> 16
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_increase_and_encode_time() {
        let a = id_at(1_700_000_000_000);
        let b = id_at(1_700_000_000_001);
        assert!(b > a);
        assert_eq!(id_time(a), 1_700_000_000_000);
        assert!(min_id_at(1_700_000_000_001) <= b);
    }
}
