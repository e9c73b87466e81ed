//! What the admin pages show and do beyond the API's lists: a peer's last seven days by day
//! and outcome (for the chart), and staff actions that are written to the audit log: actions
//! on a peer's deliveries, sign-up approvals, forwarding a report.

use std::collections::BTreeMap;

use palisade_store::domain_policies::{self as audit, NewAction};
use palisade_store::{Tx, domain_views, peers, reports, users};

use crate::events::Event;
use crate::{Core, Error, Result};

/// One day of a peer's traffic.
#[derive(Clone, Debug, Default)]
pub struct DayFigures {
    /// Start of the day (ms, UTC).
    pub day: i64,
    pub delivered: i64,
    /// Failed deliveries by failure class (`tls`, `connect`, `http_5xx`…).
    pub failed: BTreeMap<String, i64>,
    pub inbound: i64,
}

/// The actions an admin may take on a peer's deliveries.
pub const PEER_ACTIONS: &[&str] = &["retry", "clear_failures", "pause", "resume"];

async fn log(
    tx: &mut Tx,
    actor: Option<i64>,
    action: &str,
    kind: &str,
    target: &str,
    after: Option<String>,
) -> Result<()> {
    audit::log_action(
        &mut *tx,
        &NewAction {
            account_id: actor,
            action,
            target_type: kind,
            target,
            before_json: None,
            after_json: after,
        },
    )
    .await?;
    Ok(())
}

impl Core {
    /// The last seven days (today included) of a peer, oldest first, one entry per day.
    pub async fn peer_week(&self, domain: &str) -> Result<Vec<DayFigures>> {
        let domain = domain.trim().to_lowercase();
        let this_hour = peers::this_hour();
        let today = this_hour / 24;
        let first_day = today - 6;
        let mut days: Vec<DayFigures> = (first_day..=today)
            .map(|d| DayFigures {
                day: d * 86_400_000,
                ..Default::default()
            })
            .collect();
        for (hour, outcome, n) in domain_views::peer_hours(&self.db, &domain, first_day * 24).await? {
            let Some(day) = days.get_mut(((hour / 24) - first_day) as usize) else {
                continue;
            };
            if outcome == "delivered" {
                day.delivered += n;
            } else if outcome == "inbound" {
                day.inbound += n;
            } else if let Some(class) = outcome.strip_prefix("failed:") {
                *day.failed.entry(class.to_owned()).or_default() += n;
            } else if outcome == "failed" {
                *day.failed.entry("other".into()).or_default() += n;
            }
        }
        Ok(days)
    }

    /// `retry`, `clear_failures`, `pause` or `resume` on a peer, audited. Returns what
    /// happened, in words.
    pub async fn act_on_peer(&self, actor: Option<i64>, domain: &str, action: &str) -> Result<String> {
        let domain = domain.trim().to_lowercase();
        let said = match action {
            "retry" => format!(
                "{} queued deliveries are due now",
                self.retry_peer_now(&domain).await?
            ),
            "clear_failures" => {
                self.clear_peer_failures(&domain).await?;
                "failures forgotten".into()
            }
            "pause" => {
                self.pause_peer(&domain, true).await?;
                "deliveries paused".into()
            }
            "resume" => {
                self.pause_peer(&domain, false).await?;
                "deliveries resumed".into()
            }
            _ => return Err(Error::not_found()),
        };
        let mut tx = self.db.begin().await?;
        let after =
            serde_json::json!({ "result": said, "queue": crate::jobs::Queue::Deliver.name() }).to_string();
        log(
            &mut tx,
            actor,
            &format!("{action}_peer"),
            "peer",
            &domain,
            Some(after),
        )
        .await?;
        tx.commit().await?;
        Ok(said)
    }

    /// Sign-ups waiting for approval, oldest first: (user, username).
    pub async fn pending_sign_ups(&self) -> Result<Vec<(users::User, String)>> {
        let mut list: Vec<_> = users::list(&self.db)
            .await?
            .into_iter()
            .filter(|(u, _)| !u.approved)
            .collect();
        list.sort_by_key(|(u, _)| u.created_at);
        Ok(list)
    }

    /// Approves (or, with `approve` false, deletes) a waiting sign-up; audited.
    pub async fn decide_sign_up(&self, actor: Option<i64>, user_id: i64, approve: bool) -> Result<()> {
        let (user, name) = self
            .pending_sign_ups()
            .await?
            .into_iter()
            .find(|(u, _)| u.id == user_id)
            .ok_or_else(Error::not_found)?;
        let mut tx = self.db.begin().await?;
        if approve {
            users::set_approved(&mut tx, user.id, true).await?;
        } else {
            users::delete_unapproved(&mut tx, user.id).await?;
        }
        let action = if approve { "approve_user" } else { "reject_user" };
        log(
            &mut tx,
            actor,
            action,
            "user",
            &name,
            Some(serde_json::json!({"email": user.email}).to_string()),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Forwards a report about a remote account to its server (from the instance actor, as
    /// a member's forward is); audited. 422 for a local account or a report already forwarded.
    pub async fn forward_report(&self, actor: Option<i64>, id: i64) -> Result<()> {
        let report = self.admin_report(id).await?;
        if report.target_account.account.is_local() {
            return Err(Error::invalid(
                "The reported account is local: there is no server to forward to",
            ));
        }
        if report.report.forwarded {
            return Err(Error::invalid("This report was already forwarded"));
        }
        let mut tx = self.db.begin().await?;
        reports::set_forwarded(&mut tx, id).await?;
        self.emit(
            &mut tx,
            vec![Event::ReportForwarded {
                report_id: id,
                recipients: vec![report.target_account.account.id],
            }],
        )
        .await?;
        let target = report.target_account.account.domain.clone().unwrap_or_default();
        log(
            &mut tx,
            actor,
            "forward_report",
            "report",
            &id.to_string(),
            Some(serde_json::json!({"to": target}).to_string()),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
