//! Attachments of local statuses: `media_ids` on post and edit (up to four, in the given
//! order), and what each version of the edit history showed.

use std::collections::HashMap;

use palisade_store::Tx;
use palisade_store::media::{self as store, Media};

use super::remote::MAX_ATTACHMENTS;
use crate::{Core, Error, Result};

/// Whose files, besides free uploads, `media_ids` may name.
#[derive(Clone, Copy, Debug)]
pub(crate) enum MediaOwner {
    /// A new status: only uploads nothing holds.
    None,
    /// An edit of this status: also its own attachments.
    Status(i64),
    /// This scheduled status being published: also what it holds.
    Scheduled(i64),
}

impl Core {
    /// Checks `media_ids` as Mastodon does and returns them as ids, in order: at most four,
    /// the author's own uploads that no other status shows, processed, and no video or
    /// audio among several files. `owner`: the status being edited, or the scheduled status
    /// being published, whose own files count as free. With `allow_processing` (the web's
    /// compose form, which uploads and posts in one submit), files still being processed are
    /// accepted too.
    pub(crate) async fn attachable_media(
        &self,
        author_id: i64,
        media_ids: &[String],
        owner: MediaOwner,
        allow_processing: bool,
    ) -> Result<Vec<i64>> {
        let (status_id, scheduled_id) = match owner {
            MediaOwner::None => (None, None),
            MediaOwner::Status(id) => (Some(id), None),
            MediaOwner::Scheduled(id) => (None, Some(id)),
        };
        let mut ids: Vec<i64> = Vec::new();
        let mut unknown: Vec<String> = Vec::new();
        for raw in media_ids {
            let raw = raw.trim();
            if raw.is_empty() {
                continue;
            }
            match raw.parse::<i64>() {
                Ok(id) if !ids.contains(&id) => ids.push(id),
                Ok(_) => {}
                Err(_) => unknown.push(raw.to_owned()),
            }
        }
        if ids.len() + unknown.len() > MAX_ATTACHMENTS {
            return Err(Error::invalid(format!(
                "Cannot attach more than {MAX_ATTACHMENTS} files"
            )));
        }
        let found: HashMap<i64, Media> =
            store::attachable(&self.db, author_id, &ids, status_id, scheduled_id)
                .await?
                .into_iter()
                .map(|m| (m.id, m))
                .collect();
        unknown.extend(
            ids.iter()
                .filter(|id| !found.contains_key(id))
                .map(i64::to_string),
        );
        if !unknown.is_empty() {
            return Err(Error::invalid(format!(
                "Media {} not found or already attached to another post",
                unknown.join(", ")
            )));
        }
        let list: Vec<&Media> = ids.iter().filter_map(|id| found.get(id)).collect();
        let usable = |m: &&Media| m.state == "ready" || (allow_processing && m.state == "processing");
        if !list.iter().all(usable) {
            return Err(Error::invalid(
                "Cannot attach files that have not finished processing. Try again in a moment!",
            ));
        }
        if list.len() > 1 && list.iter().any(|m| matches!(m.kind.as_str(), "video" | "audio")) {
            return Err(Error::invalid(
                "Cannot attach a video to a post that already contains images",
            ));
        }
        Ok(ids)
    }

    /// The attachments a status shows now: (id, description), in order.
    pub(crate) async fn media_snapshot(&self, tx: &mut Tx, status_id: i64) -> Result<Vec<(i64, String)>> {
        Ok(store::of_statuses(&mut *tx, &[status_id])
            .await?
            .into_iter()
            .map(|m| (m.id, m.description))
            .collect())
    }

    /// The attachments of edit-history versions, with the descriptions they had then.
    pub async fn edit_media(&self, edit_ids: &[i64]) -> Result<HashMap<i64, Vec<Media>>> {
        let rows = store::edit_media(&self.db, edit_ids).await?;
        let ids: Vec<i64> = rows.iter().map(|(_, m, _)| *m).collect();
        let media: HashMap<i64, Media> = store::by_ids(&self.db, &ids)
            .await?
            .into_iter()
            .map(|m| (m.id, m))
            .collect();
        let mut out: HashMap<i64, Vec<Media>> = HashMap::new();
        for (edit, media_id, description) in rows {
            if let Some(m) = media.get(&media_id) {
                let mut m = m.clone();
                m.description = description;
                out.entry(edit).or_default().push(m);
            }
        }
        Ok(out)
    }

    /// What a local status' Note carries: its attachments and emoji.
    pub async fn published_media(
        &self,
        status_id: i64,
    ) -> Result<(Vec<Media>, Vec<palisade_store::emojis::Emoji>)> {
        let media = store::of_statuses(&self.db, &[status_id]).await?;
        let emojis = palisade_store::emojis::of_statuses(&self.db, &[status_id])
            .await?
            .into_iter()
            .map(|(_, e)| e)
            .collect();
        Ok((media, emojis))
    }

    /// Deletes a status' files with it (`delete_media=true`).
    pub(crate) async fn drop_status_media(&self, tx: &mut Tx, status_id: i64) -> Result<()> {
        let all: Vec<Media> = store::of_statuses(&mut *tx, &[status_id]).await?;
        self.drop_media_records(tx, &all).await
    }
}
