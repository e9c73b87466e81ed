//! Polls: created with a status, voted on by members (in local and remote polls) and by
//! other servers (votes on ours arrive as Notes), ended by a timer that tells the voters.

use std::collections::HashMap;

use palisade_store::polls::{self as store, Poll};
use palisade_store::{Tx, accounts::Account, ids::new_id, now_ms};

use crate::auth::Viewer;
use crate::events::Event;
use crate::timers::Timer;
use crate::{Core, Error, Result};

/// Mastodon's limits (shown in the instance entity).
pub const MAX_OPTIONS: usize = 4;
pub const MAX_OPTION_CHARS: usize = 50;
pub const MIN_EXPIRATION_S: i64 = 300;
pub const MAX_EXPIRATION_S: i64 = 2_629_746;

/// A poll as a member submits it.
#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct NewPoll {
    pub options: Vec<String>,
    pub expires_in: i64,
    #[serde(default)]
    pub multiple: bool,
    #[serde(default)]
    pub hide_totals: bool,
}

/// A poll as another server describes it (a Question).
#[derive(Clone, Debug, Default)]
pub struct RemotePoll {
    pub options: Vec<String>,
    pub counts: Vec<i64>,
    pub voters: Option<i64>,
    pub multiple: bool,
    pub expires_at: Option<i64>,
}

/// A poll with its counts, as a viewer sees it.
#[derive(Clone, Debug)]
pub struct PollView {
    pub poll: Poll,
    /// Votes per option.
    pub counts: Vec<i64>,
    pub votes_count: i64,
    /// Distinct voters (multiple-choice polls).
    pub voters_count: Option<i64>,
    pub expired: bool,
    /// The viewer's choices; `None` for anonymous viewers.
    pub own_votes: Option<Vec<i64>>,
}

impl PollView {
    /// The Question's view of itself: counts per option and voters, for federation.
    pub fn voters(&self) -> i64 {
        self.voters_count.unwrap_or(self.votes_count)
    }
}

pub(crate) fn validate(p: &NewPoll) -> Result<()> {
    let field = |msg: String| Error::invalid(format!("Validation failed: {msg}"));
    let options: Vec<&str> = p.options.iter().map(|o| o.trim()).collect();
    if options.len() < 2 {
        return Err(field("Poll options must have more than one item".into()));
    }
    if options.len() > MAX_OPTIONS {
        return Err(field(format!(
            "Poll options can't contain more than {MAX_OPTIONS} items"
        )));
    }
    if options.iter().any(|o| o.is_empty()) {
        return Err(field("Poll options can't be blank".into()));
    }
    if options.iter().any(|o| o.chars().count() > MAX_OPTION_CHARS) {
        return Err(field(format!(
            "Poll options cannot be longer than {MAX_OPTION_CHARS} characters each"
        )));
    }
    let unique: std::collections::HashSet<&str> = options.iter().copied().collect();
    if unique.len() != options.len() {
        return Err(field("Poll options contain duplicate items".into()));
    }
    if p.expires_in > MAX_EXPIRATION_S {
        return Err(field("Poll expires at is too far into the future".into()));
    }
    if p.expires_in < MIN_EXPIRATION_S {
        return Err(field("Poll expires at is too soon".into()));
    }
    Ok(())
}

impl Core {
    /// Stores the poll of a new local status (validated before) and sets its end timer.
    pub(crate) async fn insert_local_poll(
        &self,
        tx: &mut Tx,
        status_id: i64,
        author: i64,
        p: &NewPoll,
    ) -> Result<()> {
        let now = now_ms();
        let poll = Poll {
            id: new_id(),
            status_id,
            account_id: author,
            local: true,
            options: p.options.iter().map(|o| o.trim().to_owned()).collect(),
            cached_counts: Vec::new(),
            cached_voters: None,
            multiple: p.multiple,
            hide_totals: p.hide_totals,
            expires_at: Some(now + p.expires_in * 1000),
            ended_notified: false,
            created_at: now,
            updated_at: now,
        };
        store::insert(&mut *tx, &poll).await?;
        if let Some(at) = poll.expires_at {
            self.set_timer(tx, Timer::PollEnded { poll_id: poll.id }, at)
                .await?;
        }
        Ok(())
    }

    /// Stores (or refreshes) the poll of a remote status.
    pub(crate) async fn store_remote_poll(
        &self,
        tx: &mut Tx,
        status_id: i64,
        author: i64,
        p: &RemotePoll,
    ) -> Result<()> {
        let now = now_ms();
        let mut counts = p.counts.clone();
        counts.resize(p.options.len(), 0);
        match store::by_statuses(&mut *tx, &[status_id]).await?.pop() {
            Some(mut existing) => {
                existing.options = p.options.clone();
                existing.cached_counts = counts;
                existing.cached_voters = p.voters;
                existing.multiple = p.multiple;
                existing.expires_at = p.expires_at;
                existing.updated_at = now;
                store::update_remote(&mut *tx, &existing).await?;
            }
            None => {
                let poll = Poll {
                    id: new_id(),
                    status_id,
                    account_id: author,
                    local: false,
                    options: p.options.clone(),
                    cached_counts: counts,
                    cached_voters: p.voters,
                    multiple: p.multiple,
                    hide_totals: false,
                    expires_at: p.expires_at,
                    ended_notified: false,
                    created_at: now,
                    updated_at: now,
                };
                store::insert(&mut *tx, &poll).await?;
            }
        }
        Ok(())
    }

