//! What other servers do to local things: the domain side of inbound activities. The
//! federation crate parses and authenticates; these functions apply the effect with the same
//! rules as the local API (counters, feeds, notifications), in one transaction each.

use palisade_store::interactions::Mark;
use palisade_store::relationships::{self as rel, Follow, FollowTable};
use palisade_store::statuses::{self, Status, StatusEdit};
use palisade_store::{Tx, Visibility, accounts, accounts::Account, ids, interactions, now_ms, tags};

use crate::events::Event;
use crate::live::LiveEvent;
use crate::policy::{Boundary, Decision, Subject};
use crate::received::ReceivedWrite;
use crate::status_rows::{NewStatusRow, RowKind, build};
use crate::{Core, Error, Result};

/// What became of a Follow from another server.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FollowOutcome {
    Accepted,
    Pending,
    Refused,
}

/// A status from another server, parsed, sanitized and addressed.
#[derive(Clone, Debug)]
pub struct RemoteStatus {
    pub uri: String,
    pub url: Option<String>,
    pub author: Account,
    pub content_html: String,
    pub spoiler_text: String,
    pub sensitive: bool,
    pub visibility: Visibility,
    pub language: Option<String>,
    pub in_reply_to: Option<Status>,
    pub in_reply_to_uri: Option<String>,
    pub mentions: Vec<i64>,
    pub tags: Vec<String>,
    pub published: i64,
    pub edited: Option<i64>,
    /// A Question's poll.
    pub poll: Option<crate::polls::RemotePoll>,
    /// Attachments (`Document`s), in order; recorded, fetched by the instance.
    pub attachments: Vec<crate::media::RemoteAttachment>,
    /// Custom emoji of the note's `tag`.
    pub emojis: Vec<crate::media::RemoteEmoji>,
}

impl Core {
    pub async fn receive_follow(
        &self,
        follower: &Account,
        target_id: i64,
        activity_id: &str,
    ) -> Result<FollowOutcome> {
        let target = self.account(target_id).await?;
        if !target.is_local() {
            return Ok(FollowOutcome::Refused);
        }
        // The instance refuses silently (nothing goes to a suspended server); a member's own
        // block, or an account block, is answered with a Reject, as Mastodon does, so the
        // follower's server stops waiting.
        let policies = self.policies().await?;
        let domain = follower.domain.as_deref();
        let instance = policies.decide(Boundary::FollowRequest, domain);
        if instance == Decision::Refuse {
            return Ok(FollowOutcome::Refused);
        }
        let blocks = self.member_blocks(&self.db, target.id).await?;
        let decision = policies.decide(Boundary::FollowRequest, Subject::for_member(domain, &blocks));
        if decision == Decision::Refuse || rel::blocked_either_way(&self.db, follower.id, target.id).await? {
            let mut tx = self.db.begin().await?;
            let rejected = Event::FollowRejected {
                account_id: follower.id,
                target_id: target.id,
                follow_uri: Some(activity_id.to_owned()),
            };
            self.emit(&mut tx, vec![rejected]).await?;
            tx.commit().await?;
            return Ok(FollowOutcome::Refused);
        }
        let follow = Follow {
            id: ids::new_id(),
            account_id: follower.id,
            target_account_id: target.id,
            show_reblogs: true,
            notify: false,
            languages: None,
            uri: Some(activity_id.to_owned()),
            created_at: now_ms(),
        };
        let mut tx = self.db.begin().await?;
        if rel::get(&mut tx, FollowTable::Follows, follower.id, target.id)
            .await?
            .is_some()
        {
            // A repeated Follow of an existing follow is acknowledged again.
            let accepted = Event::FollowAccepted {
                account_id: follower.id,
                target_id: target.id,
                follow_uri: Some(activity_id.to_owned()),
            };
            self.emit(&mut tx, vec![accepted]).await?;
            tx.commit().await?;
            return Ok(FollowOutcome::Accepted);
        }
        // Follows from silenced domains wait for the member's approval.
        let outcome = if target.locked || decision == Decision::RequireApproval {
            if rel::insert(&mut tx, FollowTable::Requests, &follow).await? {
                self.notify(&mut tx, target.id, follower.id, "follow_request", None)
                    .await?;
            }
            FollowOutcome::Pending
        } else {
            self.establish_follow(&mut tx, &follow).await?;
            self.notify(&mut tx, target.id, follower.id, "follow", None)
                .await?;
            let accepted = Event::FollowAccepted {
                account_id: follower.id,
                target_id: target.id,
                follow_uri: Some(activity_id.to_owned()),
            };
            self.emit(&mut tx, vec![accepted]).await?;
            FollowOutcome::Accepted
        };
        tx.commit().await?;
        Ok(outcome)
    }

