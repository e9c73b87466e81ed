//! Accepting a delivery: the signature verifies (fetching the key, or re-fetching it once
//! when it may have rotated), the signer is the activity's actor, and the activity is stored
//! as a job before the 202 (committed together with other deliveries arriving at the same
//! moment). Processing happens in the inbound runner.

use std::time::SystemTime;

use palisade_core::jobs::Arrival;
use palisade_core::model::Account;
use palisade_core::policy::Boundary;
use serde_json::Value;

use crate::context::{FedError, FedResult, Federation};
use crate::signatures::{self, SignedRequest};
use crate::vocab::{self, id_of, kind};

/// What the inbox job carries.
#[derive(serde::Serialize, serde::Deserialize)]
pub struct InboundJob {
    pub activity: Value,
    /// The account that signed the delivery.
    pub signer_id: i64,
}

impl Federation {
    /// Verifies a signed request; returns the account that signed it.
    pub async fn verify_request(&self, req: &SignedRequest<'_>) -> FedResult<Account> {
        let found = signatures::inspect(req, SystemTime::now())?;
        // A suspended (or, in allowlist mode, unlisted) domain is refused before any key fetch.
        self.refuse_signer_domain(&found.key_id).await?;
        let (key, signer) = self.public_key(&found.key_id, false).await.map_err(|e| {
            FedError::Signature(signatures::SigError::Invalid(format!("{} ({e})", found.key_id)))
        })?;
        let strength = self.config.key_strength;
        let signer = match signatures::verify(req, &found, &key, strength) {
            Ok(()) => signer,
            Err(_) => {
                // The actor may have rotated its key: fetch it once more.
                let (key, signer) = self.public_key(&found.key_id, true).await.map_err(|e| {
                    FedError::Signature(signatures::SigError::Invalid(format!("{} ({e})", found.key_id)))
                })?;
                signatures::verify(req, &found, &key, strength)?;
                signer
            }
        };
        Ok(signer)
    }

    /// Refuses a request signed with a key of a domain the instance does not accept. Cheap
    /// (no key fetch), so public GETs use it too: a suspended server that signs its fetches
    /// is turned away even without authorized fetch.
    pub async fn refuse_signer_domain(&self, key_id: &str) -> FedResult<()> {
        let key_domain = vocab::host_of(key_id);
        let policies = self.core.policies().await?;
        if !policies.refused(Boundary::Inbound, key_domain.as_deref()) {
            return Ok(());
        }
        // Counted under the block's own domain: the key's host is the requester's to make up
        // (and in allowlist mode, unlisted names are not counted at all).
        if let Some(block) = key_domain.as_deref().and_then(|d| policies.block_for(d)) {
            self.core.count_peer(&block.domain, "refused");
        }
        Err(FedError::Refused(format!(
            "{} is not accepted here",
            key_domain.unwrap_or_default()
        )))
    }

    /// Verifies and queues a delivery. `Ok(false)`: a duplicate, accepted and ignored.
    pub async fn accept_delivery(&self, req: &SignedRequest<'_>) -> FedResult<bool> {
        let signer = self.verify_request(req).await?;
        let activity: Value = serde_json::from_slice(req.body)
            .map_err(|e| FedError::Invalid(format!("the body is not JSON: {e}")))?;
        if !activity.is_object() || kind(&activity).is_empty() {
            return Err(FedError::Invalid("the body is not an activity".into()));
        }
        let actor = id_of(activity.get("actor").unwrap_or(&Value::Null))
            .ok_or_else(|| FedError::Invalid("the activity has no actor".into()))?;
        if actor != signer.uri {
            return Err(FedError::Signature(signatures::SigError::Invalid(format!(
                "{} signed an activity of {actor}",
                signer.uri
            ))));
        }
        if let Some(domain) = signer.domain.as_deref() {
            self.core.peer_alive(domain);
            self.core.count_peer(domain, "inbound");
        }
        let activity_id = id_of(activity.get("id").unwrap_or(&Value::Null));
        if let Some(id) = &activity_id
            && !vocab::same_origin(id, &actor)
        {
            return Err(FedError::Invalid(format!(
                "the activity id {id} is not on the actor's server"
            )));
        }
        let ordering_key = ordering_key(&activity);
        let job = InboundJob {
            activity,
            signer_id: signer.id,
        };
        let payload = serde_json::to_string(&job).map_err(|e| FedError::Invalid(e.to_string()))?;
        Ok(self
            .core
            .accept_inbound(Arrival {
                activity_id,
                payload,
                ordering_key,
            })
            .await?)
    }
}

/// Activities about the same object are applied in the order they arrived: an Update or
/// Delete after its Create, an Undo after what it undoes. Create, Update, Delete, Undo,
/// Accept and Reject are keyed by their object; anything else by its own id (which is what
/// an Undo or Accept names as its object).
pub fn ordering_key(activity: &Value) -> Option<String> {
    match kind(activity).as_str() {
        "Create" | "Update" | "Delete" | "Undo" | "Accept" | "Reject" => {
            id_of(activity.get("object").unwrap_or(&Value::Null))
        }
        _ => id_of(activity.get("id").unwrap_or(&Value::Null)),
    }
}