    /// Views of the polls of `status_ids` (content statuses), by status id.
    pub(crate) async fn poll_views(
        &self,
        viewer: Option<i64>,
        status_ids: &[i64],
    ) -> Result<HashMap<i64, PollView>> {
        let polls = store::by_statuses(&self.db, status_ids).await?;
        if polls.is_empty() {
            return Ok(HashMap::new());
        }
        let local: Vec<i64> = polls.iter().filter(|p| p.local).map(|p| p.id).collect();
        let (counts, voters) = store::tallies(&self.db, &local).await?;
        let ids: Vec<i64> = polls.iter().map(|p| p.id).collect();
        let mut own = match viewer {
            Some(v) => store::own_votes(&self.db, v, &ids).await?,
            None => HashMap::new(),
        };
        let now = now_ms();
        Ok(polls
            .into_iter()
            .map(|p| {
                let counts: Vec<i64> = if p.local {
                    (0..p.options.len() as i64)
                        .map(|i| counts.get(&(p.id, i)).copied().unwrap_or(0))
                        .collect()
                } else {
                    p.cached_counts.clone()
                };
                let votes_count = counts.iter().sum();
                let voters_count = p.multiple.then(|| {
                    if p.local {
                        voters.get(&p.id).copied().unwrap_or(0)
                    } else {
                        p.cached_voters.unwrap_or(votes_count)
                    }
                });
                let view = PollView {
                    expired: p.expires_at.is_some_and(|e| e <= now),
                    own_votes: viewer.map(|_| own.remove(&p.id).unwrap_or_default()),
                    counts,
                    votes_count,
                    voters_count,
                    poll: p,
                };
                (view.poll.status_id, view)
            })
            .collect())
    }

    /// A poll by id as the viewer sees it (404 when its status is hidden from them).
    pub async fn poll(&self, viewer: Option<&Account>, id: i64) -> Result<PollView> {
        let poll = store::get(&self.db, id).await?.ok_or_else(Error::not_found)?;
        let view = self.status_view(viewer, poll.status_id).await?;
        view.poll.ok_or_else(Error::not_found)
    }

    /// Votes in a poll (ours or another server's); a multiple-choice poll takes further
    /// choices later, as Mastodon allows.
    pub async fn vote(&self, viewer: &Viewer, id: i64, choices: &[i64]) -> Result<PollView> {
        let me = viewer.account()?;
        let status_id = self.poll(Some(me), id).await?.poll.status_id;
        let mut tx = self.db.begin().await?;
        let poll = store::get_for_update(&mut tx, id)
            .await?
            .ok_or_else(Error::not_found)?;
        let invalid = |m: &str| Error::invalid(format!("Validation failed: {m}"));
        if poll.expires_at.is_some_and(|e| e <= now_ms()) {
            return Err(invalid("The poll has already ended"));
        }
        if poll.account_id == me.id {
            return Err(invalid("You cannot vote in your own polls"));
        }
        let mut wanted: Vec<i64> = choices.to_vec();
        wanted.dedup();
        if wanted.is_empty() || wanted.iter().any(|c| *c < 0 || *c as usize >= poll.options.len()) {
            return Err(invalid("The chosen vote option does not exist"));
        }
        let before = store::own_votes(&mut tx, me.id, &[id])
            .await?
            .remove(&id)
            .unwrap_or_default();
        if (!poll.multiple && (!before.is_empty() || wanted.len() > 1))
            || wanted.iter().any(|c| before.contains(c))
        {
            return Err(invalid("You have already voted on this poll"));
        }
        let now = now_ms();
        for c in &wanted {
            let uri = (!poll.local).then(|| format!("{}#votes/{}/{c}", me.uri, id));
            store::insert_vote(&mut tx, new_id(), id, me.id, *c, uri.as_deref(), now).await?;
        }
        if poll.local {
            self.emit(&mut tx, vec![Event::PollUpdated { status_id }]).await?;
        } else {
            let mut counts = poll.cached_counts.clone();
            counts.resize(poll.options.len(), 0);
            for c in &wanted {
                counts[*c as usize] += 1;
            }
            let voters = poll.cached_voters.map(|v| v + i64::from(before.is_empty()));
            store::set_cached(&mut tx, id, &counts, voters).await?;
            self.emit(
                &mut tx,
                vec![Event::PollVoted {
                    poll_id: id,
                    account_id: me.id,
                    choices: wanted.clone(),
                }],
            )
            .await?;
            // Members who voted hear when it ends, as in Mastodon.
            if before.is_empty()
                && let Some(at) = poll.expires_at
            {
                self.set_timer(&mut tx, Timer::PollEnded { poll_id: id }, at)
                    .await?;
            }
        }
        tx.commit().await?;
        self.poll(Some(me), id).await
    }

