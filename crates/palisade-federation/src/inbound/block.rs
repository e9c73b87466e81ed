//! Block of one of our accounts.

use palisade_core::model::Account;
use serde_json::Value;

use super::object_id;
use crate::context::{FedResult, Federation};

pub async fn handle(fed: &Federation, signer: &Account, a: &Value, on: bool) -> FedResult<()> {
    if let Some(target) = fed.local_account(&object_id(a)?).await? {
        fed.core.receive_block(signer, target.id, on).await?;
    }
    Ok(())
}
