//! What running a media job means (the job room's media runner calls [`run_job`]): each
//! kind of work, and whether a failure is worth another try.

use palisade_core::media::{JobOutcome, MediaJob};

use crate::context::{FedError, Federation};

/// Whether an error is worth retrying.
fn temporary(e: &FedError) -> bool {
    match e {
        FedError::Fetch(f) => f.class.is_temporary(),
        FedError::Core(c) => c.is_temporary(),
        _ => false,
    }
}

/// Runs one media job.
pub async fn run_job(fed: &Federation, task: &MediaJob) -> JobOutcome {
    let result: Result<(), FedError> = match task {
        MediaJob::Process { media_id } => fed
            .core
            .process_pending_media(*media_id)
            .await
            .map_err(FedError::from),
        MediaJob::Fetch { media_id } => match fed.core.remote_media_to_fetch(*media_id).await {
            Ok(Some(m)) => fed.cache_remote_media(&m).await.map(|_| ()),
            Ok(None) => Ok(()),
            Err(e) => Err(e.into()),
        },
        MediaJob::Card { status_id, url } => fed.fetch_card(*status_id, url).await,
        MediaJob::VerifyLinks { account_id } => fed.verify_links(*account_id).await,
        MediaJob::ClearDomain { domain } => fed
            .core
            .clear_domain_media(domain)
            .await
            .map(|n| tracing::info!(domain = %domain, files = n, "dropped the cached media of a domain"))
            .map_err(FedError::from),
        MediaJob::DeleteFiles { keys } => fed.core.delete_media_files(keys).await.map_err(FedError::from),
    };
    match result {
        Ok(()) => JobOutcome::Done,
        Err(e) if temporary(&e) => JobOutcome::Retry(e.to_string()),
        Err(e) => {
            // The file or page is at fault (refused, wrong type, gone): recorded on the
            // record where it matters, not retried.
            tracing::debug!(?task, error = %e, "media job ended without result");
            JobOutcome::Done
        }
    }
}
