//! Announce (a boost) of a status, fetched from its origin when we do not know it.

use palisade_core::model::Account;
use palisade_core::model::Visibility;
use serde_json::Value;

use super::object_id;
use crate::context::{FedResult, Federation};
use crate::vocab::{self, id_of};

pub async fn handle(fed: &Federation, signer: &Account, a: &Value) -> FedResult<()> {
    let Some(id) = id_of(a.get("id").unwrap_or(&Value::Null)) else {
        return Ok(());
    };
    let original = fed.status_by_uri(&object_id(a)?, 0).await?;
    let (to, cc) = vocab::audience(a);
    let visibility = if to.iter().any(|x| vocab::is_public(x)) {
        Visibility::Public
    } else if cc.iter().any(|x| vocab::is_public(x)) {
        Visibility::Unlisted
    } else {
        Visibility::Private
    };
    let published = vocab::timestamp_ms(a, "published").unwrap_or_else(palisade_core::model::now_ms);
    fed.core
        .receive_boost(signer, &original, &id, published, visibility)
        .await?;
    Ok(())
}