    /// The remote account accepted a local account's follow request.
    pub async fn receive_follow_accept(&self, local_follower: i64, remote_target: i64) -> Result<()> {
        let mut tx = self.db.begin().await?;
        if let Some(request) = rel::get(&mut tx, FollowTable::Requests, local_follower, remote_target).await?
        {
            rel::delete(&mut tx, FollowTable::Requests, local_follower, remote_target).await?;
            self.establish_follow(&mut tx, &request).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// The remote account refused, or ended, a local account's follow.
    pub async fn receive_follow_reject(&self, local_follower: i64, remote_target: i64) -> Result<()> {
        let mut tx = self.db.begin().await?;
        self.sever(&mut tx, local_follower, remote_target).await?;
        tx.commit().await?;
        Ok(())
    }

    /// A remote follower stopped following (Undo Follow), or withdrew a request.
    pub async fn receive_unfollow(&self, remote_follower: i64, local_target: i64) -> Result<()> {
        let mut tx = self.db.begin().await?;
        self.sever(&mut tx, remote_follower, local_target).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Stores a remote status (once per URI), with its mentions, tags, counters, feeds
    /// and notifications. Who it reaches is read first, outside the write transaction,
    /// so that on SQLite the one write lock is held for the writes alone (the inbound
    /// pipeline's bottleneck). A follow committed in between may miss this status in its
    /// new home feed, as it would had it come a moment later.
    pub async fn receive_status(&self, new: RemoteStatus) -> Result<Status> {
        if let Some(existing) = statuses::by_uri(&self.db, &new.uri).await? {
            return Ok(existing);
        }
        let domain = new.author.domain.clone();
        let emoji_ids: Vec<i64> = match &domain {
            Some(d) if !new.emojis.is_empty() => self
                .remote_emojis(d, &new.emojis)
                .await?
                .iter()
                .map(|e| e.id)
                .collect(),
            _ => Vec::new(),
        };
        // The reads: whose feeds, lists and notifications it reaches (its id is not known yet).
        let draft = received_row(&new, 0);
        let known_tags: Vec<i64> = if new.visibility == Visibility::Public && !new.tags.is_empty() {
            tags::by_names(&self.db, &new.tags)
                .await?
                .iter()
                .map(|t| t.id)
                .collect()
        } else {
            Vec::new()
        };
        let reach = self
            .plan_fan_out(&self.db, &draft, &new.mentions, &known_tags)
            .await?;
        let mentioned = self
            .plan_notifications(&self.db, &new.mentions, &new.author, "mention", Some(&draft))
            .await?;
        self.write_received(ReceivedWrite {
            new,
            emoji_ids,
            reach,
            mentioned,
        })
        .await
    }

    /// The writes of a received status, inside the writer's transaction.
    pub(crate) async fn write_received_status(&self, tx: &mut Tx, write: &ReceivedWrite) -> Result<Status> {
        let ReceivedWrite {
            new,
            emoji_ids,
            reach,
            mentioned,
        } = write;
        let domain = new.author.domain.clone();
        let id = statuses::free_id(&mut *tx, new.published.min(now_ms())).await?;
        let status = received_row(new, id);
        statuses::insert(&mut *tx, &status).await?;
        statuses::insert_mentions(&mut *tx, id, &new.mentions).await?;
        self.insert_remote_attachments(tx, &status, domain.as_deref(), &new.attachments)
            .await?;
        if !emoji_ids.is_empty() {
            palisade_store::emojis::attach(&mut *tx, id, emoji_ids).await?;
        }
        self.queue_new_card(tx, id, &status.content_html, !new.attachments.is_empty())
            .await?;
        if !new.tags.is_empty() {
            let tag_ids: Vec<i64> = tags::upsert(&mut *tx, &new.tags)
                .await?
                .iter()
                .map(|t| t.id)
                .collect();
            tags::attach(&mut *tx, id, &tag_ids).await?;
        }
        accounts::count_new_status(&mut *tx, new.author.id, new.published).await?;
        if let Some(p) = &new.in_reply_to {
            statuses::add_counts(&mut *tx, p.id, 1, 0, 0).await?;
        }
        if let Some(poll) = &new.poll {
            self.store_remote_poll(tx, id, new.author.id, poll).await?;
        }
        // Cloned: a failed group writes each of its statuses again.
        self.write_notifications(tx, mentioned.clone(), Some(id)).await?;
        self.write_fan_out(tx, reach.clone(), &status).await?;
        self.add_to_conversations(tx, &status, &new.mentions).await?;
        self.live(tx, LiveEvent::StatusCreated { id });
        Ok(status)
    }

    /// A remote edit: the new version joins the history, boosters are told. `attachments`
    /// is the note's list now (`None`: unknown, kept as it was).
    pub async fn receive_status_update(
        &self,
        status: &Status,
        content_html: &str,
        spoiler_text: &str,
        sensitive: bool,
        edited: i64,
        attachments: Option<&[crate::media::RemoteAttachment]>,
    ) -> Result<()> {
        let text_same = status.content_html == content_html
            && status.spoiler_text == spoiler_text
            && status.sensitive == sensitive;
        if text_same && attachments.is_none() {
            return Ok(());
        }
        let domain = accounts::by_id(&self.db, status.account_id)
            .await?
            .and_then(|a| a.domain);
        let mut tx = self.db.begin().await?;
        let before_media = self.media_snapshot(&mut tx, status.id).await?;
        let media_changed = match attachments {
            Some(list) => {
                self.replace_remote_attachments(&mut tx, status, domain.as_deref(), list)
                    .await?
            }
            None => false,
        };
        if text_same && !media_changed {
            return Ok(());
        }
        if statuses::edits(&mut tx, status.id).await?.is_empty() {
            let original = edit_row(
                status,
                &status.content_html,
                &status.spoiler_text,
                status.sensitive,
                status.created_at,
            );
            statuses::insert_edit(&mut tx, &original).await?;
            palisade_store::media::insert_edit_media(&mut tx, original.id, &before_media).await?;
        }
        statuses::update_content(
            &mut tx,
            status.id,
            &statuses::Edit {
                text_source: "",
                content_html,
                spoiler_text,
                sensitive,
                language: None,
            },
        )
        .await?;
        let version = edit_row(status, content_html, spoiler_text, sensitive, edited);
        statuses::insert_edit(&mut tx, &version).await?;
        let after_media = self.media_snapshot(&mut tx, status.id).await?;
        palisade_store::media::insert_edit_media(&mut tx, version.id, &after_media).await?;
        self.queue_card(&mut tx, status.id, content_html, !after_media.is_empty())
            .await?;
        let boosters: Vec<i64> = statuses::reblog_ids_of(&mut tx, status.id)
            .await?
            .into_iter()
            .map(|(_, b)| b)
            .collect();
        self.notify_many(&mut tx, &boosters, status.account_id, "update", Some(status.id))
            .await?;
        self.live(&mut tx, LiveEvent::StatusEdited { id: status.id });
        tx.commit().await?;
        Ok(())
    }

    /// A remote status (or boost) was deleted by its author.
    pub async fn receive_status_delete(&self, status: &Status) -> Result<()> {
        let mut tx = self.db.begin().await?;
        self.remove_status(&mut tx, status).await?;
        tx.commit().await?;
        Ok(())
    }

    /// A remote boost (Announce) of a status we know.
    pub async fn receive_boost(
        &self,
        booster: &Account,
        original: &Status,
        uri: &str,
        published: i64,
        visibility: Visibility,
    ) -> Result<()> {
        if statuses::by_uri(&self.db, uri).await?.is_some()
            || !crate::policy::may_reblog(original, booster.id)
        {
            return Ok(());
        }
        let mut tx = self.db.begin().await?;
        let id = statuses::free_id(&mut tx, published.min(now_ms())).await?;
        let boost = build(NewStatusRow {
            id,
            author: booster,
            uri: uri.to_owned(),
            url: None,
            visibility,
            created_at: published,
            app_id: None,
            kind: RowKind::Boost { of: original.id },
        });
        match statuses::insert(&mut tx, &boost).await {
            Ok(()) => {}
            Err(palisade_store::StoreError::Conflict(_)) => return Ok(()),
            Err(e) => return Err(e.into()),
        }
        statuses::add_counts(&mut tx, original.id, 0, 1, 0).await?;
        accounts::add_counts(&mut tx, booster.id, 1, 0, 0).await?;
        self.notify(
            &mut tx,
            original.account_id,
            booster.id,
            "reblog",
            Some(original.id),
        )
        .await?;
        self.fan_out(&mut tx, &boost, &[], &[]).await?;
        self.live(&mut tx, LiveEvent::StatusCreated { id });
        tx.commit().await?;
        Ok(())
    }

    pub async fn receive_favourite(&self, account: &Account, status: &Status, on: bool) -> Result<()> {
        let mut tx = self.db.begin().await?;
        if on {
            if interactions::add(&mut tx, Mark::Favourite, ids::new_id(), account.id, status.id).await? {
                statuses::add_counts(&mut tx, status.id, 0, 0, 1).await?;
                self.notify(
                    &mut tx,
                    status.account_id,
                    account.id,
                    "favourite",
                    Some(status.id),
                )
                .await?;
            }
        } else if interactions::remove(&mut tx, Mark::Favourite, account.id, status.id).await? {
            statuses::add_counts(&mut tx, status.id, 0, 0, -1).await?;
            palisade_store::notifications::remove(
                &mut tx,
                status.account_id,
                account.id,
                "favourite",
                Some(status.id),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// A remote account blocks a local one: follows end both ways, the block is recorded
    /// (the local account then sees `blocked_by`).
    pub async fn receive_block(&self, blocker: &Account, target_id: i64, on: bool) -> Result<()> {
        let mut tx = self.db.begin().await?;
        if on {
            self.sever(&mut tx, blocker.id, target_id).await?;
            self.sever(&mut tx, target_id, blocker.id).await?;
            rel::block(&mut tx, ids::new_id(), blocker.id, target_id).await?;
        } else {
            rel::remove_edge(&mut tx, rel::Edge::Blocks, blocker.id, target_id).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// A report (Flag) from another server about local accounts or statuses.
    pub async fn receive_flag(
        &self,
        reporter: &Account,
        target_id: i64,
        status_ids: &[i64],
        comment: &str,
        uri: Option<&str>,
    ) -> Result<i64> {
        let target = self.account(target_id).await?;
        let id = palisade_store::reports::insert(
            &self.db,
            &palisade_store::reports::NewReport {
                account_id: reporter.id,
                target_account_id: target.id,
                status_ids,
                comment: &comment.chars().take(1000).collect::<String>(),
                category: "other",
                // Mastodon: a report that arrived was not forwarded by us.
                forwarded: false,
                uri,
            },
        )
        .await?;
        Ok(id)
    }

    /// A remote actor deleted itself: it disappears, with its follows and content hidden.
    pub async fn receive_account_delete(&self, account: &Account) -> Result<()> {
        if account.is_local() {
            return Err(Error::Forbidden(
                "a remote server cannot delete a local account".into(),
            ));
        }
        accounts::set_suspended(&self.db, account.id, Some(now_ms())).await?;
        Ok(())
    }
}

fn edit_row(s: &Status, content_html: &str, spoiler_text: &str, sensitive: bool, at: i64) -> StatusEdit {
    StatusEdit {
        id: ids::new_id(),
        status_id: s.id,
        text_source: String::new(),
        content_html: content_html.to_owned(),
        spoiler_text: spoiler_text.to_owned(),
        sensitive,
        created_at: at,
    }
}

/// The row of a received status, with `id` (0 while its reach is planned).
fn received_row(new: &RemoteStatus, id: i64) -> Status {
    build(NewStatusRow {
        id,
        author: &new.author,
        uri: new.uri.clone(),
        url: new.url.clone(),
        visibility: new.visibility,
        created_at: new.published,
        app_id: None,
        kind: RowKind::Post {
            text_source: String::new(),
            content_html: new.content_html.clone(),
            spoiler_text: new.spoiler_text.clone(),
            sensitive: new.sensitive,
            language: new.language.clone(),
            parent: new.in_reply_to.as_ref(),
            in_reply_to_uri: new.in_reply_to_uri.clone(),
            edited_at: new.edited,
        },
    })
}
