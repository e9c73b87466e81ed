//! Settings kept in the database: the instance's domain, recorded on first start so that a
//! command run with another configuration cannot create accounts whose URIs point elsewhere;
//! and the federation settings admins change from the web (allowlist mode, who may read the
//! block list), which override the configuration file's once set.

use palisade_store::domain_policies::{self as audit, NewAction};
use palisade_store::instance_settings as store;

use crate::settings::BlocklistVisibility;
use crate::{Core, Error, Result};

const DOMAIN: &str = "domain";
const LIMITED: &str = "limited_federation";
const VISIBILITY: &str = "domain_blocks_visibility";

/// The federation settings in force.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FederationMode {
    pub limited_federation: bool,
    pub domain_blocks_visibility: BlocklistVisibility,
}

pub fn visibility_name(v: BlocklistVisibility) -> &'static str {
    match v {
        BlocklistVisibility::Everyone => "everyone",
        BlocklistVisibility::Users => "users",
        BlocklistVisibility::Nobody => "nobody",
    }
}

fn parse_visibility(s: &str) -> Option<BlocklistVisibility> {
    match s {
        "everyone" => Some(BlocklistVisibility::Everyone),
        "users" => Some(BlocklistVisibility::Users),
        "nobody" => Some(BlocklistVisibility::Nobody),
        _ => None,
    }
}

impl Core {
    /// Records this instance's domain if none is recorded; refuses to go on when the
    /// database belongs to another domain.
    pub async fn check_instance_domain(&self) -> Result<()> {
        let wanted = self.settings.domain.to_lowercase();
        let recorded = store::set_once(&self.db, DOMAIN, &wanted).await?;
        if recorded != wanted {
            return Err(Error::Forbidden(format!(
                "this database belongs to {recorded} (recorded when it was first used), but this command runs as {wanted}. \
                 Run it with the configuration `palisade serve` uses (the same palisade.toml, --config, \
                 PALISADE_DOMAIN or PALISADE_PUBLIC_URL); an instance cannot change its domain"
            )));
        }
        Ok(())
    }

    pub async fn federation_mode(&self) -> Result<FederationMode> {
        let m = &self.settings.moderation;
        Ok(FederationMode {
            limited_federation: match store::get(&self.db, LIMITED).await?.as_deref() {
                Some(v) => v == "true",
                None => m.limited_federation,
            },
            domain_blocks_visibility: store::get(&self.db, VISIBILITY)
                .await?
                .as_deref()
                .and_then(parse_visibility)
                .unwrap_or(m.domain_blocks_visibility),
        })
    }

    /// Changes the federation settings (an admin's action, audited).
    pub async fn set_federation_mode(&self, actor: Option<i64>, mode: FederationMode) -> Result<()> {
        let before = self.federation_mode().await?;
        let mut tx = self.db.begin().await?;
        store::set(
            &mut tx,
            LIMITED,
            if mode.limited_federation { "true" } else { "false" },
        )
        .await?;
        store::set(
            &mut tx,
            VISIBILITY,
            visibility_name(mode.domain_blocks_visibility),
        )
        .await?;
        let json = |m: &FederationMode| {
            serde_json::json!({
                "limited_federation": m.limited_federation,
                "domain_blocks_visibility": visibility_name(m.domain_blocks_visibility),
            })
            .to_string()
        };
        audit::log_action(
            &mut tx,
            &NewAction {
                account_id: actor,
                action: "update_federation_settings",
                target_type: "instance",
                target: &self.settings.domain,
                before_json: Some(json(&before)),
                after_json: Some(json(&mode)),
            },
        )
        .await?;
        tx.commit().await?;
        self.invalidate_policies();
        Ok(())
    }
}

/// `everyone`, `users` or `nobody`, from a form.
pub fn visibility_from(s: &str) -> Result<BlocklistVisibility> {
    parse_visibility(s).ok_or_else(|| {
        Error::field(
            "domain_blocks_visibility",
            "ERR_INVALID",
            "must be everyone, users or nobody",
        )
    })
}
