//! Running one job and saying what becomes of it.

use palisade_core::media::JobOutcome;
use palisade_core::model::now_ms;
use palisade_federation::fetch::FailureClass;
use palisade_federation::outbound::{self, backoff_ms};
use palisade_federation::{FedError, Federation};

use crate::job::Job;

/// What becomes of a job after a run.
#[derive(Debug)]
pub enum Outcome {
    Done,
    /// Run again after this many milliseconds.
    Retry {
        after_ms: i64,
        error: String,
    },
    /// It will never succeed: kept aside (`dead:` queue) with the reason.
    GiveUp {
        error: String,
    },
}

/// Inbound and planning jobs get this many tries (a peer briefly down while we fetch what
/// an activity refers to), then are set aside.
const MAX_TRIES: i64 = 5;

pub async fn run(fed: &Federation, job: Job, attempts: i64, created_at: i64) -> Outcome {
    match job {
        Job::Inbound(j) => judge(fed.process_inbound(&j).await, attempts),
        Job::Plan(event) => judge(fed.plan_event(&event).await.map(|_| ()), attempts),
        Job::Deliver(d) => sent(fed.deliver(&d, attempts, now_ms() - created_at).await),
        Job::Timer(t) => judge(fed.core.run_timer(&t).await.map_err(FedError::from), attempts),
        Job::Push(p) => sent(fed.deliver_push(&p, attempts).await),
        Job::Media(m) => match palisade_federation::media::jobs::run_job(fed, &m).await {
            JobOutcome::Done => Outcome::Done,
            JobOutcome::Retry(error) if attempts + 1 < MAX_TRIES => Outcome::Retry {
                after_ms: backoff_ms(attempts),
                error,
            },
            JobOutcome::Retry(error) | JobOutcome::GiveUp(error) => Outcome::GiveUp { error },
        },
    }
}

fn sent(outcome: outbound::Outcome) -> Outcome {
    match outcome {
        outbound::Outcome::Delivered => Outcome::Done,
        outbound::Outcome::Retry { after_ms, error } => Outcome::Retry { after_ms, error },
        outbound::Outcome::GiveUp { error } => Outcome::GiveUp { error },
    }
}

/// Errors that a later try can heal (a peer down, the database busy) are retried with
/// backoff; the others (a malformed activity, a refused address, a gone object) are not.
fn judge(result: Result<(), FedError>, attempts: i64) -> Outcome {
    let Err(e) = result else {
        return Outcome::Done;
    };
    let healable = match &e {
        FedError::Fetch(f) => f.class.is_temporary() || f.class == FailureClass::SignatureRejected,
        FedError::Core(c) => c.is_temporary(),
        FedError::Invalid(_) | FedError::Refused(_) | FedError::Signature(_) => false,
    };
    if healable && attempts + 1 < MAX_TRIES {
        Outcome::Retry {
            after_ms: backoff_ms(attempts),
            error: e.to_string(),
        }
    } else {
        Outcome::GiveUp { error: e.to_string() }
    }
}
