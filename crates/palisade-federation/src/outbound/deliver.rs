//! Sending one signed delivery, classifying its failure, and keeping each peer's health.

use palisade_core::policy::{Boundary, Decision};
use reqwest::Method;

use crate::context::Federation;
use crate::fetch::{FailureClass, FetchError};
use crate::vocab;

/// Deliveries are retried with exponential backoff for a week, then given up.
const GIVE_UP_AFTER_MS: i64 = 7 * 86_400_000;
const FIRST_RETRY_MS: i64 = 30_000;
const MAX_RETRY_MS: i64 = 6 * 3_600_000;
/// A paused peer's deliveries wait, unsent and uncounted.
const PAUSED_RECHECK_MS: i64 = 600_000;

#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct DeliveryJob {
    pub inbox: String,
    /// The activity, serialised once for every inbox; signed at send time.
    pub body: String,
    pub signer_id: i64,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    Delivered,
    /// Try again after this many milliseconds.
    Retry {
        after_ms: i64,
        error: String,
    },
    /// Never going to work (gone inbox, refused by our guards, too old).
    GiveUp {
        error: String,
    },
}

/// The delay before attempt `attempts + 1`: 30 s, 1 min, 2 min … capped at 6 h.
pub fn backoff_ms(attempts: i64) -> i64 {
    let exp = attempts.clamp(0, 20) as u32;
    FIRST_RETRY_MS.saturating_mul(1_i64 << exp).min(MAX_RETRY_MS)
}

impl Federation {
    /// Sends one delivery and records the peer's health; says what to do with the job.
    pub async fn deliver(&self, job: &DeliveryJob, attempts: i64, age_ms: i64) -> Outcome {
        let Some(domain) = vocab::host_of(&job.inbox) else {
            return Outcome::GiveUp {
                error: format!("{} has no host", job.inbox),
            };
        };
        // The policy may have changed since the job was queued: check again at send time.
        let decision = match self.core.policies().await {
            Ok(p) => p.decide(Boundary::Deliver, Some(domain.as_str())),
            Err(e) => {
                return Outcome::Retry {
                    after_ms: backoff_ms(attempts),
                    error: e.to_string(),
                };
            }
        };
        match decision {
            Decision::Refuse => {
                return Outcome::GiveUp {
                    error: format!("delivery to {domain} is refused by policy"),
                };
            }
            Decision::Hold => {
                return Outcome::Retry {
                    after_ms: PAUSED_RECHECK_MS,
                    error: "delivery to this peer is paused".into(),
                };
            }
            _ => {}
        }
        let signer = match self.signer(job.signer_id).await {
            Ok(Some(a)) => a,
            Ok(None) => {
                return Outcome::GiveUp {
                    error: "the signing account is gone".into(),
                };
            }
            Err(e) => {
                return Outcome::Retry {
                    after_ms: backoff_ms(attempts),
                    error: e.to_string(),
                };
            }
        };
        let result = self
            .signed_request(
                Method::POST,
                &job.inbox,
                Some(job.body.clone().into_bytes()),
                &signer,
            )
            .await;
        let failure = match result {
            Ok(r) if r.status.is_success() => None,
            Ok(r) => {
                let code = r.status.as_u16();
                // Like Mastodon: a 401 may heal (the peer refetches our key); other 4xx won't.
                let class = match code {
                    401 => FailureClass::SignatureRejected,
                    403 => FailureClass::Forbidden,
                    _ => FailureClass::Http(code),
                };
                let snippet: String = String::from_utf8_lossy(&r.body).chars().take(200).collect();
                Some(FetchError {
                    class,
                    message: format!("{} answered {}: {}", job.inbox, r.status, snippet.trim()),
                })
            }
            Err(e) => Some(e),
        };
        let Some(err) = failure else {
            self.core.peer_alive(&domain);
            self.core.count_peer(&domain, "delivered");
            return Outcome::Delivered;
        };
        tracing::warn!(inbox = %job.inbox, class = %err.class.name(), error = %err.message, "delivery failed");
        let _ = self
            .core
            .record_delivery_failure(&domain, &err.class.name(), &err.message)
            .await;
        let temporary = err.class.is_temporary() || err.class == FailureClass::SignatureRejected;
        if !temporary || age_ms > GIVE_UP_AFTER_MS {
            Outcome::GiveUp {
                error: format!("{}: {}", err.class.name(), err.message),
            }
        } else {
            Outcome::Retry {
                after_ms: backoff_ms(attempts),
                error: format!("{}: {}", err.class.name(), err.message),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn backoff_grows_and_is_capped() {
        assert_eq!(super::backoff_ms(0), 30_000);
        assert_eq!(super::backoff_ms(1), 60_000);
        assert_eq!(super::backoff_ms(30), super::MAX_RETRY_MS);
    }
}
