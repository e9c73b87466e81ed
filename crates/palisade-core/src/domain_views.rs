//! What a member sees about one domain in the web interface: the block prompt with the
//! names of whom a block would cut off, the per-domain summary, the accounts known there,
//! and the accounts a severance took (Mastodon's CSV downloads).

use std::collections::HashMap;

use palisade_store::accounts::Account;
use palisade_store::{accounts, domain_blocks as blocks, domain_views as store, peers, severances};

use crate::accounts::acct;
use crate::auth::Viewer;
use crate::domain_blocks::BlockPreview;
use crate::policy::{Boundary, MemberBlocks, normalize_domain};
use crate::{Core, Error, Result};

/// The block prompt: the deduplicated counts of the preview and the accounts behind them.
#[derive(Clone, Debug)]
pub struct BlockPrompt {
    pub domain: String,
    pub counts: BlockPreview,
    /// Accounts there the member follows (they will be unfollowed).
    pub following: Vec<Account>,
    /// Accounts there that follow the member (they will be removed).
    pub followers: Vec<Account>,
    /// Follow requests either way that will be withdrawn or refused.
    pub pending_requests: usize,
    pub already_blocked: bool,
}

/// A member's ties with one domain.
#[derive(Clone, Debug)]
pub struct DomainSummary {
    pub domain: String,
    pub following: Vec<Account>,
    pub followers: Vec<Account>,
    pub blocked: bool,
    /// When a post or notification from there last reached the member (ms).
    pub last_heard: Option<i64>,
    /// When the instance last heard from the domain (ms).
    pub instance_last_seen: Option<i64>,
    pub accounts_known: i64,
}

fn domain_of(input: &str) -> Result<String> {
    normalize_domain(input).ok_or_else(|| Error::field("domain", "ERR_INVALID", "is not a valid domain"))
}

/// `ids` as accounts, in that order.
async fn in_order(core: &Core, ids: &[i64]) -> Result<Vec<Account>> {
    let mut by_id: HashMap<i64, Account> = accounts::by_ids(&core.db, ids)
        .await?
        .into_iter()
        .map(|a| (a.id, a))
        .collect();
    Ok(ids.iter().filter_map(|id| by_id.remove(id)).collect())
}

impl Core {
    /// The accounts on each side of a member's follows with a domain, by handle.
    async fn ties_named(&self, member: i64, domain: &str) -> Result<(Vec<Account>, Vec<Account>, usize)> {
        let out = blocks::ties_with_domain(&self.db, member, domain, true, false).await?;
        let inc = blocks::ties_with_domain(&self.db, member, domain, false, false).await?;
        let mut pending = blocks::ties_with_domain(&self.db, member, domain, true, true)
            .await?
            .len();
        pending += blocks::ties_with_domain(&self.db, member, domain, false, true)
            .await?
            .len();
        let mut following =
            in_order(self, &out.iter().map(|f| f.target_account_id).collect::<Vec<_>>()).await?;
        let mut followers = in_order(self, &inc.iter().map(|f| f.account_id).collect::<Vec<_>>()).await?;
        for list in [&mut following, &mut followers] {
            list.sort_by_key(|a| acct(a).to_lowercase());
            list.dedup_by_key(|a| a.id);
        }
        Ok((following, followers, pending))
    }

    pub async fn domain_block_prompt(&self, viewer: &Viewer, domain: &str) -> Result<BlockPrompt> {
        let me = viewer.account()?;
        let domain = domain_of(domain)?;
        if domain.eq_ignore_ascii_case(&self.settings.domain) {
            return Err(Error::field(
                "domain",
                "ERR_INVALID",
                "is this server's own domain",
            ));
        }
        let counts = self.domain_block_preview(viewer, &domain).await?;
        let (following, followers, pending_requests) = self.ties_named(me.id, &domain).await?;
        let blocked = blocks::all(&self.db, me.id).await?;
        Ok(BlockPrompt {
            already_blocked: blocked.contains(&domain),
            domain,
            counts,
            following,
            followers,
            pending_requests,
        })
    }

