//! Posting, editing and deleting statuses; threads; edit history.

use palisade_store::media as media_store;
use palisade_store::statuses::{self, Status, StatusEdit};
use palisade_store::{Tx, Visibility, accounts, accounts::Account, ids::new_id, notifications, now_ms, tags};

use crate::accounts::find_mention;
use crate::auth::Viewer;
use crate::content::{self, Rendered};
use crate::events::Event;
use crate::live::LiveEvent;
use crate::media::MediaOwner;
use crate::preferences::{parse_visibility, preferences_of};
use crate::status_rows::{NewStatusRow, RowKind, build};
use crate::views::{StatusView, ViewOptions};
use crate::{Core, Error, Result};

/// A status as submitted by a client.
#[derive(Clone, Debug, Default)]
pub struct NewStatus {
    pub text: String,
    pub spoiler_text: String,
    pub sensitive: bool,
    pub visibility: Option<String>,
    pub language: Option<String>,
    pub in_reply_to_id: Option<i64>,
    pub idempotency_key: Option<String>,
    pub app_id: Option<i64>,
    pub media_ids: Vec<String>,
    pub poll: Option<crate::polls::NewPoll>,
    /// Publish later (Unix ms): at least five minutes ahead, as Mastodon requires.
    pub scheduled_at: Option<i64>,
}

/// What became of a submitted status.
pub enum Posted {
    Now(Box<StatusView>),
    Later(Box<crate::scheduled::ScheduledStatus>),
}

/// An edit (`PUT /api/v1/statuses/:id`).
#[derive(Default)]
pub struct StatusChanges {
    pub text: String,
    pub spoiler_text: String,
    pub sensitive: bool,
    pub language: Option<String>,
    /// The attachments after the edit, in order; `None` keeps them.
    pub media_ids: Option<Vec<String>>,
    /// Description, focus or thumbnail changes of attachments (`media_attributes[]`).
    pub media_attributes: Vec<(String, crate::media::MediaChanges)>,
}

/// A thread around a status.
pub struct Context {
    pub ancestors: Vec<StatusView>,
    pub descendants: Vec<StatusView>,
}

/// A status checked and rendered, ready to be written.
pub(crate) struct Prepared {
    pub status: Status,
    pub rendered: Rendered,
    pub parent: Option<Status>,
    pub poll: Option<crate::polls::NewPoll>,
    /// Attachments in order, checked as the author's and unattached.
    pub media_ids: Vec<i64>,
    pub emoji_ids: Vec<i64>,
}

impl Core {
    /// `POST /api/v1/statuses`: posts now, or schedules when `scheduled_at` is given.
    pub async fn post_status(&self, viewer: &Viewer, new: NewStatus) -> Result<Posted> {
        match new.scheduled_at {
            Some(at) => Ok(Posted::Later(Box::new(
                self.schedule_status(viewer, new, at).await?,
            ))),
            None => Ok(Posted::Now(Box::new(self.create_status(viewer, new).await?))),
        }
    }

    pub async fn create_status(&self, viewer: &Viewer, new: NewStatus) -> Result<StatusView> {
        self.create_status_with(viewer, new, false).await
    }

    /// [`Core::create_status`]; with `allow_processing`, attachments still being processed
    /// (a video uploaded with the post on the web) are accepted, and the status federates
    /// when the last of them is done (`media::uploads`).
    pub(crate) async fn create_status_with(
        &self,
        viewer: &Viewer,
        new: NewStatus,
        allow_processing: bool,
    ) -> Result<StatusView> {
        let author = viewer.account()?;
        if let Some(key) = &new.idempotency_key
            && let Some(id) = statuses::idempotent(&self.db, author.id, key).await?
        {
            return self.status_view(Some(author), id).await;
        }
        let visibility = self.visibility_for(viewer, new.visibility.as_deref())?;
        let prepared = self
            .prepare_status_with(author, visibility, &new, None, allow_processing)
            .await?;
        let id = prepared.status.id;
        let mut tx = self.db.begin().await?;
        self.write_status(&mut tx, author, prepared).await?;
        if let Some(key) = &new.idempotency_key {
            statuses::remember_idempotent(&mut tx, author.id, key, id).await?;
        }
        tx.commit().await?;
        self.status_view(Some(author), id).await
    }

