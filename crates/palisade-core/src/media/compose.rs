//! A post and its files in one submit (the web's compose form, which works without
//! JavaScript): each file is stored as `POST /api/v2/media` stores it (`upload_media`, the
//! same limits and checks), then the status is posted as `POST /api/v1/statuses` posts it
//! (`create_status`'s rules), except that files still being processed (video, audio,
//! animated GIFs) are accepted: the status shows them as processing and federates when they
//! are ready. If anything is refused nothing stays behind: the files stored so far are
//! deleted and no status is written. An edit with new files (the web's edit form) goes the
//! same way.

use super::NewMedia;
use super::remote::MAX_ATTACHMENTS;
use crate::auth::Viewer;
use crate::statuses::{NewStatus, StatusChanges};
use crate::views::StatusView;
use crate::{Core, Error};
use palisade_store::media as media_store;

/// Why a post with files was refused, and which file (0-based) if one was the reason.
#[derive(Debug)]
pub struct PostError {
    pub file: Option<usize>,
    pub error: Error,
}

impl From<Error> for PostError {
    fn from(error: Error) -> Self {
        PostError { file: None, error }
    }
}

impl Core {
    /// Stores `files` (in order, after any `media_ids` already given) and posts `new` with them.
    pub async fn post_with_files(
        &self,
        viewer: &Viewer,
        mut new: NewStatus,
        files: Vec<NewMedia>,
    ) -> Result<StatusView, PostError> {
        if files.len() + new.media_ids.len() > MAX_ATTACHMENTS {
            return Err(too_many().into());
        }
        let stored = self.store_files(viewer, files, false).await?;
        new.media_ids.extend(stored.iter().map(i64::to_string));
        let result = self.create_status_with(viewer, new, true).await;
        if result.is_err() {
            self.discard_uploads(viewer, &stored).await;
        }
        Ok(result?)
    }

    /// Stores `files` and edits the viewer's post `id` with `changes`, the new files after
    /// those `changes.media_ids` keeps (`None`: all it has). Video and audio are processed
    /// before the edit is saved, as the API's v1 upload does: an edit federates at once, and
    /// peers must get its files with it.
    pub async fn edit_with_files(
        &self,
        viewer: &Viewer,
        id: i64,
        mut changes: StatusChanges,
        files: Vec<NewMedia>,
    ) -> Result<StatusView, PostError> {
        if files.is_empty() {
            return Ok(self.edit_status(viewer, id, changes).await?);
        }
        let kept = match changes.media_ids.take() {
            Some(ids) => ids,
            None => media_store::of_statuses(&self.db, &[id])
                .await
                .map_err(Error::from)?
                .iter()
                .map(|m| m.id.to_string())
                .collect(),
        };
        if kept.len() + files.len() > MAX_ATTACHMENTS {
            return Err(too_many().into());
        }
        let stored = self.store_files(viewer, files, true).await?;
        changes.media_ids = Some(
            kept.into_iter()
                .chain(stored.iter().map(i64::to_string))
                .collect(),
        );
        let result = self.edit_status(viewer, id, changes).await;
        if result.is_err() {
            self.discard_uploads(viewer, &stored).await;
        }
        Ok(result?)
    }

    /// Stores each file as `upload_media` does; when one is refused, those stored before it
    /// are deleted and the error names it.
    async fn store_files(
        &self,
        viewer: &Viewer,
        files: Vec<NewMedia>,
        wait: bool,
    ) -> Result<Vec<i64>, PostError> {
        let mut stored = Vec::new();
        for (index, file) in files.into_iter().enumerate() {
            match self.upload_media(viewer, file, wait).await {
                Ok(m) => stored.push(m.id),
                Err(error) => {
                    self.discard_uploads(viewer, &stored).await;
                    return Err(PostError {
                        file: Some(index),
                        error,
                    });
                }
            }
        }
        Ok(stored)
    }

    /// Deletes the uploads of a refused submit.
    async fn discard_uploads(&self, viewer: &Viewer, ids: &[i64]) {
        for &id in ids {
            if let Err(e) = self.delete_media(viewer, id).await {
                tracing::warn!(media_id = id, error = %e, "an upload of a refused post was not deleted");
            }
        }
    }
}

fn too_many() -> Error {
    Error::invalid(format!("Cannot attach more than {MAX_ATTACHMENTS} files"))
}
