//! A member's own domain blocks (Mastodon's "Block domain"): every follow with that domain
//! ends (the other side is told with Undo or Reject), its notifications go, and nothing from
//! it reaches the member while the block stands. The block itself is never sent there.

use palisade_store::severances::{self, MemberSeverance};
use palisade_store::{Exec, Page, PageQuery, Tx, accounts::Account, domain_blocks as store};

use crate::auth::Viewer;
use crate::events::Event;
use crate::notifications::notify_severed;
use crate::policy::{Boundary, MemberBlocks, Subject, normalize_domain};
use crate::{Core, Error, Result};

/// What blocking a domain would sever for a member (Mastodon's preview).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct BlockPreview {
    pub following_count: i64,
    pub followers_count: i64,
}

/// How an import treats blocks already there.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImportMode {
    Merge,
    Overwrite,
}

fn parse_domain(input: &str) -> Result<String> {
    normalize_domain(input).ok_or_else(|| Error::field("domain", "ERR_INVALID", "is not a valid domain"))
}

impl Core {
    /// The domains a member blocks, for decisions made on their behalf.
    pub async fn member_blocks<'a>(&self, ex: impl Into<Exec<'a>>, member: i64) -> Result<MemberBlocks> {
        Ok(MemberBlocks::new(store::all(ex, member).await?))
    }

    /// Whether a signed fetch from `domain` may read what `owner` publishes: not when the
    /// instance refuses the domain, nor when the owner blocks it.
    pub async fn fetch_allowed(&self, owner: Option<&Account>, domain: Option<&str>) -> Result<bool> {
        let blocks = match owner {
            Some(o) => self.member_blocks(&self.db, o.id).await?,
            None => MemberBlocks::default(),
        };
        let subject = Subject::for_member(domain, &blocks);
        Ok(!self.policies().await?.refused(Boundary::Fetch, subject))
    }

    pub async fn domain_block_preview(&self, viewer: &Viewer, domain: &str) -> Result<BlockPreview> {
        let domain = parse_domain(domain)?;
        let (following_count, followers_count) =
            store::preview(&self.db, viewer.account_id()?, &domain).await?;
        Ok(BlockPreview {
            following_count,
            followers_count,
        })
    }

    pub async fn block_domain(&self, viewer: &Viewer, domain: &str) -> Result<()> {
        let me = viewer.account()?;
        let domain = parse_domain(domain)?;
        if domain.eq_ignore_ascii_case(&self.settings.domain) {
            return Err(Error::field(
                "domain",
                "ERR_INVALID",
                "is this server's own domain",
            ));
        }
        let mut tx = self.db.begin().await?;
        store::add(&mut tx, me.id, &domain).await?;
        self.sever_domain(&mut tx, me.id, &domain).await?;
        tx.commit().await?;
        Ok(())
    }

    /// A member's own block: ends every follow and request between them and a domain, tells
    /// the other side, records what was severed and tells the member when something was.
    pub(crate) async fn sever_domain(&self, tx: &mut Tx, member: i64, domain: &str) -> Result<Option<i64>> {
        let following = store::ties_with_domain(&mut *tx, member, domain, true, false).await?;
        let followers = store::ties_with_domain(&mut *tx, member, domain, false, false).await?;
        let mut events = Vec::new();
        for f in following.iter().chain(
            store::ties_with_domain(&mut *tx, member, domain, true, true)
                .await?
                .iter(),
        ) {
            self.sever(tx, f.account_id, f.target_account_id).await?;
            events.push(Event::FollowWithdrawn {
                account_id: f.account_id,
                target_id: f.target_account_id,
                follow_uri: f.uri.clone(),
            });
        }
        for f in followers.iter().chain(
            store::ties_with_domain(&mut *tx, member, domain, false, true)
                .await?
                .iter(),
        ) {
            self.sever(tx, f.account_id, f.target_account_id).await?;
            events.push(Event::FollowRejected {
                account_id: f.account_id,
                target_id: f.target_account_id,
                follow_uri: f.uri.clone(),
            });
        }
        store::clear_from(&mut *tx, member, domain).await?;
        // A member's block tells the other side (Undo, Reject), as Mastodon does. (An
        // instance suspension tells the suspended server nothing: store::suspensions.)
        self.emit(tx, events).await?;
        if following.is_empty() && followers.is_empty() {
            return Ok(None);
        }
        let event = severances::create_event(&mut *tx, "user_domain_block", domain).await?;
        for f in following.iter().chain(followers.iter()) {
            severances::keep(&mut *tx, event, f).await?;
        }
        severances::add_member(
            &mut *tx,
            member,
            event,
            followers.len() as i64,
            following.len() as i64,
        )
        .await?;
        notify_severed(tx, member, event).await?;
        Ok(Some(event))
    }

    pub async fn unblock_domain(&self, viewer: &Viewer, domain: &str) -> Result<()> {
        let domain = parse_domain(domain)?;
        store::remove(&self.db, viewer.account_id()?, &domain).await?;
        Ok(())
    }

    pub async fn domain_blocks(&self, viewer: &Viewer, page: &PageQuery) -> Result<Page<String>> {
        Ok(store::page(&self.db, viewer.account_id()?, page).await?)
    }

    /// Every domain a member blocks (used to filter what reaches them).
    pub async fn blocked_domains(&self, account_id: i64) -> Result<Vec<String>> {
        Ok(store::all(&self.db, account_id).await?)
    }

    /// Mastodon's export: one domain per line.
    pub async fn export_domain_blocks(&self, viewer: &Viewer) -> Result<String> {
        let domains = store::all(&self.db, viewer.account_id()?).await?;
        Ok(domains.iter().map(|d| format!("{d}\n")).collect())
    }

    /// Imports Mastodon's export (one domain per line; a CSV with the domain first also
    /// works). Returns (blocked now, lines skipped as invalid).
    pub async fn import_domain_blocks(
        &self,
        viewer: &Viewer,
        csv: &str,
        mode: ImportMode,
    ) -> Result<(usize, usize)> {
        let (mut wanted, mut skipped) = crate::csv::read_domain_list(csv);
        // Every line is checked before anything changes: our own domain (which block_domain
        // would refuse) is skipped here, not an error halfway through.
        let before = wanted.len();
        wanted.retain(|d| !d.eq_ignore_ascii_case(&self.settings.domain));
        skipped += before - wanted.len();
        if mode == ImportMode::Overwrite {
            for existing in store::all(&self.db, viewer.account_id()?).await? {
                if !wanted.contains(&existing) {
                    self.unblock_domain(viewer, &existing).await?;
                }
            }
        }
        for d in &wanted {
            self.block_domain(viewer, d).await?;
        }
        Ok((wanted.len(), skipped))
    }

    /// The member's severance notices (`/api/v1/severed_relationships`).
    pub async fn severed_relationships(
        &self,
        viewer: &Viewer,
        page: &PageQuery,
    ) -> Result<Page<MemberSeverance>> {
        Ok(severances::of_member(&self.db, viewer.account_id()?, page).await?)
    }

    pub async fn severance_of(&self, account_id: i64, event_id: i64) -> Result<Option<MemberSeverance>> {
        Ok(severances::member_event(&self.db, account_id, event_id).await?)
    }
}
