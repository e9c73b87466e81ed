//! From an event to an activity and the inboxes that must receive it.

use palisade_core::events::Event;
use palisade_core::model::Visibility;
use palisade_core::store::accounts::{self, Account};
use palisade_core::store::statuses::{self, Status};
use palisade_core::store::{jobs, now_ms, relationships, tags, tombstones};
use serde_json::{Value, json};

use super::deliver::{DELIVER_QUEUE, DeliveryJob};
use crate::context::{FedError, FedResult, Federation};
use crate::documents::{self, PUBLIC};
use crate::vocab;

/// An activity to send, signed by `signer`, to `inboxes`.
pub(super) struct Plan {
    pub(super) signer: Account,
    pub(super) activity: Value,
    pub(super) inboxes: Vec<String>,
}

impl Federation {
    /// Turns one event into delivery jobs (one per distinct inbox).
    pub async fn plan_event(&self, event: &Event) -> FedResult<usize> {
        let Some(plan) = self.plan(event).await? else {
            return Ok(0);
        };
        let mut inboxes = plan.inboxes;
        inboxes.sort();
        inboxes.dedup();
        inboxes.retain(|i| !vocab::same_origin(i, self.base_url()));
        // Never a delivery to a suspended (or, in allowlist mode, unlisted) domain.
        let policies = self.core.policies().await?;
        inboxes.retain(|i| {
            !policies.refused(
                palisade_core::policy::Boundary::Deliver,
                vocab::host_of(i).as_deref(),
            )
        });
        let body = plan.activity.to_string();
        let mut tx = self.core.db.begin().await?;
        for inbox in &inboxes {
            let job = DeliveryJob {
                inbox: inbox.clone(),
                body: body.clone(),
                signer_id: plan.signer.id,
            };
            let payload = serde_json::to_string(&job).map_err(|e| FedError::Invalid(e.to_string()))?;
            jobs::enqueue(
                &mut tx,
                DELIVER_QUEUE,
                &payload,
                vocab::host_of(inbox).as_deref(),
                now_ms(),
            )
            .await?;
        }
        tx.commit().await?;
        self.wake.notify_waiters();
        Ok(inboxes.len())
    }

