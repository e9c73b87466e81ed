//! Instance domain policies: blocks with a severity (noop, silence, suspend), allows, the
//! impact preview shown before a block is confirmed, suspensions that sever follows but purge
//! data only after a grace period (lifting in time restores what was severed), and the audit
//! log of every action. Enforcement is `policy::PolicySet`, consulted at each boundary.

use palisade_store::domain_policies::{self as store, DomainBlock, Impact, NewAction};
use palisade_store::{Severity, Tx, now_ms, severances};

use crate::policy::normalize_domain;
use crate::{Core, Error, Result};

/// A severity as an admin writes it, or the field error Mastodon gives.
pub fn parse_severity(s: &str) -> Result<Severity> {
    Severity::parse(s)
        .ok_or_else(|| Error::field("severity", "ERR_INVALID", "must be noop, silence or suspend"))
}

/// What an admin asks for. For a new block, what is not given takes Mastodon's defaults
/// (severity `silence`, flags off); for an existing one, it stays as it was.
#[derive(Clone, Debug, Default)]
pub struct BlockParams {
    pub domain: String,
    pub severity: Option<Severity>,
    pub reject_media: Option<bool>,
    pub reject_reports: Option<bool>,
    /// An empty comment clears it.
    pub private_comment: Option<String>,
    pub public_comment: Option<String>,
    pub obfuscate: Option<bool>,
    /// Seconds until the block lifts by itself; `0` removes an expiry.
    pub expires_in: Option<i64>,
}

impl BlockParams {
    /// `base` with these changes applied.
    pub(crate) fn applied_to(self, base: DomainBlock) -> Result<DomainBlock> {
        let severity = self.severity.unwrap_or(base.severity);
        let comment = |given: Option<String>, old: Option<String>| match given {
            Some(c) => Some(c.trim().to_owned()).filter(|c| !c.is_empty()),
            None => old,
        };
        Ok(DomainBlock {
            severity,
            reject_media: self.reject_media.unwrap_or(base.reject_media),
            reject_reports: self.reject_reports.unwrap_or(base.reject_reports),
            private_comment: comment(self.private_comment, base.private_comment.clone()),
            public_comment: comment(self.public_comment, base.public_comment.clone()),
            obfuscate: self.obfuscate.unwrap_or(base.obfuscate),
            expires_at: match self.expires_in {
                Some(s) if s > 0 => Some(now_ms().saturating_add(s.min(10 * 365 * 86_400) * 1000)),
                Some(_) => None,
                None => base.expires_at,
            },
            updated_at: now_ms(),
            ..base
        })
    }
}

