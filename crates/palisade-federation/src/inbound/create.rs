//! Create of a Note (or Article, Page, Question): stored if it is the signer's.

use palisade_core::model::Account;
use serde_json::Value;

use crate::context::{FedError, FedResult, Federation};
use crate::vocab::{self, id_of};

pub async fn handle(fed: &Federation, signer: &Account, a: &Value) -> FedResult<()> {
    let object = a.get("object").unwrap_or(&Value::Null);
    match object {
        Value::Object(_) => {
            let author = id_of(object.get("attributedTo").unwrap_or(&Value::Null)).unwrap_or_default();
            if author != signer.uri {
                // Someone else's note inside our signer's Create: believe only its origin.
                let id = id_of(object).ok_or_else(|| FedError::Invalid("note without id".into()))?;
                fed.status_by_uri(&id, 0).await?;
                return Ok(());
            }
            // A vote in one of our polls is not a status.
            if fed.receive_vote(signer, object).await? {
                return Ok(());
            }
            fed.store_note(object, signer, 0).await?;
        }
        _ => {
            let id = id_of(object).ok_or_else(|| FedError::Invalid("Create without object".into()))?;
            if vocab::same_origin(&id, &signer.uri) {
                fed.status_by_uri(&id, 0).await?;
            }
        }
    }
    Ok(())
}
