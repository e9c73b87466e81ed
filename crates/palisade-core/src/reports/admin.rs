//! Reports as moderators see them: listed, shown, resolved and reopened, each change
//! written to the audit log.

use std::collections::{HashMap, HashSet};

use palisade_store::accounts::{self, Account};
use palisade_store::domain_policies::{self as audit, NewAction};
use palisade_store::reports::{self as store, Filter, Report};
use palisade_store::users::{self, User};
use palisade_store::{Page, PageQuery};

use crate::views::{StatusView, ViewOptions};
use crate::{Core, Error, Result};

/// An account as moderators see it: with its user when local.
#[derive(Clone, Debug)]
pub struct StaffAccount {
    pub account: Account,
    pub user: Option<User>,
}

/// A report with everything the admin entity shows.
#[derive(Clone, Debug)]
pub struct AdminReport {
    pub report: Report,
    pub account: StaffAccount,
    pub target_account: StaffAccount,
    pub action_taken_by: Option<StaffAccount>,
    /// The reported statuses still here, whatever their visibility.
    pub statuses: Vec<StatusView>,
}

impl Core {
    /// A page of reports for moderators, newest first.
    pub async fn admin_reports(&self, filter: &Filter, page: &PageQuery) -> Result<Page<AdminReport>> {
        let rows = store::list(&self.db, filter, page).await?;
        let views = self
            .admin_views(rows.items.into_iter().map(|(_, r)| r).collect())
            .await?;
        // Pages are keyed by report id.
        Ok(Page {
            items: views.into_iter().map(|v| (v.report.id, v)).collect(),
        })
    }

    pub async fn admin_report(&self, id: i64) -> Result<AdminReport> {
        let report = store::by_id(&self.db, id).await?.ok_or_else(Error::not_found)?;
        self.admin_views(vec![report])
            .await?
            .pop()
            .ok_or_else(Error::not_found)
    }

    /// Resolves (`true`) or reopens a report, and writes it to the audit log.
    pub async fn set_report_resolved(
        &self,
        actor: Option<i64>,
        id: i64,
        resolved: bool,
    ) -> Result<AdminReport> {
        let mut tx = self.db.begin().await?;
        let before = store::by_id(&mut tx, id).await?.ok_or_else(Error::not_found)?;
        if resolved {
            store::resolve(&mut tx, id, actor).await?;
        } else {
            store::reopen(&mut tx, id).await?;
        }
        let after = store::by_id(&mut tx, id).await?.ok_or_else(Error::not_found)?;
        audit::log_action(
            &mut tx,
            &NewAction {
                account_id: actor,
                action: if resolved {
                    "resolve_report"
                } else {
                    "reopen_report"
                },
                target_type: "report",
                target: &id.to_string(),
                before_json: serde_json::to_string(&before).ok(),
                after_json: serde_json::to_string(&after).ok(),
            },
        )
        .await?;
        tx.commit().await?;
        self.admin_report(id).await
    }

    /// Loads the accounts, users and statuses of reports in a few queries per page.
    async fn admin_views(&self, reports: Vec<Report>) -> Result<Vec<AdminReport>> {
        let mut ids: HashSet<i64> = HashSet::new();
        for r in &reports {
            ids.extend([r.account_id, r.target_account_id]);
            ids.extend(r.action_taken_by);
        }
        let ids: Vec<i64> = ids.into_iter().collect();
        let mut staff: HashMap<i64, StaffAccount> = HashMap::new();
        for account in accounts::by_ids(&self.db, &ids).await? {
            let user = if account.is_local() {
                users::by_account_id(&self.db, account.id).await?
            } else {
                None
            };
            staff.insert(account.id, StaffAccount { account, user });
        }
        let mut out = Vec::with_capacity(reports.len());
        for report in reports {
            let (Some(account), Some(target_account)) = (
                staff.get(&report.account_id).cloned(),
                staff.get(&report.target_account_id).cloned(),
            ) else {
                continue;
            };
            // Seen as their author sees them: moderators read private statuses too.
            let mut statuses = self
                .status_views(
                    Some(&target_account.account),
                    &report.status_ids,
                    ViewOptions::default(),
                )
                .await?;
            for s in &mut statuses {
                s.viewer = None;
            }
            out.push(AdminReport {
                action_taken_by: report.action_taken_by.and_then(|id| staff.get(&id).cloned()),
                account,
                target_account,
                statuses,
                report,
            });
        }
        Ok(out)
    }
}
