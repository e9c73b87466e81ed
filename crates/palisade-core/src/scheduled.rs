//! Scheduled statuses: checked when scheduled, kept with everything needed to post them,
//! and published by a timer job when due (a restart loses none; each is published once).

use palisade_store::media::{self, Media};
use palisade_store::scheduled::{self as store, Scheduled};
use palisade_store::{Page, PageQuery, accounts, ids::new_id, now_ms};
use serde::{Deserialize, Serialize};

use crate::auth::Viewer;
use crate::polls::NewPoll;
use crate::statuses::NewStatus;
use crate::timers::Timer;
use crate::{Core, Error, Result};

/// Mastodon's rules: at least five minutes ahead, at most 25 a day and 300 in all.
const MIN_OFFSET_MS: i64 = 5 * 60 * 1000;
const DAILY_LIMIT: i64 = 25;
const TOTAL_LIMIT: i64 = 300;
const DAY_MS: i64 = 86_400_000;

/// What the status will be (Mastodon's `params` of a ScheduledStatus).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct ScheduledParams {
    pub text: String,
    #[serde(default)]
    pub spoiler_text: String,
    #[serde(default)]
    pub sensitive: bool,
    pub visibility: String,
    #[serde(default)]
    pub language: Option<String>,
    #[serde(default)]
    pub in_reply_to_id: Option<i64>,
    #[serde(default)]
    pub poll: Option<NewPoll>,
    #[serde(default)]
    pub media_ids: Vec<String>,
    #[serde(default)]
    pub application_id: Option<i64>,
    #[serde(default)]
    pub idempotency: Option<String>,
}

/// A scheduled status, its parameters and the attachments it holds.
#[derive(Clone, Debug)]
pub struct ScheduledStatus {
    pub id: i64,
    pub scheduled_at: i64,
    pub params: ScheduledParams,
    pub media: Vec<Media>,
}

fn view(row: &Scheduled, held: &[(i64, Media)]) -> Result<ScheduledStatus> {
    let params: ScheduledParams = serde_json::from_str(&row.params)
        .map_err(|e| Error::Internal(format!("scheduled status {}: {e}", row.id)))?;
    // In the order the member gave them.
    let media = params
        .media_ids
        .iter()
        .filter_map(|raw| raw.trim().parse::<i64>().ok())
        .filter_map(|id| held.iter().find(|(s, m)| *s == row.id && m.id == id))
        .map(|(_, m)| m.clone())
        .collect();
    Ok(ScheduledStatus {
        id: row.id,
        scheduled_at: row.scheduled_at,
        params,
        media,
    })
}

fn check_time(at: i64) -> Result<()> {
    if at < now_ms() + MIN_OFFSET_MS {
        return Err(Error::invalid(
            "Validation failed: Scheduled at The scheduled date must be in the future",
        ));
    }
    Ok(())
}

impl Core {
    /// Schedules `new` for `at`: checked now as it would be when posted.
    pub(crate) async fn schedule_status(
        &self,
        viewer: &Viewer,
        new: NewStatus,
        at: i64,
    ) -> Result<ScheduledStatus> {
        let author = viewer.account()?;
        check_time(at)?;
        let visibility = self.visibility_for(viewer, new.visibility.as_deref())?;
        // Checked (text, poll, reply, attachments) as if posted now; the attachments are held.
        let prepared = self.prepare_status(author, visibility, &new, None).await?;
        let day = at - at.rem_euclid(DAY_MS);
        let (total, today) = store::counts(&self.db, author.id, day, day + DAY_MS).await?;
        if total >= TOTAL_LIMIT {
            return Err(Error::invalid(format!(
                "Validation failed: You have exceeded the limit of {TOTAL_LIMIT} scheduled posts"
            )));
        }
        if today >= DAILY_LIMIT {
            return Err(Error::invalid(format!(
                "Validation failed: You have exceeded the limit of {DAILY_LIMIT} scheduled posts for today"
            )));
        }
        let params = ScheduledParams {
            text: new.text,
            spoiler_text: new.spoiler_text,
            sensitive: new.sensitive,
            visibility: visibility.as_str().to_owned(),
            language: new.language,
            in_reply_to_id: new.in_reply_to_id,
            poll: new.poll,
            media_ids: new.media_ids,
            application_id: new.app_id,
            idempotency: new.idempotency_key,
        };
        let row = Scheduled {
            id: new_id(),
            account_id: author.id,
            scheduled_at: at,
            params: serde_json::to_string(&params).map_err(|e| Error::Internal(e.to_string()))?,
            created_at: now_ms(),
        };
        let mut tx = self.db.begin().await?;
        store::insert(&mut tx, &row).await?;
        media::hold_for_scheduled(&mut tx, row.id, &prepared.media_ids).await?;
        self.set_timer(&mut tx, Timer::PublishScheduled { id: row.id }, at)
            .await?;
        tx.commit().await?;
        let held = media::of_scheduled(&self.db, &[row.id]).await?;
        view(&row, &held)
    }