    /// The visibility a new status gets: the one asked for, else the poster's default.
    pub(crate) fn visibility_for(&self, viewer: &Viewer, asked: Option<&str>) -> Result<Visibility> {
        Ok(match asked {
            Some(given) => parse_visibility("visibility", given)?,
            None => viewer
                .user
                .as_ref()
                .and_then(|u| preferences_of(u).default_privacy)
                .and_then(|p| Visibility::parse(&p))
                .unwrap_or(Visibility::Public),
        })
    }

    /// Checks and renders a new status of `author`. `scheduled`: the scheduled status being
    /// published, whose held files it takes and which, replying to a status the author
    /// cannot see any more, becomes a status of its own; otherwise such a reply is refused.
    pub(crate) async fn prepare_status(
        &self,
        author: &Account,
        visibility: Visibility,
        new: &NewStatus,
        scheduled: Option<i64>,
    ) -> Result<Prepared> {
        self.prepare_status_with(author, visibility, new, scheduled, false)
            .await
    }

    async fn prepare_status_with(
        &self,
        author: &Account,
        visibility: Visibility,
        new: &NewStatus,
        scheduled: Option<i64>,
        allow_processing: bool,
    ) -> Result<Prepared> {
        let strict = scheduled.is_none();
        let owner = scheduled.map_or(MediaOwner::None, MediaOwner::Scheduled);
        let media_ids = self
            .attachable_media(author.id, &new.media_ids, owner, allow_processing)
            .await?;
        self.check_text(&new.text, &new.spoiler_text, !media_ids.is_empty())?;
        // A poll may come with attachments (Mastodon.py's test_poll_with_media expects it).
        if let Some(p) = &new.poll {
            crate::polls::validate(p)?;
        }
        let parent = match new.in_reply_to_id {
            Some(id) => match self.status_view(Some(author), id).await {
                Ok(v) => Some(v.status),
                Err(e) if strict => return Err(e),
                Err(_) => None,
            },
            None => None,
        };
        let rendered = self.render_status(&new.text).await?;
        let emoji_ids: Vec<i64> = self
            .local_emojis_in(&[&new.text, &new.spoiler_text])
            .await?
            .iter()
            .map(|e| e.id)
            .collect();
        let id = new_id();
        let urls = self.urls();
        let status = build(NewStatusRow {
            id,
            author,
            uri: urls.status(&author.username, id),
            url: Some(urls.status_page(&author.username, id)),
            visibility,
            created_at: now_ms(),
            app_id: new.app_id,
            kind: RowKind::Post {
                text_source: new.text.clone(),
                content_html: rendered.html.clone(),
                spoiler_text: new.spoiler_text.trim().to_owned(),
                sensitive: new.sensitive,
                language: Some(normalize_language(new.language.as_deref())),
                parent: parent.as_ref(),
                in_reply_to_uri: None,
                edited_at: None,
            },
        });
        Ok(Prepared {
            status,
            rendered,
            parent,
            poll: new.poll.clone(),
            media_ids,
            emoji_ids,
        })
    }

