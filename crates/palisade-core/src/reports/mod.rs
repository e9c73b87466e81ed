//! Reports: members report accounts (and their statuses) to the moderators here and, for
//! remote accounts, ask for the report to be forwarded to the servers concerned; moderators
//! list, read, resolve and reopen them, each action written to the audit log. Reports from
//! other servers arrive as Flag activities (`Core::receive_flag`).

mod admin;

use std::collections::HashSet;

use palisade_store::accounts::{self, Account};
use palisade_store::reports::{self as store, NewReport, Report};
use palisade_store::statuses;

use crate::auth::Viewer;
use crate::events::Event;
use crate::policy::normalize_domain;
use crate::views::ViewOptions;
use crate::{Core, Error, Result, Validation, secrets};

pub use admin::{AdminReport, StaffAccount};

pub const CATEGORIES: &[&str] = &["other", "spam", "legal", "violation"];

/// Mastodon's limit on a report's comment, in characters.
pub const MAX_COMMENT_CHARS: usize = 1000;

/// A member's report, as the client sent it (ids still unparsed).
#[derive(Clone, Debug, Default)]
pub struct ReportRequest {
    pub account_id: Option<String>,
    pub status_ids: Vec<String>,
    pub comment: Option<String>,
    pub forward: bool,
    /// `None`: the reported account's own domain (Mastodon's default).
    pub forward_to_domains: Option<Vec<String>>,
    pub category: Option<String>,
    pub rule_ids: Vec<String>,
}

impl Core {
    /// Files a report about an account; forwards it when asked and the account is remote.
    pub async fn create_report(&self, viewer: &Viewer, r: ReportRequest) -> Result<(Report, Account)> {
        let me = viewer.account()?;
        // Like Mastodon, a missing or unknown account is a 404.
        let target_id = r
            .account_id
            .as_deref()
            .and_then(|id| id.trim().parse::<i64>().ok())
            .ok_or_else(Error::not_found)?;
        let target = self.account(target_id).await?;
        let status_ids = self.reported_statuses(me, &target, &r.status_ids).await?;
        let comment = r.comment.clone().unwrap_or_default();
        let rule_ids: Vec<i64> = r
            .rule_ids
            .iter()
            .filter_map(|id| id.trim().parse().ok())
            .collect();
        // Citing rules makes a report a violation, whatever category was sent.
        let category = if r.rule_ids.is_empty() {
            r.category
                .clone()
                .filter(|c| !c.trim().is_empty())
                .unwrap_or_else(|| "other".into())
        } else {
            "violation".into()
        };
        let rules = self.settings.instance.rules.len() as i64;
        let mut v = Validation::default();
        v.check(
            comment.chars().count() <= MAX_COMMENT_CHARS,
            "comment",
            "ERR_TOO_LONG",
            "is too long (maximum is 1000 characters)",
        );
        v.check(
            CATEGORIES.contains(&category.as_str()),
            "category",
            "ERR_INCLUSION",
            "is not included in the list",
        );
        if category == "violation" {
            let valid = !rule_ids.is_empty()
                && rule_ids.len() == r.rule_ids.len()
                && rule_ids.iter().all(|id| (1..=rules).contains(id));
            v.check(valid, "rule_ids", "ERR_INVALID", "does not reference valid rules");
        }
        v.finish()?;

        let (to_origin, recipients) = self.forward_recipients(&r, &target, &status_ids).await?;
        let uri = format!("{}/flags/{}", self.settings.public_url, secrets::random_token(16));
        let mut tx = self.db.begin().await?;
        let id = store::insert_with_rules(
            &mut tx,
            &NewReport {
                account_id: me.id,
                target_account_id: target.id,
                status_ids: &status_ids,
                comment: &comment,
                category: &category,
                forwarded: to_origin,
                uri: Some(&uri),
            },
            if category == "violation" { &rule_ids } else { &[] },
        )
        .await?;
        if !recipients.is_empty() {
            self.emit(
                &mut tx,
                vec![Event::ReportForwarded {
                    report_id: id,
                    recipients,
                }],
            )
            .await?;
        }
        tx.commit().await?;
        let report = store::by_id(&self.db, id).await?.ok_or_else(Error::not_found)?;
        Ok((report, target))
    }

    /// The reported statuses: each must be the target's and visible to the reporter (422
    /// otherwise). Order kept, duplicates dropped.
    async fn reported_statuses(&self, me: &Account, target: &Account, ids: &[String]) -> Result<Vec<i64>> {
        let mut seen = HashSet::new();
        let mut wanted = Vec::new();
        for raw in ids {
            let id = raw.trim().parse::<i64>().map_err(|_| bad_statuses())?;
            if seen.insert(id) {
                wanted.push(id);
            }
        }
        let visible = self
            .status_views(Some(me), &wanted, ViewOptions::default())
            .await?;
        let ok: HashSet<i64> = visible
            .iter()
            .filter(|v| v.status.account_id == target.id)
            .map(|v| v.status.id)
            .collect();
        if wanted.iter().any(|id| !ok.contains(id)) {
            return Err(bad_statuses());
        }
        Ok(wanted)
    }

    /// Mastodon's forwarding rule: to the reported account's server when its domain is among
    /// `forward_to_domains` (the default), and to the servers of the remote accounts the
    /// reported statuses reply to, when their domains are listed. Other domains are ignored.
    /// Returns whether the origin gets it and the accounts whose servers do.
    async fn forward_recipients(
        &self,
        r: &ReportRequest,
        target: &Account,
        status_ids: &[i64],
    ) -> Result<(bool, Vec<i64>)> {
        let Some(target_domain) = target.domain.as_deref().and_then(normalize_domain) else {
            return Ok((false, Vec::new()));
        };
        if !r.forward {
            return Ok((false, Vec::new()));
        }
        let domains: HashSet<String> = match &r.forward_to_domains {
            Some(list) => list.iter().filter_map(|d| normalize_domain(d)).collect(),
            None => HashSet::from([target_domain.clone()]),
        };
        let to_origin = domains.contains(&target_domain);
        let mut recipients = Vec::new();
        if to_origin {
            recipients.push(target.id);
        }
        let replied: Vec<i64> = statuses::by_ids(&self.db, status_ids)
            .await?
            .iter()
            .filter_map(|s| s.in_reply_to_account_id)
            .collect();
        for a in accounts::by_ids(&self.db, &replied).await? {
            let listed = a
                .domain
                .as_deref()
                .and_then(normalize_domain)
                .is_some_and(|d| domains.contains(&d));
            if listed && a.id != target.id && !recipients.contains(&a.id) {
                recipients.push(a.id);
            }
        }
        Ok((to_origin, recipients))
    }
}

fn bad_statuses() -> Error {
    Error::field(
        "status_ids",
        "ERR_INVALID",
        "must be statuses of the reported account",
    )
}