    async fn plan(&self, event: &Event) -> FedResult<Option<Plan>> {
        let db = &self.core.db;
        let account = |id: i64| async move { accounts::by_id(db, id).await.map_err(FedError::from) };
        Ok(match event {
            Event::StatusCreated { status_id } | Event::StatusUpdated { status_id } => {
                let Some(s) = statuses::by_id(db, *status_id).await? else {
                    return Ok(None);
                };
                let Some(author) = account(s.account_id).await? else {
                    return Ok(None);
                };
                let (note, mentioned) = self.note_of(&s, &author).await?;
                let (to, cc) = (note["to"].clone(), note["cc"].clone());
                let (kind, id) = match event {
                    Event::StatusCreated { .. } => ("Create", format!("{}/activity", s.uri)),
                    _ => (
                        "Update",
                        format!("{}#updates/{}", s.uri, s.edited_at.unwrap_or_else(now_ms)),
                    ),
                };
                let mut activity = documents::activity(kind, &id, &author.uri, note, &[], &[]);
                activity["to"] = to;
                activity["cc"] = cc;
                let inboxes = self.audience_inboxes(&s, &author, &mentioned).await?;
                Some(Plan {
                    signer: author,
                    activity,
                    inboxes,
                })
            }
            Event::StatusDeleted {
                account_id,
                uri,
                visibility,
                mentioned,
            } => {
                let Some(author) = account(*account_id).await? else {
                    return Ok(None);
                };
                tombstones::add(db, uri, author.id).await?;
                let mut inboxes = if *visibility == Visibility::Direct {
                    Vec::new()
                } else {
                    relationships::remote_follower_inboxes(db, author.id).await?
                };
                for m in accounts::by_ids(db, mentioned).await? {
                    inboxes.extend(preferred_inbox(&m));
                }
                let activity = documents::activity(
                    "Delete",
                    &format!("{uri}#delete"),
                    &author.uri,
                    documents::tombstone(uri),
                    &[PUBLIC.into()],
                    &[],
                );
                Some(Plan {
                    signer: author,
                    activity,
                    inboxes,
                })
            }
            Event::Reblogged { status_id } => {
                let Some(boost) = statuses::by_id(db, *status_id).await? else {
                    return Ok(None);
                };
                let Some(original) = boost.reblog_of_id else {
                    return Ok(None);
                };
                let Some(original) = statuses::by_id(db, original).await? else {
                    return Ok(None);
                };
                let (Some(booster), Some(author)) = (
                    account(boost.account_id).await?,
                    account(original.account_id).await?,
                ) else {
                    return Ok(None);
                };
                let to = if boost.visibility == Visibility::Public {
                    vec![PUBLIC.to_owned()]
                } else {
                    vec![booster.followers_url.clone().unwrap_or_default()]
                };
                let cc = vec![
                    author.uri.clone(),
                    booster.followers_url.clone().unwrap_or_default(),
                ];
                let mut activity = documents::activity(
                    "Announce",
                    &boost.uri,
                    &booster.uri,
                    json!(original.uri),
                    &to,
                    &cc,
                );
                activity["published"] = json!(iso(boost.created_at));
                let mut inboxes = relationships::remote_follower_inboxes(db, booster.id).await?;
                inboxes.extend(preferred_inbox(&author));
                Some(Plan {
                    signer: booster,
                    activity,
                    inboxes,
                })
            }
            Event::Unreblogged {
                account_id,
                uri,
                original_id,
            } => {
                let Some(booster) = account(*account_id).await? else {
                    return Ok(None);
                };
                let Some(original) = statuses::by_id(db, *original_id).await? else {
                    return Ok(None);
                };
                let author = account(original.account_id).await?;
                let inner =
                    json!({"id": uri, "type": "Announce", "actor": booster.uri, "object": original.uri});
                let activity = documents::activity(
                    "Undo",
                    &format!("{uri}#undo"),
                    &booster.uri,
                    inner,
                    &[PUBLIC.into()],
                    &[],
                );
                let mut inboxes = relationships::remote_follower_inboxes(db, booster.id).await?;
                inboxes.extend(author.as_ref().and_then(preferred_inbox));
                Some(Plan {
                    signer: booster,
                    activity,
                    inboxes,
                })
            }
            Event::Favourited {
                account_id,
                status_id,
            }
            | Event::Unfavourited {
                account_id,
                status_id,
            } => {
                let Some(s) = statuses::by_id(db, *status_id).await? else {
                    return Ok(None);
                };
                let (Some(me), Some(author)) = (account(*account_id).await?, account(s.account_id).await?)
                else {
                    return Ok(None);
                };
                if author.is_local() {
                    return Ok(None);
                }
                let like_id = documents::like_id(&me, s.id);
                let like = documents::activity(
                    "Like",
                    &like_id,
                    &me.uri,
                    json!(s.uri),
                    std::slice::from_ref(&author.uri),
                    &[],
                );
                let activity = match event {
                    Event::Favourited { .. } => like,
                    _ => documents::activity(
                        "Undo",
                        &format!("{like_id}/undo"),
                        &me.uri,
                        strip_context(like),
                        std::slice::from_ref(&author.uri),
                        &[],
                    ),
                };
                Some(Plan {
                    signer: me,
                    activity,
                    inboxes: preferred_inbox(&author).into_iter().collect(),
                })
            }
            Event::FollowRequested {
                account_id,
                target_id,
            }
            | Event::FollowWithdrawn {
                account_id,
                target_id,
                ..
            } => {
                let (Some(me), Some(target)) = (account(*account_id).await?, account(*target_id).await?)
                else {
                    return Ok(None);
                };
                if target.is_local() {
                    return Ok(None);
                }
                let follow_uri = match event {
                    Event::FollowWithdrawn { follow_uri, .. } => follow_uri.clone(),
                    _ => relationships::get(db, relationships::FollowTable::Requests, me.id, target.id)
                        .await?
                        .and_then(|f| f.uri),
                };
                let follow_id = follow_uri.unwrap_or_else(|| format!("{}#follows/{}", me.uri, target.id));
                let follow = documents::activity(
                    "Follow",
                    &follow_id,
                    &me.uri,
                    json!(target.uri),
                    std::slice::from_ref(&target.uri),
                    &[],
                );
                let activity = match event {
                    Event::FollowRequested { .. } => follow,
                    _ => documents::activity(
                        "Undo",
                        &format!("{follow_id}/undo"),
                        &me.uri,
                        strip_context(follow),
                        std::slice::from_ref(&target.uri),
                        &[],
                    ),
                };
                Some(Plan {
                    signer: me,
                    activity,
                    inboxes: preferred_inbox(&target).into_iter().collect(),
                })
            }
            Event::FollowAccepted {
                account_id,
                target_id,
                follow_uri,
            }
            | Event::FollowRejected {
                account_id,
                target_id,
                follow_uri,
            } => {
                let (Some(follower), Some(me)) = (account(*account_id).await?, account(*target_id).await?)
                else {
                    return Ok(None);
                };
                if follower.is_local() {
                    return Ok(None);
                }
                let kind = if matches!(event, Event::FollowAccepted { .. }) {
                    "Accept"
                } else {
                    "Reject"
                };
                let mut follow = json!({"type": "Follow", "actor": follower.uri, "object": me.uri});
                if let Some(id) = follow_uri {
                    follow["id"] = json!(id);
                }
                let id = format!(
                    "{}#{}s/{}",
                    me.uri,
                    kind.to_lowercase(),
                    palisade_core::store::ids::new_id()
                );
                let activity = documents::activity(
                    kind,
                    &id,
                    &me.uri,
                    follow,
                    std::slice::from_ref(&follower.uri),
                    &[],
                );
                Some(Plan {
                    signer: me,
                    activity,
                    inboxes: preferred_inbox(&follower).into_iter().collect(),
                })
            }
            Event::Blocked {
                account_id,
                target_id,
            }
            | Event::Unblocked {
                account_id,
                target_id,
            } => {
                let (Some(me), Some(target)) = (account(*account_id).await?, account(*target_id).await?)
                else {
                    return Ok(None);
                };
                if target.is_local() {
                    return Ok(None);
                }
                let block_id = documents::block_id(&me, target.id);
                let block = documents::activity(
                    "Block",
                    &block_id,
                    &me.uri,
                    json!(target.uri),
                    std::slice::from_ref(&target.uri),
                    &[],
                );
                let activity = match event {
                    Event::Blocked { .. } => block,
                    _ => documents::activity(
                        "Undo",
                        &format!("{block_id}/undo"),
                        &me.uri,
                        strip_context(block),
                        std::slice::from_ref(&target.uri),
                        &[],
                    ),
                };
                Some(Plan {
                    signer: me,
                    activity,
                    inboxes: preferred_inbox(&target).into_iter().collect(),
                })
            }
            Event::ProfileUpdated { account_id } => {
                let Some(me) = account(*account_id).await? else {
                    return Ok(None);
                };
                let pem = self.local_public_key(&me).await?;
                let actor = strip_context(documents::actor(&me, &pem, self.base_url()));
                let id = format!("{}#updates/{}", me.uri, now_ms());
                let activity = documents::activity("Update", &id, &me.uri, actor, &[PUBLIC.into()], &[]);
                let inboxes = relationships::remote_follower_inboxes(db, me.id).await?;
                Some(Plan {
                    signer: me,
                    activity,
                    inboxes,
                })
            }
            Event::ReportForwarded {
                report_id,
                recipients,
            } => self.plan_flag(*report_id, recipients).await?,
        })
    }