    /// Writes a prepared status in `tx`: row, mentions, tags, counters, poll, notifications,
    /// feeds, conversations, the federation event and the live event.
    pub(crate) async fn write_status(&self, tx: &mut Tx, author: &Account, p: Prepared) -> Result<()> {
        let Prepared {
            status,
            rendered,
            parent,
            poll,
            media_ids,
            emoji_ids,
        } = p;
        let id = status.id;
        statuses::insert(&mut *tx, &status).await?;
        statuses::insert_mentions(&mut *tx, id, &rendered.mention_ids).await?;
        let tag_ids: Vec<i64> = tags::upsert(&mut *tx, &rendered.tags)
            .await?
            .iter()
            .map(|t| t.id)
            .collect();
        tags::attach(&mut *tx, id, &tag_ids).await?;
        media_store::set_status_order(&mut *tx, id, &media_ids).await?;
        // Read after the rows were claimed, so that a worker finishing one meanwhile either
        // sees this status (and federates it) or is seen here as done.
        let processing = !media_ids.is_empty()
            && media_store::of_statuses(&mut *tx, &[id])
                .await?
                .iter()
                .any(|m| m.state == "processing");
        if !emoji_ids.is_empty() {
            palisade_store::emojis::attach(&mut *tx, id, &emoji_ids).await?;
        }
        self.queue_new_card(tx, id, &rendered.html, !media_ids.is_empty())
            .await?;
        accounts::count_new_status(&mut *tx, author.id, status.created_at).await?;
        if let Some(p) = &parent {
            statuses::add_counts(&mut *tx, p.id, 1, 0, 0).await?;
        }
        if let Some(poll) = &poll {
            self.insert_local_poll(tx, id, author.id, poll).await?;
        }
        self.notify_many(tx, &rendered.mention_ids, author.id, "mention", Some(id))
            .await?;
        self.fan_out(tx, &status, &rendered.mention_ids, &tag_ids).await?;
        self.add_to_conversations(tx, &status, &rendered.mention_ids)
            .await?;
        if !processing {
            self.emit(tx, vec![Event::StatusCreated { status_id: id }])
                .await?;
        }
        self.live(tx, LiveEvent::StatusCreated { id });
        Ok(())
    }

