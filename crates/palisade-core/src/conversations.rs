//! Direct messages: every direct status joins a conversation of each local participant
//! (per thread and set of other participants, as Mastodon keeps them), unread for those who
//! did not write it.

use palisade_store::conversations::{self as store, Conversation};
use palisade_store::statuses::Status;
use palisade_store::{PageQuery, Tx, Visibility, accounts, accounts::Account, relationships};

use crate::auth::Viewer;
use crate::live::LiveEvent;
use crate::policy::{self, Boundary, Subject};
use crate::views::{StatusView, ViewOptions};
use crate::{Core, Error, Result};

/// A conversation as its owner sees it.
#[derive(Clone, Debug)]
pub struct ConversationView {
    pub conversation: Conversation,
    /// The other participants that can be shown.
    pub accounts: Vec<Account>,
    pub last_status: Option<StatusView>,
}

/// A page of conversations with the keys of its `Link` header (last status ids).
pub struct ConversationPage {
    pub conversations: Vec<ConversationView>,
    pub next_max_id: Option<i64>,
    pub prev_min_id: Option<i64>,
    pub raw_len: usize,
}

impl Core {
    /// Adds a new direct status to its local participants' conversations (not to those who
    /// block or mute the author or block its domain).
    pub(crate) async fn add_to_conversations(
        &self,
        tx: &mut Tx,
        status: &Status,
        mentioned: &[i64],
    ) -> Result<()> {
        if status.visibility != Visibility::Direct || status.reblog_of_id.is_some() {
            return Ok(());
        }
        let mut everyone: Vec<i64> = mentioned.to_vec();
        everyone.push(status.account_id);
        everyone.sort_unstable();
        everyone.dedup();
        let people = accounts::by_ids(&mut *tx, &everyone).await?;
        let author_domain = people
            .iter()
            .find(|a| a.id == status.account_id)
            .and_then(|a| a.domain.clone());
        let policies = self.policies().await?;
        let thread = status.conversation_id.unwrap_or(status.id);
        let mut ids = Vec::new();
        for p in people.iter().filter(|a| a.is_local()) {
            let is_author = p.id == status.account_id;
            if !is_author {
                let hidden =
                    relationships::excluded_among(&mut *tx, p.id, &[status.account_id], true).await?;
                let blocks = self.member_blocks(&mut *tx, p.id).await?;
                let subject = Subject::for_member(author_domain.as_deref(), &blocks);
                if !hidden.is_empty()
                    || policies.decide(Boundary::Notification, subject) == policy::Decision::Refuse
                {
                    continue;
                }
            }
            let others: Vec<i64> = everyone.iter().copied().filter(|a| *a != p.id).collect();
            ids.push(store::add_status(&mut *tx, p.id, thread, &others, status.id, !is_author).await?);
        }
        if !ids.is_empty() {
            self.live(tx, LiveEvent::Conversations { ids });
        }
        Ok(())
    }

    /// Views of conversations for their owner (statuses they can no longer see left out).
    pub async fn conversation_views(
        &self,
        owner: &Account,
        list: Vec<Conversation>,
    ) -> Result<Vec<ConversationView>> {
        let status_ids: Vec<i64> = list.iter().map(|c| c.last_status_id).collect();
        let opts = ViewOptions {
            filter: Some(crate::filters::FilterContext::Thread),
            ..Default::default()
        };
        let statuses = self.status_views(Some(owner), &status_ids, opts).await?;
        let mut people: Vec<i64> = list.iter().flat_map(|c| c.participant_ids.clone()).collect();
        people.sort_unstable();
        people.dedup();
        let accounts = self.account_views(&people).await?;
        Ok(list
            .into_iter()
            .map(|c| ConversationView {
                accounts: accounts
                    .iter()
                    .filter(|a| c.participant_ids.contains(&a.id))
                    .cloned()
                    .collect(),
                last_status: statuses.iter().find(|s| s.status.id == c.last_status_id).cloned(),
                conversation: c,
            })
            .collect())
    }

    pub async fn conversations(&self, viewer: &Viewer, page: &PageQuery) -> Result<ConversationPage> {
        let me = viewer.account()?;
        let rows = store::page(&self.db, me.id, page).await?;
        let keys = rows.keys();
        let list = rows.items.into_iter().map(|(_, c)| c).collect();
        Ok(ConversationPage {
            conversations: self.conversation_views(me, list).await?,
            next_max_id: keys.last().copied(),
            prev_min_id: keys.first().copied(),
            raw_len: keys.len(),
        })
    }

    pub async fn read_conversation(&self, viewer: &Viewer, id: i64) -> Result<ConversationView> {
        let me = viewer.account()?;
        if !store::mark_read(&self.db, me.id, id).await? {
            return Err(Error::not_found());
        }
        let c = store::get(&self.db, me.id, id)
            .await?
            .ok_or_else(Error::not_found)?;
        self.conversation_views(me, vec![c])
            .await?
            .pop()
            .ok_or_else(Error::not_found)
    }

    pub async fn remove_conversation(&self, viewer: &Viewer, id: i64) -> Result<()> {
        if store::remove(&self.db, viewer.account_id()?, id).await? {
            Ok(())
        } else {
            Err(Error::not_found())
        }
    }

    /// Conversations by id (live events name them), whoever owns them.
    pub(crate) async fn conversations_by_ids(&self, ids: &[i64]) -> Result<Vec<Conversation>> {
        Ok(store::by_ids(&self.db, ids).await?)
    }
}
