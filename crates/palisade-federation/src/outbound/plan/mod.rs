//! From an event to an activity and the inboxes that must receive it: one file per kind of
//! activity, like `inbound/`. `plan_event` turns the plan into one delivery job per distinct
//! inbox, never to a domain the policy refuses.

mod block;
mod boost;
mod flag;
mod follow;
mod like;
mod profile;
mod status;
mod vote;

use palisade_core::events::Event;
use palisade_core::jobs::{NewJob, Queue};
use palisade_core::model::{Account, now_ms};
use palisade_core::policy::Boundary;
use serde_json::Value;

use super::deliver::DeliveryJob;
use crate::context::{FedError, FedResult, Federation};
use crate::vocab;

/// An activity to send, signed by `signer`, to `inboxes`.
pub(super) struct Plan {
    pub(super) signer: Account,
    pub(super) activity: Value,
    pub(super) inboxes: Vec<String>,
}

impl Federation {
    /// Turns one event into delivery jobs (one per distinct inbox); returns how many.
    pub async fn plan_event(&self, event: &Event) -> FedResult<usize> {
        let plans = match event {
            Event::PollVoted {
                poll_id,
                account_id,
                choices,
            } => vote::plan(self, *poll_id, *account_id, choices).await?,
            _ => self.plan(event).await?.into_iter().collect(),
        };
        let mut jobs = 0;
        for plan in plans {
            jobs += self.enqueue_plan(event, plan).await?;
        }
        Ok(jobs)
    }

    /// One delivery job per distinct inbox of `plan`.
    async fn enqueue_plan(&self, event: &Event, plan: Plan) -> FedResult<usize> {
        let mut inboxes = plan.inboxes;
        inboxes.sort();
        inboxes.dedup();
        inboxes.retain(|i| !vocab::same_origin(i, self.base_url()));
        // Never a delivery to a suspended (or, in allowlist mode, unlisted) domain.
        let policies = self.core.policies().await?;
        inboxes.retain(|i| !policies.refused(Boundary::Deliver, vocab::host_of(i).as_deref()));
        let body = plan.activity.to_string();
        let key = event.ordering_key();
        let now = now_ms();
        let jobs = inboxes
            .iter()
            .map(|inbox| {
                let job = DeliveryJob {
                    inbox: inbox.clone(),
                    body: body.clone(),
                    signer_id: plan.signer.id,
                };
                Ok(NewJob {
                    queue: Queue::Deliver.name(),
                    payload: serde_json::to_string(&job).map_err(|e| FedError::Invalid(e.to_string()))?,
                    host: vocab::host_of(inbox),
                    // One inbox gets what concerns one object in order.
                    ordering_key: Some(format!("{key}>{inbox}")),
                    run_at: now,
                })
            })
            .collect::<FedResult<Vec<_>>>()?;
        self.core.enqueue_jobs(&jobs).await?;
        Ok(jobs.len())
    }

    async fn plan(&self, event: &Event) -> FedResult<Option<Plan>> {
        match event {
            Event::StatusCreated { status_id } => status::created(self, *status_id, false).await,
            Event::StatusUpdated { status_id } => status::created(self, *status_id, true).await,
            Event::StatusDeleted {
                account_id,
                uri,
                visibility,
                mentioned,
                ..
            } => status::deleted(self, *account_id, uri, *visibility, mentioned).await,
            Event::Reblogged { status_id } => boost::reblogged(self, *status_id).await,
            Event::Unreblogged {
                account_id,
                uri,
                original_id,
                ..
            } => boost::unreblogged(self, *account_id, uri, *original_id).await,
            Event::Favourited {
                account_id,
                status_id,
            } => like::plan(self, *account_id, *status_id, true).await,
            Event::Unfavourited {
                account_id,
                status_id,
            } => like::plan(self, *account_id, *status_id, false).await,
            Event::FollowRequested {
                account_id,
                target_id,
            } => follow::follow(self, *account_id, *target_id, None).await,
            Event::FollowWithdrawn {
                account_id,
                target_id,
                follow_uri,
            } => follow::follow(self, *account_id, *target_id, Some(follow_uri.clone())).await,
            Event::FollowAccepted {
                account_id,
                target_id,
                follow_uri,
            } => follow::answer(self, *account_id, *target_id, follow_uri.as_deref(), true).await,
            Event::FollowRejected {
                account_id,
                target_id,
                follow_uri,
            } => follow::answer(self, *account_id, *target_id, follow_uri.as_deref(), false).await,
            Event::Blocked {
                account_id,
                target_id,
            } => block::plan(self, *account_id, *target_id, true).await,
            Event::Unblocked {
                account_id,
                target_id,
            } => block::plan(self, *account_id, *target_id, false).await,
            Event::ProfileUpdated { account_id } => profile::updated(self, *account_id).await,
            Event::ReportForwarded {
                report_id,
                recipients,
            } => flag::plan(self, *report_id, recipients).await,
            Event::PollUpdated { status_id } => status::created(self, *status_id, true).await,
            // Planned by `plan_event` (one Create per choice).
            Event::PollVoted { .. } => Ok(None),
        }
    }

    /// Two accounts, or `None` if either is gone.
    async fn pair(&self, a: i64, b: i64) -> FedResult<Option<(Account, Account)>> {
        Ok(
            match (self.core.find_account(a).await?, self.core.find_account(b).await?) {
                (Some(a), Some(b)) => Some((a, b)),
                _ => None,
            },
        )
    }
}

/// A remote account's shared inbox, or its own.
pub(super) fn preferred_inbox(a: &Account) -> Option<String> {
    if a.is_local() {
        return None;
    }
    a.shared_inbox_url.clone().or_else(|| a.inbox_url.clone())
}

/// An activity embedded in another does not repeat the `@context`.
fn strip_context(mut v: Value) -> Value {
    if let Some(o) = v.as_object_mut() {
        o.remove("@context");
    }
    v
}

/// A plan for one remote account (`None` for a local one: nothing to send).
fn to_one(signer: Account, activity: Value, recipient: &Account) -> Option<Plan> {
    preferred_inbox(recipient).map(|inbox| Plan {
        signer,
        activity,
        inboxes: vec![inbox],
    })
}