    pub async fn edit_status(&self, viewer: &Viewer, id: i64, changes: StatusChanges) -> Result<StatusView> {
        let author = viewer.account()?;
        let status = self.own_status(author, id).await?;
        if status.reblog_of_id.is_some() {
            return Err(Error::not_found());
        }
        let current = media_store::of_statuses(&self.db, &[id]).await?;
        // Posted from the web with files still processing, it has not federated yet: an
        // edit now would send peers an Update for a note they never received.
        if current.iter().any(|m| m.state == "processing") {
            return Err(Error::invalid(
                "Cannot edit a post whose files have not finished processing. Try again in a moment!",
            ));
        }
        let before_media: Vec<(i64, String)> = current.into_iter().map(|m| (m.id, m.description)).collect();
        let media_ids = match &changes.media_ids {
            Some(ids) => {
                self.attachable_media(author.id, ids, MediaOwner::Status(id), false)
                    .await?
            }
            None => before_media.iter().map(|(m, _)| *m).collect(),
        };
        self.check_text(&changes.text, &changes.spoiler_text, !media_ids.is_empty())?;
        // Descriptions, focus points and thumbnails of the attachments kept or added.
        for (media_id, attrs) in changes.media_attributes {
            let Ok(mid) = media_id.trim().parse::<i64>() else {
                continue;
            };
            if !media_ids.contains(&mid) {
                continue;
            }
            if let Some(m) = media_store::by_id(&self.db, mid)
                .await?
                .filter(|m| m.account_id == Some(author.id) && !m.is_remote())
            {
                self.apply_media_changes(&m, attrs).await?;
            }
        }
        let after_media: Vec<(i64, String)> = {
            let found = media_store::by_ids(&self.db, &media_ids).await?;
            media_ids
                .iter()
                .filter_map(|i| {
                    found
                        .iter()
                        .find(|m| m.id == *i)
                        .map(|m| (m.id, m.description.clone()))
                })
                .collect()
        };
        let rendered = self.render_status(&changes.text).await?;
        let spoiler = changes.spoiler_text.trim().to_owned();
        let sensitive = changes.sensitive || !spoiler.is_empty();
        let language = changes.language.as_deref().map(|l| normalize_language(Some(l)));
        let unchanged = status.text_source == changes.text
            && status.spoiler_text == spoiler
            && status.sensitive == sensitive
            && before_media == after_media
            && language
                .as_ref()
                .is_none_or(|l| status.language.as_ref() == Some(l));
        let emoji_ids: Vec<i64> = self
            .local_emojis_in(&[&changes.text, &spoiler])
            .await?
            .iter()
            .map(|e| e.id)
            .collect();
        let mut tx = self.db.begin().await?;
        if !unchanged {
            if statuses::edits(&mut tx, id).await?.is_empty() {
                // The first edit also records the original, as Mastodon's history shows it.
                let original = edit_of(&status, status.created_at);
                statuses::insert_edit(&mut tx, &original).await?;
                media_store::insert_edit_media(&mut tx, original.id, &before_media).await?;
            }
            let edited_at = statuses::update_content(
                &mut tx,
                id,
                &statuses::Edit {
                    text_source: &changes.text,
                    content_html: &rendered.html,
                    spoiler_text: &spoiler,
                    sensitive,
                    language: language.as_deref(),
                },
            )
            .await?;
            media_store::set_status_order(&mut tx, id, &media_ids).await?;
            let updated = statuses::by_id(&mut tx, id).await?.ok_or_else(Error::not_found)?;
            let version = edit_of(&updated, edited_at);
            statuses::insert_edit(&mut tx, &version).await?;
            media_store::insert_edit_media(&mut tx, version.id, &after_media).await?;
            let before: Vec<i64> = statuses::mentions_of(&mut tx, &[id])
                .await?
                .into_iter()
                .map(|(_, a)| a)
                .collect();
            statuses::delete_mentions(&mut tx, id).await?;
            statuses::insert_mentions(&mut tx, id, &rendered.mention_ids).await?;
            let added: Vec<i64> = rendered
                .mention_ids
                .iter()
                .copied()
                .filter(|m| !before.contains(m))
                .collect();
            self.notify_many(&mut tx, &added, author.id, "mention", Some(id))
                .await?;
            tags::detach_all(&mut tx, id).await?;
            let tag_ids: Vec<i64> = tags::upsert(&mut tx, &rendered.tags)
                .await?
                .iter()
                .map(|t| t.id)
                .collect();
            tags::attach(&mut tx, id, &tag_ids).await?;
            palisade_store::emojis::attach(&mut tx, id, &emoji_ids).await?;
            self.queue_card(&mut tx, id, &rendered.html, !media_ids.is_empty())
                .await?;
            let boosters: Vec<i64> = statuses::reblog_ids_of(&mut tx, id)
                .await?
                .into_iter()
                .map(|(_, b)| b)
                .collect();
            self.notify_many(&mut tx, &boosters, author.id, "update", Some(id))
                .await?;
            self.emit(&mut tx, vec![Event::StatusUpdated { status_id: id }])
                .await?;
            self.live(&mut tx, LiveEvent::StatusEdited { id });
        }
        tx.commit().await?;
        self.status_view(Some(author), id).await
    }

    /// Deletes a status; returns its last view (with the source text, for "delete and
    /// redraft"), as Mastodon does.
    /// With `delete_media`, its attachments go too; otherwise they stay, unattached, for a
    /// "delete and redraft" to use again (and are swept after a day if it does not).
    pub async fn delete_status(&self, viewer: &Viewer, id: i64, delete_media: bool) -> Result<StatusView> {
        let author = viewer.account()?;
        let status = self.own_status(author, id).await?;
        let view = self.status_view(Some(author), id).await?;
        let mut tx = self.db.begin().await?;
        if delete_media {
            self.drop_status_media(&mut tx, id).await?;
        }
        let mentioned: Vec<i64> = statuses::mentions_of(&mut tx, &[id])
            .await?
            .into_iter()
            .map(|(_, a)| a)
            .collect();
        if !self.remove_status(&mut tx, &status).await? {
            return Ok(view);
        }
        let event = match status.reblog_of_id {
            Some(original_id) => Event::Unreblogged {
                boost_id: Some(status.id),
                account_id: author.id,
                uri: status.uri.clone(),
                original_id,
            },
            None => Event::StatusDeleted {
                status_id: Some(status.id),
                account_id: author.id,
                uri: status.uri.clone(),
                visibility: status.visibility,
                mentioned,
            },
        };
        self.emit(&mut tx, vec![event]).await?;
        tx.commit().await?;
        Ok(view)
    }

