//! Flag: a member's report forwarded to other servers. Like Mastodon, it comes from the
//! instance actor, so the reporter stays anonymous; its object is the reported account and
//! statuses, its content the comment.

use serde_json::json;

use super::{Plan, preferred_inbox};
use crate::context::{FedResult, Federation};
use crate::documents;

/// `Flag` of a report's account and statuses, to the servers of `recipients`.
pub(super) async fn plan(fed: &Federation, report_id: i64, recipients: &[i64]) -> FedResult<Option<Plan>> {
    let Some(report) = fed.core.find_report(report_id).await? else {
        return Ok(None);
    };
    let Some(target) = fed.core.find_account(report.target_account_id).await? else {
        return Ok(None);
    };
    let found = fed.core.statuses_by_ids(&report.status_ids).await?;
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
        .unwrap_or_else(|| format!("{}/flags/report-{}", fed.base_url(), report.id));
    let signer = (*fed.instance_actor).clone();
    let mut activity = documents::activity(
        "Flag",
        &id,
        &signer.uri,
        json!(object),
        std::slice::from_ref(&target.uri),
        &[],
    );
    activity["content"] = json!(report.comment);
    let inboxes = fed
        .core
        .accounts_by_ids(recipients)
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
