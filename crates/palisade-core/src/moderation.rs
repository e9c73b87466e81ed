//! Instance domain policies: blocks with a severity (noop, silence, suspend), allows, the
//! impact preview shown before a block is confirmed, suspensions that sever follows but purge
//! data only after a grace period (lifting in time restores what was severed), and the audit
//! log of every action. Enforcement is `policy::PolicySet`, consulted at each boundary.

use palisade_store::domain_policies::{self as store, DomainBlock, Impact, NewAction};
use palisade_store::{now_ms, relationships as rel, severances};

use crate::domain_blocks::Severance;
use crate::policy::normalize_domain;
use crate::{Core, Error, Result};

pub const SEVERITIES: &[&str] = &["noop", "silence", "suspend"];

fn rank(severity: &str) -> usize {
    SEVERITIES.iter().position(|s| *s == severity).unwrap_or(0)
}

/// Whether a block of `existing` severity is at least as strict as `wanted`.
pub fn stricter_or_equal(existing: &str, wanted: &str) -> bool {
    rank(existing) >= rank(wanted)
}

/// What an admin asks for.
#[derive(Clone, Debug, Default)]
pub struct BlockParams {
    pub domain: String,
    pub severity: String,
    pub reject_media: bool,
    pub reject_reports: bool,
    pub private_comment: Option<String>,
    pub public_comment: Option<String>,
    pub obfuscate: bool,
    /// Seconds until the block lifts by itself.
    pub expires_in: Option<i64>,
}

/// The preview: what a block of `domain` at `severity` would touch.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Preview {
    pub domain: String,
    pub severity: String,
    pub impact: Impact,
    /// The block in force for this domain now (itself or a parent), if any.
    pub existing: Option<DomainBlock>,
    /// In words, what will happen.
    pub effects: Vec<String>,
}

/// What lifting a block did.
#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct Lifted {
    pub restored_relationships: usize,
    pub purged: bool,
}

impl Core {
    fn grace_ms(&self) -> i64 {
        self.settings.moderation.suspension_grace_days.max(0) * 86_400_000
    }

    pub async fn preview_domain_block(&self, domain: &str, severity: &str) -> Result<Preview> {
        let domain = normalize_domain(domain)
            .ok_or_else(|| Error::field("domain", "ERR_INVALID", "is not a valid domain"))?;
        if !SEVERITIES.contains(&severity) {
            return Err(Error::field(
                "severity",
                "ERR_INVALID",
                "must be noop, silence or suspend",
            ));
        }
        let impact = store::impact(&self.db, &domain).await?;
        let existing = self.policies().await?.block_for(&domain).cloned();
        let days = self.settings.moderation.suspension_grace_days;
        let effects = match severity {
            "suspend" => vec![
                format!("{} relationships end now: {} members follow accounts there, {} accounts there follow members", impact.relationships, impact.members_following, impact.followers_there),
                format!("{} members are told with a severed-relationships notice", impact.members_affected),
                format!("{} accounts and {} statuses from there are hidden at once and deleted after {days} days", impact.accounts, impact.statuses),
                "nothing is delivered there, nothing from there is accepted, its fetches are refused".into(),
                format!("lifting the suspension within {days} days restores what was hidden and the severed relationships"),
            ],
            "silence" => vec![
                format!("{} statuses stay, visible only to followers of their authors", impact.statuses),
                "new follows from there need the member's approval; notifications only from followed accounts".into(),
            ],
            _ => vec!["no change to federation (only the flags below apply)".into()],
        };
        Ok(Preview {
            domain,
            severity: severity.to_owned(),
            impact,
            existing,
            effects,
        })
    }

    pub async fn domain_blocks_admin(&self) -> Result<Vec<DomainBlock>> {
        let mut list = store::blocks(&self.db).await?;
        list.sort_by(|a, b| a.domain.cmp(&b.domain));
        Ok(list)
    }

    pub async fn domain_block(&self, id: i64) -> Result<DomainBlock> {
        store::block_by_id(&self.db, id)
            .await?
            .ok_or_else(Error::not_found)
    }