    pub async fn scheduled_statuses(
        &self,
        viewer: &Viewer,
        page: &PageQuery,
    ) -> Result<Page<ScheduledStatus>> {
        let rows = store::page(&self.db, viewer.account_id()?, page).await?;
        let ids: Vec<i64> = rows.items.iter().map(|(_, r)| r.id).collect();
        let held = media::of_scheduled(&self.db, &ids).await?;
        let items = rows
            .items
            .iter()
            .map(|(k, r)| Ok((*k, view(r, &held)?)))
            .collect::<Result<Vec<_>>>()?;
        Ok(Page { items })
    }

    pub async fn scheduled_status(&self, viewer: &Viewer, id: i64) -> Result<ScheduledStatus> {
        let row = store::get(&self.db, viewer.account_id()?, id)
            .await?
            .ok_or_else(Error::not_found)?;
        let held = media::of_scheduled(&self.db, &[id]).await?;
        view(&row, &held)
    }

    /// Moves a scheduled status to `at` (a new timer; the old one finds it not due).
    /// Moves a scheduled status to `at` (`None`: the date given was not one). Another
    /// member's scheduled status does not exist for the caller: 404 before any validation.
    pub async fn reschedule_status(
        &self,
        viewer: &Viewer,
        id: i64,
        at: Option<i64>,
    ) -> Result<ScheduledStatus> {
        let owner = viewer.account_id()?;
        self.scheduled_status(viewer, id).await?;
        let at = at.ok_or_else(|| Error::invalid("Validation failed: Scheduled at is not a valid date"))?;
        check_time(at)?;
        let mut tx = self.db.begin().await?;
        if !store::reschedule(&mut tx, owner, id, at).await? {
            return Err(Error::not_found());
        }
        self.set_timer(&mut tx, Timer::PublishScheduled { id }, at)
            .await?;
        tx.commit().await?;
        self.scheduled_status(viewer, id).await
    }

    /// Cancels a scheduled status; its attachments become free uploads again.
    pub async fn cancel_scheduled_status(&self, viewer: &Viewer, id: i64) -> Result<()> {
        let mut tx = self.db.begin().await?;
        if !store::delete(&mut tx, viewer.account_id()?, id).await? {
            return Err(Error::not_found());
        }
        media::release_scheduled(&mut tx, id).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Publishes a scheduled status that fell due: taken out of the schedule and posted in
    /// one transaction, so it is posted exactly once. Not due yet (rescheduled): nothing.
    pub(crate) async fn publish_scheduled(&self, id: i64) -> Result<()> {
        let Some(row) = store::get_any(&self.db, id).await? else {
            return Ok(());
        };
        if row.scheduled_at > now_ms() + 1000 {
            return Ok(());
        }
        let s = view(&row, &[])?;
        let Some(author) = accounts::by_id(&self.db, row.account_id).await? else {
            return Ok(());
        };
        if author.suspended_at.is_some() {
            return Ok(());
        }
        let visibility = palisade_store::Visibility::parse(&s.params.visibility)
            .unwrap_or(palisade_store::Visibility::Public);
        let new = NewStatus {
            text: s.params.text,
            spoiler_text: s.params.spoiler_text,
            sensitive: s.params.sensitive,
            visibility: None,
            language: s.params.language,
            in_reply_to_id: s.params.in_reply_to_id,
            idempotency_key: None,
            app_id: s.params.application_id,
            media_ids: s.params.media_ids,
            poll: s.params.poll,
            scheduled_at: None,
        };
        let prepared = self.prepare_status(&author, visibility, &new, Some(id)).await?;
        let mut tx = self.db.begin().await?;
        if store::take(&mut tx, id).await?.is_none() {
            return Ok(());
        }
        media::release_scheduled(&mut tx, id).await?;
        self.write_status(&mut tx, &author, prepared).await?;
        tx.commit().await?;
        Ok(())
    }
}
