//! Flag: a member's report forwarded to other servers. Like Mastodon, it comes from the
//! instance actor, so the reporter stays anonymous; its object is the reported account and
//! statuses, its content the comment.

use palisade_core::store::{accounts, reports, statuses};
use serde_json::json;

use super::plan::{Plan, preferred_inbox};
use crate::context::{FedResult, Federation};
use crate::documents;

impl Federation {
    pub(super) async fn plan_flag(&self, report_id: i64, recipients: &[i64]) -> FedResult<Option<Plan>> {
        let db = &self.core.db;
        let Some(report) = reports::by_id(db, report_id).await? else {
            return Ok(None);
        };
        let Some(target) = accounts::by_id(db, report.target_account_id).await? else {
            return Ok(None);
        };
        let found = statuses::by_ids(db, &report.status_ids).await?;
        let mut object = vec![target.uri.clone()];
        // In the order reported; deleted statuses are left out.
        object.extend(
            report
                .status_ids
                .iter()
                .filter_map(|id| found.iter().find(|s| s.id == *id))
                .map(|s| s.uri.clone()),
        );
        let id = report
            .uri
            .clone()
            .unwrap_or_else(|| format!("{}/flags/report-{}", self.base_url(), report.id));
        let signer = (*self.instance_actor).clone();
        let mut activity = documents::activity(
            "Flag",
            &id,
            &signer.uri,
            json!(object),
            std::slice::from_ref(&target.uri),
            &[],
        );
        activity["content"] = json!(report.comment);
        let inboxes = accounts::by_ids(db, recipients)
            .await?
            .iter()
            .filter_map(preferred_inbox)
            .collect();
        Ok(Some(Plan {
            signer,
            activity,
            inboxes,
        }))
    }
}