    /// Blocks a domain. 422 when it already has a block, or a parent domain has one at
    /// least as strict (as Mastodon's admin API answers).
    pub async fn create_domain_block(&self, actor: Option<i64>, p: BlockParams) -> Result<DomainBlock> {
        let domain = normalize_domain(&p.domain)
            .ok_or_else(|| Error::field("domain", "ERR_INVALID", "is not a valid domain"))?;
        if !SEVERITIES.contains(&p.severity.as_str()) {
            return Err(Error::field(
                "severity",
                "ERR_INVALID",
                "must be noop, silence or suspend",
            ));
        }
        if let Some(existing) = self.policies().await?.block_for(&domain)
            && (existing.domain == domain || rank(&existing.severity) >= rank(&p.severity))
        {
            return Err(Error::invalid(format!(
                "Validation failed: {} already has a {} block ({})",
                existing.domain, existing.severity, existing.id
            )));
        }
        let block = DomainBlock {
            id: 0,
            domain,
            severity: p.severity.clone(),
            reject_media: p.reject_media,
            reject_reports: p.reject_reports,
            private_comment: p.private_comment.filter(|c| !c.trim().is_empty()),
            public_comment: p.public_comment.filter(|c| !c.trim().is_empty()),
            obfuscate: p.obfuscate,
            expires_at: p
                .expires_in
                .filter(|s| *s > 0)
                .map(|s| now_ms().saturating_add(s.min(10 * 365 * 86_400) * 1000)),
            severance_event_id: None,
            created_at: now_ms(),
            updated_at: now_ms(),
        };
        self.save_domain_block(actor, None, block).await
    }

    pub async fn update_domain_block(
        &self,
        actor: Option<i64>,
        id: i64,
        p: BlockParams,
    ) -> Result<DomainBlock> {
        let before = self.domain_block(id).await?;
        if !SEVERITIES.contains(&p.severity.as_str()) {
            return Err(Error::field(
                "severity",
                "ERR_INVALID",
                "must be noop, silence or suspend",
            ));
        }
        let after = DomainBlock {
            severity: p.severity,
            reject_media: p.reject_media,
            reject_reports: p.reject_reports,
            private_comment: p.private_comment.filter(|c| !c.trim().is_empty()),
            public_comment: p.public_comment.filter(|c| !c.trim().is_empty()),
            obfuscate: p.obfuscate,
            expires_at: p
                .expires_in
                .filter(|s| *s > 0)
                .map(|s| now_ms().saturating_add(s.min(10 * 365 * 86_400) * 1000)),
            ..before.clone()
        };
        self.save_domain_block(actor, Some(before), after).await
    }

    /// Writes a block, severs follows when it becomes a suspension, logs the action.
    async fn save_domain_block(
        &self,
        actor: Option<i64>,
        before: Option<DomainBlock>,
        mut block: DomainBlock,
    ) -> Result<DomainBlock> {
        let mut tx = self.db.begin().await?;
        let becomes_suspension =
            block.severity == "suspend" && before.as_ref().is_none_or(|b| b.severity != "suspend");
        if becomes_suspension {
            let event = severances::create_event(&mut tx, "domain_block", &block.domain).await?;
            for member in store::members_tied(&mut tx, &block.domain).await? {
                self.sever_domain(&mut tx, member, &block.domain, Severance::Shared(event))
                    .await?;
            }
            block.severance_event_id = Some(event);
        }
        let id = store::save_block(&mut tx, &block).await?;
        let action = if before.is_some() {
            "update_domain_block"
        } else {
            "create_domain_block"
        };
        let saved = store::block_by_id(&mut tx, id)
            .await?
            .ok_or_else(Error::not_found)?;
        log(
            &mut tx,
            actor,
            action,
            "domain_block",
            &saved.domain,
            before.as_ref(),
            Some(&saved),
        )
        .await?;
        tx.commit().await?;
        self.invalidate_policies();
        Ok(saved)
    }