    /// The Note of a local status and the accounts it mentions.
    pub async fn note_of(&self, s: &Status, author: &Account) -> FedResult<(Value, Vec<Account>)> {
        let db = &self.core.db;
        let mention_ids: Vec<i64> = statuses::mentions_of(db, &[s.id])
            .await?
            .into_iter()
            .map(|(_, a)| a)
            .collect();
        let mentioned = accounts::by_ids(db, &mention_ids).await?;
        let tag_list: Vec<_> = tags::of_statuses(db, &[s.id])
            .await?
            .into_iter()
            .map(|(_, t)| t)
            .collect();
        let parent = match s.in_reply_to_id {
            Some(p) => statuses::by_id(db, p).await?.map(|p| p.uri),
            None => s.in_reply_to_uri.clone(),
        };
        let note = documents::note(
            s,
            author,
            &mentioned,
            &tag_list,
            parent.as_deref(),
            self.base_url(),
        );
        Ok((note, mentioned))
    }

    /// Followers (unless direct), mentioned accounts, and the author replied to.
    async fn audience_inboxes(
        &self,
        s: &Status,
        author: &Account,
        mentioned: &[Account],
    ) -> FedResult<Vec<String>> {
        let db = &self.core.db;
        let mut inboxes = if s.visibility == Visibility::Direct {
            Vec::new()
        } else {
            relationships::remote_follower_inboxes(db, author.id).await?
        };
        inboxes.extend(mentioned.iter().filter_map(preferred_inbox));
        if s.visibility.is_open()
            && let Some(parent_author) = s.in_reply_to_account_id
            && let Some(p) = accounts::by_id(db, parent_author).await?
        {
            inboxes.extend(preferred_inbox(&p));
        }
        Ok(inboxes)
    }
}

/// A remote account's shared inbox, or its own.
pub(super) fn preferred_inbox(a: &Account) -> Option<String> {
    if a.is_local() {
        return None;
    }
    a.shared_inbox_url.clone().or_else(|| a.inbox_url.clone())
}

/// An activity embedded in another does not repeat the `@context`.
fn strip_context(mut v: Value) -> Value {
    if let Some(o) = v.as_object_mut() {
        o.remove("@context");
    }
    v
}

fn iso(ms: i64) -> String {
    let t = time::OffsetDateTime::from_unix_timestamp(ms / 1000).unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}