    /// Removes a status row and keeps every counter that counted it right; does nothing
    /// (and returns `false`) when a concurrent request removed it first.
    pub(crate) async fn remove_status(&self, tx: &mut Tx, status: &Status) -> Result<bool> {
        let boosters = statuses::reblog_ids_of(&mut *tx, status.id).await?;
        let conversations = palisade_store::conversations::holding(&mut *tx, status.id).await?;
        let tag_names: Vec<String> = tags::of_statuses(&mut *tx, &[status.id])
            .await?
            .into_iter()
            .map(|(_, t)| t.name)
            .collect();
        let mentioned: Vec<i64> = statuses::mentions_of(&mut *tx, &[status.id])
            .await?
            .into_iter()
            .map(|(_, a)| a)
            .collect();
        if !statuses::delete(&mut *tx, status.id).await? {
            return Ok(false);
        }
        palisade_store::conversations::refresh(&mut *tx, &conversations).await?;
        self.live(
            tx,
            LiveEvent::StatusDeleted {
                id: status.id,
                author: status.account_id,
                visibility: status.visibility,
                local: status.local,
                boost: status.reblog_of_id.is_some(),
                tags: tag_names,
                mentioned,
            },
        );
        if !conversations.is_empty() {
            self.live(tx, LiveEvent::Conversations { ids: conversations });
        }
        for (_, booster) in boosters {
            accounts::add_counts(&mut *tx, booster, -1, 0, 0).await?;
        }
        if let Some(parent) = status.in_reply_to_id {
            statuses::add_counts(&mut *tx, parent, -1, 0, 0).await?;
        }
        if let Some(orig) = status.reblog_of_id {
            statuses::add_counts(&mut *tx, orig, 0, -1, 0).await?;
            if let Some(original) = statuses::by_id(&mut *tx, orig).await? {
                notifications::remove(
                    &mut *tx,
                    original.account_id,
                    status.account_id,
                    "reblog",
                    Some(orig),
                )
                .await?;
            }
        }
        accounts::add_counts(&mut *tx, status.account_id, -1, 0, 0).await?;
        Ok(true)
    }

    pub async fn status_context(&self, viewer: Option<&Account>, id: i64) -> Result<Context> {
        self.status_view(viewer, id).await?;
        let ancestor_ids = statuses::ancestors(&self.db, id, 40).await?;
        let pairs = statuses::descendants(&self.db, id, 4096, 64).await?;
        let descendant_ids = depth_first(id, &pairs);
        let opts = ViewOptions {
            hide_blocked_and_muted: true,
            filter: Some(crate::filters::FilterContext::Thread),
            keep_hidden: false,
        };
        Ok(Context {
            ancestors: self.status_views(viewer, &ancestor_ids, opts).await?,
            descendants: self.status_views(viewer, &descendant_ids, opts).await?,
        })
    }

    /// The versions of a status, oldest first, each with its attachments; a never-edited
    /// status has one.
    pub async fn status_history(
        &self,
        viewer: Option<&Account>,
        id: i64,
    ) -> Result<(StatusView, Vec<(StatusEdit, Vec<media_store::Media>)>)> {
        let view = self.status_view(viewer, id).await?;
        let edits = statuses::edits(&self.db, id).await?;
        if edits.is_empty() {
            let only = edit_of(&view.status, view.status.created_at);
            let media = view.media.clone();
            return Ok((view, vec![(only, media)]));
        }
        let ids: Vec<i64> = edits.iter().map(|e| e.id).collect();
        let mut media = self.edit_media(&ids).await?;
        let versions = edits
            .into_iter()
            .map(|e| {
                let m = media.remove(&e.id).unwrap_or_default();
                (e, m)
            })
            .collect();
        Ok((view, versions))
    }