    pub async fn domain_summary(&self, viewer: &Viewer, domain: &str) -> Result<DomainSummary> {
        let me = viewer.account()?;
        let domain = domain_of(domain)?;
        let (following, followers, _) = self.ties_named(me.id, &domain).await?;
        let blocked = blocks::all(&self.db, me.id).await?;
        Ok(DomainSummary {
            blocked: MemberBlocks::new(blocked).covers(Some(domain.as_str())),
            last_heard: store::last_heard(&self.db, me.id, &domain).await?,
            instance_last_seen: peers::get(&self.db, &domain).await?.and_then(|p| p.last_seen_at),
            accounts_known: accounts::count_on_domain(&self.db, &domain).await?,
            domain,
            following,
            followers,
        })
    }

    /// Accounts known on a domain, as `viewer` may see them (search for `threads.net`).
    pub async fn accounts_on_domain(
        &self,
        viewer: Option<&Account>,
        domain: &str,
        limit: i64,
    ) -> Result<Vec<Account>> {
        let Some(domain) = normalize_domain(domain) else {
            return Ok(Vec::new());
        };
        let policies = self.policies().await?;
        if policies.refused(Boundary::Resolve, Some(domain.as_str())) {
            return Ok(Vec::new());
        }
        if let Some(v) = viewer
            && MemberBlocks::new(blocks::all(&self.db, v.id).await?).covers(Some(domain.as_str()))
        {
            return Ok(Vec::new());
        }
        let ids = store::accounts_on(&self.db, &domain, limit.clamp(1, 200), 0).await?;
        Ok(in_order(self, &ids)
            .await?
            .into_iter()
            .filter(|a| !policies.refused(Boundary::Resolve, a.domain.as_deref()))
            .collect())
    }

    /// The account whose actor id or profile page is `url`, if known and visible.
    pub async fn account_by_url(&self, url: &str) -> Result<Option<Account>> {
        match store::by_url(&self.db, url.trim()).await? {
            Some(a) => Ok(self.account(a.id).await.ok()),
            None => Ok(None),
        }
    }

    /// Members a policy for `domain` would touch (for the admin's confirmation page).
    pub async fn members_tied_to(&self, domain: &str) -> Result<Vec<Account>> {
        let domain = domain_of(domain)?;
        let ids = store::members_tied(&self.db, &domain).await?;
        in_order(self, &ids).await
    }

    /// The accounts a severance took from a member, as Mastodon's CSV downloads list them:
    /// `following` (with the follow's options) or `followers`.
    pub async fn severed_accounts_csv(
        &self,
        viewer: &Viewer,
        event_id: i64,
        following: bool,
    ) -> Result<String> {
        let me = viewer.account_id()?;
        if severances::member_event(&self.db, me, event_id).await?.is_none() {
            return Err(Error::not_found());
        }
        let follows: Vec<_> = severances::severed(&self.db, event_id)
            .await?
            .into_iter()
            .filter(|f| {
                if following {
                    f.account_id == me
                } else {
                    f.target_account_id == me
                }
            })
            .collect();
        let other = |f: &palisade_store::relationships::Follow| {
            if following {
                f.target_account_id
            } else {
                f.account_id
            }
        };
        let ids: Vec<i64> = follows.iter().map(other).collect();
        let found: HashMap<i64, Account> = accounts::by_ids(&self.db, &ids)
            .await?
            .into_iter()
            .map(|a| (a.id, a))
            .collect();
        let mut out = String::from(if following {
            "Account address,Show boosts,Notify on new posts,Languages\n"
        } else {
            "Account address\n"
        });
        for f in &follows {
            let Some(a) = found.get(&other(f)) else { continue };
            let address = match &a.domain {
                Some(d) => format!("{}@{d}", a.username),
                None => format!("{}@{}", a.username, self.settings.domain),
            };
            if following {
                out.push_str(&format!(
                    "{address},{},{},{}\n",
                    f.show_reblogs,
                    f.notify,
                    f.languages.as_deref().unwrap_or("").replace(',', " ")
                ));
            } else {
                out.push_str(&format!("{address}\n"));
            }
        }
        Ok(out)
    }
}