    /// A vote from another server in a local poll (a Note naming an option).
    pub async fn receive_vote(
        &self,
        voter: &Account,
        status_id: i64,
        option: &str,
        uri: &str,
    ) -> Result<bool> {
        let Some(poll) = store::by_statuses(&self.db, &[status_id]).await?.pop() else {
            return Ok(false);
        };
        if !poll.local || poll.expires_at.is_some_and(|e| e <= now_ms()) {
            return Ok(false);
        }
        let Some(choice) = poll.options.iter().position(|o| o == option) else {
            return Ok(false);
        };
        let mut tx = self.db.begin().await?;
        let before = store::own_votes(&mut tx, voter.id, &[poll.id])
            .await?
            .remove(&poll.id)
            .unwrap_or_default();
        if !poll.multiple && !before.is_empty() {
            return Ok(false);
        }
        if store::insert_vote(
            &mut tx,
            new_id(),
            poll.id,
            voter.id,
            choice as i64,
            Some(uri),
            now_ms(),
        )
        .await?
        {
            self.emit(&mut tx, vec![Event::PollUpdated { status_id }]).await?;
        }
        tx.commit().await?;
        Ok(true)
    }

    /// New tallies of a remote poll (Update of its Question).
    pub async fn receive_poll_update(&self, status_id: i64, author: i64, p: &RemotePoll) -> Result<()> {
        let mut tx = self.db.begin().await?;
        self.store_remote_poll(&mut tx, status_id, author, p).await?;
        tx.commit().await?;
        Ok(())
    }

    /// A poll's end: its author (if local) and the members who voted are notified, once; a
    /// local poll's final tallies go out.
    pub(crate) async fn end_poll(&self, poll_id: i64) -> Result<()> {
        let Some(poll) = store::get(&self.db, poll_id).await? else {
            return Ok(());
        };
        if poll.expires_at.is_some_and(|e| e > now_ms()) {
            // Moved later by an Update: its own timer comes.
            return Ok(());
        }
        let mut tx = self.db.begin().await?;
        if !store::mark_ended(&mut tx, poll_id).await? {
            return Ok(());
        }
        let voters = store::local_voters(&mut tx, poll_id).await?;
        self.notify_many(&mut tx, &voters, poll.account_id, "poll", Some(poll.status_id))
            .await?;
        if poll.local {
            // The author hears too (a notification from themselves, as in Mastodon).
            let id = new_id();
            palisade_store::notifications::insert(
                &mut tx,
                &palisade_store::notifications::Notification {
                    id,
                    account_id: poll.account_id,
                    from_account_id: poll.account_id,
                    kind: "poll".into(),
                    status_id: Some(poll.status_id),
                    created_at: now_ms(),
                    group_key: None,
                    event_id: None,
                },
            )
            .await?;
            self.after_notified(&mut tx, &[(id, poll.account_id)]).await?;
            self.emit(
                &mut tx,
                vec![Event::PollUpdated {
                    status_id: poll.status_id,
                }],
            )
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// The poll of a status, for federation (our Question, or the one voted on).
    pub async fn poll_of_status(&self, status_id: i64) -> Result<Option<PollView>> {
        Ok(self.poll_views(None, &[status_id]).await?.remove(&status_id))
    }

    pub async fn find_poll(&self, id: i64) -> Result<Option<Poll>> {
        Ok(store::get(&self.db, id).await?)
    }

    /// Inboxes of the remote accounts that voted in a local poll.
    pub async fn poll_voter_inboxes(&self, poll_id: i64) -> Result<Vec<String>> {
        Ok(store::remote_voter_inboxes(&self.db, poll_id).await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn polls_are_validated_as_mastodon_does() {
        let ok = NewPoll {
            options: vec!["a".into(), "b".into()],
            expires_in: 300,
            ..Default::default()
        };
        assert!(validate(&ok).is_ok());
        let bad = |f: &dyn Fn(&mut NewPoll)| {
            let mut p = ok.clone();
            f(&mut p);
            validate(&p).is_err()
        };
        assert!(bad(&|p| p.options.truncate(1)));
        assert!(bad(&|p| p.options = vec!["a".into(); 2]));
        assert!(bad(&|p| p.options.extend(["c", "d", "e"].map(String::from))));
        assert!(bad(&|p| p.options[0] = "x".repeat(51)));
        assert!(bad(&|p| p.expires_in = 299));
        assert!(bad(&|p| p.expires_in = MAX_EXPIRATION_S + 1));
    }
}
