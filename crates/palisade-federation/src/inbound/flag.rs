//! Flag: a report from another server about our accounts or statuses, stored as a report.

use palisade_core::model::Account;
use serde_json::Value;

use crate::context::{FedResult, Federation};
use crate::vocab::{self, ids};

pub async fn handle(fed: &Federation, signer: &Account, a: &Value) -> FedResult<()> {
    // reject_reports: reports from that domain are accepted and dropped.
    if fed
        .core
        .policies()
        .await?
        .decide(palisade_core::policy::Boundary::Report, signer.domain.as_deref())
        != palisade_core::policy::Decision::Allow
    {
        return Ok(());
    }
    let objects = ids(a.get("object").unwrap_or(&Value::Null));
    let mut target = None;
    let mut status_ids = Vec::new();
    for id in &objects {
        if let Some(account) = fed.local_account(id).await? {
            target.get_or_insert(account.id);
        } else if let Some(s) = fed.core.status_by_uri(id).await?
            && s.local
        {
            target.get_or_insert(s.account_id);
            status_ids.push(s.id);
        }
    }
    let Some(target) = target else { return Ok(()) };
    let comment = vocab::text(a, "content").unwrap_or_default();
    let uri = vocab::id_of(a.get("id").unwrap_or(&Value::Null));
    fed.core
        .receive_flag(signer, target, &status_ids, &comment, uri.as_deref())
        .await?;
    Ok(())
}
