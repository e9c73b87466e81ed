//! A post and its files in one submit (the web's compose form, which works without
//! JavaScript): each file is stored as `POST /api/v2/media` stores it (`upload_media`, the
//! same limits and checks), then the status is posted as `POST /api/v1/statuses` posts it
//! (`create_status`'s rules), except that files still being processed (video, audio,
//! animated GIFs) are accepted: the status shows them as processing and federates when they
//! are ready. If anything is refused nothing stays behind: the files stored so far are
//! deleted and no status is written.

use super::NewMedia;
use super::remote::MAX_ATTACHMENTS;
use crate::auth::Viewer;
use crate::statuses::NewStatus;
use crate::views::StatusView;
use crate::{Core, Error};

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
            return Err(Error::invalid(format!("Cannot attach more than {MAX_ATTACHMENTS} files")).into());
        }
        let mut stored: Vec<i64> = Vec::new();
        let mut failure = None;
        for (index, file) in files.into_iter().enumerate() {
            match self.upload_media(viewer, file, false).await {
                Ok(m) => stored.push(m.id),
                Err(error) => {
                    failure = Some(PostError {
                        file: Some(index),
                        error,
                    });
                    break;
                }
            }
        }
        let result = match failure {
            Some(e) => Err(e),
            None => {
                new.media_ids.extend(stored.iter().map(i64::to_string));
                self.create_status_with(viewer, new, true)
                    .await
                    .map_err(PostError::from)
            }
        };
        if result.is_err() {
            for id in stored {
                if let Err(e) = self.delete_media(viewer, id).await {
                    tracing::warn!(media_id = id, error = %e, "an upload of a refused post was not deleted");
                }
            }
        }
        result
    }
}