    /// Mutes (`on`) or unmutes notifications from the thread of a status the viewer sees.
    pub async fn set_conversation_muted(&self, viewer: &Viewer, id: i64, on: bool) -> Result<StatusView> {
        let me = viewer.account()?;
        let mut status = self.status_view(Some(me), id).await?.status;
        // Muting through a boost mutes the boosted thread.
        if let Some(original) = status.reblog_of_id {
            status = statuses::by_id(&self.db, original)
                .await?
                .ok_or_else(Error::not_found)?;
        }
        let conversation = status.conversation_id.unwrap_or(status.id);
        statuses::set_conversation_muted(&self.db, me.id, conversation, on).await?;
        self.status_view(Some(me), id).await
    }

    pub(crate) async fn own_status(&self, author: &Account, id: i64) -> Result<Status> {
        statuses::by_id(&self.db, id)
            .await?
            .filter(|s| s.account_id == author.id)
            .ok_or_else(Error::not_found)
    }

    fn check_text(&self, text: &str, spoiler: &str, has_media: bool) -> Result<()> {
        if text.trim().is_empty() && !has_media {
            return Err(Error::field("text", "ERR_BLANK", "can't be blank"));
        }
        let max = self.settings.limits.max_status_chars;
        if content::counted_length(text) + spoiler.chars().count() > max {
            return Err(Error::field(
                "text",
                "ERR_TOO_LONG",
                &format!("character limit of {max} exceeded"),
            ));
        }
        Ok(())
    }

    async fn render_status(&self, text: &str) -> Result<Rendered> {
        let resolved = self.resolve_mentions(&content::mentions(text)).await?;
        Ok(content::render(text, &self.settings.public_url, &|m| {
            find_mention(&resolved, m)
        }))
    }
}

fn edit_of(s: &Status, at: i64) -> StatusEdit {
    StatusEdit {
        id: new_id(),
        status_id: s.id,
        text_source: s.text_source.clone(),
        content_html: s.content_html.clone(),
        spoiler_text: s.spoiler_text.clone(),
        sensitive: s.sensitive,
        created_at: at,
    }
}

/// Orders (id, parent) pairs depth-first from `root`, children oldest first.
fn depth_first(root: i64, pairs: &[(i64, i64)]) -> Vec<i64> {
    let mut children: std::collections::HashMap<i64, Vec<i64>> = std::collections::HashMap::new();
    for (child, parent) in pairs {
        children.entry(*parent).or_default().push(*child);
    }
    let mut out = Vec::with_capacity(pairs.len());
    let mut stack = vec![root];
    while let Some(node) = stack.pop() {
        if node != root {
            out.push(node);
        }
        if let Some(kids) = children.get_mut(&node) {
            kids.sort_unstable_by(|a, b| b.cmp(a));
            stack.extend(kids.iter().copied());
        }
    }
    out
}

/// A known ISO 639-1 code (region suffixes like `en-GB` are cut), `en` otherwise.
fn normalize_language(lang: Option<&str>) -> String {
    let code = lang.map(|l| l.trim().split(['-', '_']).next().unwrap_or("").to_lowercase());
    match code {
        Some(c) if crate::languages::is_known(&c) => c,
        _ => "en".into(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn depth_first_orders_threads() {
        // 1 ← 2 ← 4, 1 ← 3
        let pairs = [(2, 1), (3, 1), (4, 2)];
        assert_eq!(super::depth_first(1, &pairs), vec![2, 4, 3]);
    }
}