/// The preview: what a block of `domain` at `severity` would touch.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Preview {
    pub domain: String,
    pub severity: Severity,
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
        // Clamped to ten years: a larger setting must not overflow into "purge at once".
        self.settings.moderation.suspension_grace_days.clamp(0, 3650) * 86_400_000
    }

    pub async fn preview_domain_block(&self, domain: &str, severity: Severity) -> Result<Preview> {
        let domain = normalize_domain(domain)
            .ok_or_else(|| Error::field("domain", "ERR_INVALID", "is not a valid domain"))?;
        let impact = store::impact(&self.db, &domain).await?;
        let existing = self.policies().await?.block_for(&domain).cloned();
        let days = self.settings.moderation.suspension_grace_days;
        let effects = match severity {
            Severity::Suspend => vec![
                format!("{} relationships end now: {} members follow accounts there, {} accounts there follow members", impact.relationships, impact.members_following, impact.followers_there),
                format!("{} members are told with a severed-relationships notice", impact.members_affected),
                format!("{} accounts and {} statuses from there are hidden at once and deleted after {days} days", impact.accounts, impact.statuses),
                format!("{} media files from there are no longer shown; their cached copies are deleted now", impact.media),
                "nothing is delivered there, nothing from there is accepted, its fetches are refused".into(),
                format!("lifting the suspension within {days} days restores what was hidden and the severed relationships"),
            ],
            Severity::Silence => vec![
                format!("{} statuses stay, visible only to followers of their authors", impact.statuses),
                "new follows from there need the member's approval; notifications only from followed accounts".into(),
            ],
            Severity::Noop => vec!["no change to federation (only the flags below apply)".into()],
        };
        Ok(Preview {
            domain,
            severity,
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
        if domain.eq_ignore_ascii_case(&self.settings.domain) {
            return Err(Error::field(
                "domain",
                "ERR_INVALID",
                "is this server's own domain",
            ));
        }
        let blank = DomainBlock {
            id: 0,
            domain: domain.clone(),
            severity: Severity::Silence,
            reject_media: false,
            reject_reports: false,
            private_comment: None,
            public_comment: None,
            obfuscate: false,
            expires_at: None,
            severance_event_id: None,
            created_at: now_ms(),
            updated_at: now_ms(),
        };
        let block = p.applied_to(blank)?;
        if let Some(existing) = self.policies().await?.block_for(&domain)
            && (existing.domain == domain || existing.severity >= block.severity)
        {
            return Err(Error::invalid(format!(
                "Validation failed: {} already has a {} block ({})",
                existing.domain, existing.severity, existing.id
            )));
        }
        self.save_domain_block(actor, None, block).await
    }

    pub async fn update_domain_block(
        &self,
        actor: Option<i64>,
        id: i64,
        p: BlockParams,
    ) -> Result<DomainBlock> {
        let before = self.domain_block(id).await?;
        let after = p.applied_to(before.clone())?;
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
        let was_suspension = before.as_ref().is_some_and(|b| b.severity == Severity::Suspend);
        if was_suspension && block.severity != Severity::Suspend {
            // Lifting a suspension to a milder block restores what it severed, as deleting does.
            if let Some(before) = &before {
                self.restore_severed(&mut tx, before).await?;
            }
            block.severance_event_id = None;
        }
        if block.severity == Severity::Suspend && !was_suspension {
            // Every tie cut at once (set-based), each member told; nothing is sent there.
            let event = severances::create_event(&mut tx, "domain_block", &block.domain).await?;
            for loss in palisade_store::suspensions::sever_all(&mut tx, &block.domain, event).await? {
                severances::add_member(&mut tx, loss.member, event, loss.followers, loss.following).await?;
                crate::notifications::notify_severed(self, &mut tx, loss.member, event).await?;
            }
            block.severance_event_id = Some(event);
        }
        let refused_media = |b: &DomainBlock| b.severity == Severity::Suspend || b.reject_media;
        if refused_media(&block) && !before.as_ref().is_some_and(refused_media) {
            // Its cached files go now (nothing of it is shown any more); they would be
            // fetched again on demand if the block is lifted.
            let job = crate::media::MediaJob::ClearDomain {
                domain: block.domain.clone(),
            };
            self.enqueue_media_job(&mut tx, &job).await?;
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
        self.lift(actor, &block, "delete_domain_block").await
    }

    /// Lifts blocks whose expiry has passed, as if an admin removed them (the policy already
    /// ignores them; this restores what a lapsed suspension severed, and stops its purge).
    pub async fn lift_lapsed_blocks(&self) -> Result<usize> {
        let now = now_ms();
        let lapsed: Vec<DomainBlock> = store::blocks(&self.db)
            .await?
            .into_iter()
            .filter(|b| b.expires_at.is_some_and(|e| e <= now))
            .collect();
        for b in &lapsed {
            self.lift(None, b, "expire_domain_block").await?;
        }
        Ok(lapsed.len())
    }

    async fn lift(&self, actor: Option<i64>, block: &DomainBlock, action: &str) -> Result<Lifted> {
        let mut tx = self.db.begin().await?;
        let lifted = self.restore_severed(&mut tx, block).await?;
        store::delete_block(&mut tx, block.id).await?;
        log(
            &mut tx,
            actor,
            action,
            "domain_block",
            &block.domain,
            Some(block),
            None::<&()>,
        )
        .await?;
        tx.commit().await?;
        self.invalidate_policies();
        Ok(lifted)
    }

    /// When a suspension is lifted (deleted or made milder) within its grace period, the
    /// follows it severed come back (both accounts still here, no block between them).
    async fn restore_severed(&self, tx: &mut Tx, block: &DomainBlock) -> Result<Lifted> {
        let mut lifted = Lifted::default();
        let Some(event) = block
            .severance_event_id
            .filter(|_| block.severity == Severity::Suspend)
        else {
            return Ok(lifted);
        };
        // What counts is whether the purge ran, not the clock: a suspension lifted after its
        // grace period but before the worker's next purge still restores.
        lifted.purged = severances::is_purged(&mut *tx, event).await?;
        if lifted.purged {
            return Ok(lifted);
        }
        // Set-based, like severing: the follows whose accounts are both still here, with no
        // block between them and no domain block of the member's own covering the other.
        lifted.restored_relationships =
            palisade_store::suspensions::restore_all(tx, event, crate::timelines::BACKFILL).await?;
        Ok(lifted)
    }

    /// Whether a suspension is older than the grace period (counted from when it became a
    /// suspension: its severance event).
    fn grace_over(&self, block: &DomainBlock) -> bool {
        let since = block
            .severance_event_id
            .map_or(block.created_at, palisade_store::ids::id_time);
        now_ms() - since > self.grace_ms()
    }

    /// Purges suspended domains whose grace period has ended; returns how many accounts went.
    pub async fn purge_expired_suspensions(&self) -> Result<u64> {
        let mut purged = 0;
        for b in store::blocks(&self.db).await? {
            let lapsed = b.expires_at.is_some_and(|e| e <= now_ms());
            if b.severity == Severity::Suspend && !lapsed && self.grace_over(&b) {
                // Files first (queued, durable), then the records with the accounts.
                self.forget_domain_media(&b.domain).await?;
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
    tx: &mut Tx,
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