    /// Lifts a block. A suspension lifted within its grace period restores the follows it
    /// severed (both accounts still here, no block between them); later, data was purged.
    pub async fn delete_domain_block(&self, actor: Option<i64>, id: i64) -> Result<Lifted> {
        let block = self.domain_block(id).await?;
        let mut tx = self.db.begin().await?;
        let mut lifted = Lifted::default();
        if block.severity == "suspend"
            && let Some(event) = block.severance_event_id
        {
            lifted.purged = now_ms() - block.created_at > self.grace_ms();
            if !lifted.purged {
                for f in severances::severed(&mut tx, event).await? {
                    if rel::blocked_either_way(&mut tx, f.account_id, f.target_account_id).await? {
                        continue;
                    }
                    let restored = palisade_store::relationships::Follow {
                        id: palisade_store::ids::new_id(),
                        ..f
                    };
                    self.establish_follow(&mut tx, &restored).await?;
                    lifted.restored_relationships += 1;
                }
            }
        }
        store::delete_block(&mut tx, id).await?;
        log(
            &mut tx,
            actor,
            "delete_domain_block",
            "domain_block",
            &block.domain,
            Some(&block),
            None::<&()>,
        )
        .await?;
        tx.commit().await?;
        self.invalidate_policies();
        Ok(lifted)
    }

    /// Purges suspended domains whose grace period has ended; returns how many accounts went.
    pub async fn purge_expired_suspensions(&self) -> Result<u64> {
        let mut purged = 0;
        for b in store::blocks(&self.db).await? {
            if b.severity == "suspend" && now_ms() - b.created_at > self.grace_ms() {
                purged += store::purge_domain(&self.db, &b.domain).await?;
                if let Some(event) = b.severance_event_id {
                    severances::mark_purged(&self.db, event).await?;
                }
            }
        }
        Ok(purged)
    }

    pub async fn domain_allows(&self) -> Result<Vec<(i64, String, i64)>> {
        Ok(store::allows(&self.db).await?)
    }

    pub async fn allow_domain(&self, actor: Option<i64>, domain: &str) -> Result<(i64, String, i64)> {
        let domain = normalize_domain(domain)
            .ok_or_else(|| Error::field("domain", "ERR_INVALID", "is not a valid domain"))?;
        let mut tx = self.db.begin().await?;
        let id = store::add_allow(&mut tx, &domain).await?;
        log(
            &mut tx,
            actor,
            "create_domain_allow",
            "domain_allow",
            &domain,
            None::<&()>,
            Some(&domain),
        )
        .await?;
        tx.commit().await?;
        self.invalidate_policies();
        store::allows(&self.db)
            .await?
            .into_iter()
            .find(|a| a.0 == id)
            .ok_or_else(Error::not_found)
    }

    pub async fn disallow_domain(&self, actor: Option<i64>, id: i64) -> Result<()> {
        let mut tx = self.db.begin().await?;
        let domain = store::delete_allow(&mut tx, id)
            .await?
            .ok_or_else(Error::not_found)?;
        log(
            &mut tx,
            actor,
            "delete_domain_allow",
            "domain_allow",
            &domain,
            Some(&domain),
            None::<&()>,
        )
        .await?;
        tx.commit().await?;
        self.invalidate_policies();
        Ok(())
    }

    pub async fn audit_log(&self, limit: i64, max_id: Option<i64>) -> Result<Vec<store::AdminAction>> {
        Ok(store::actions(&self.db, limit.clamp(1, 200), max_id).await?)
    }
}

async fn log<B: serde::Serialize + ?Sized, A: serde::Serialize + ?Sized>(
    tx: &mut palisade_store::Tx,
    actor: Option<i64>,
    action: &str,
    target_type: &str,
    target: &str,
    before: Option<&B>,
    after: Option<&A>,
) -> Result<()> {
    store::log_action(
        &mut *tx,
        &NewAction {
            account_id: actor,
            action,
            target_type,
            target,
            before_json: before.and_then(|b| serde_json::to_string(b).ok()),
            after_json: after.and_then(|a| serde_json::to_string(a).ok()),
        },
    )
    .await?;
    Ok(())
}
