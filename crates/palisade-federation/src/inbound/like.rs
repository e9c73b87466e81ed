//! Like of one of our statuses (a favourite).

use palisade_core::model::Account;
use serde_json::Value;

use super::object_id;
use crate::context::{FedResult, Federation};

pub async fn handle(fed: &Federation, signer: &Account, a: &Value, on: bool) -> FedResult<()> {
    if let Some(status) = fed.core.status_by_uri(&object_id(a)?).await? {
        fed.core.receive_favourite(signer, &status, on).await?;
    }
    Ok(())
}
