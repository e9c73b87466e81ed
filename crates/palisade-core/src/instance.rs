//! Figures about the instance for `/api/v1/instance`, NodeInfo and `/api/v1/instance/activity`.

use palisade_store::{accounts, statuses, users};

use crate::{Core, Result};

#[derive(Clone, Debug)]
pub struct Stats {
    pub user_count: i64,
    pub status_count: i64,
    pub domain_count: i64,
    pub active_month: i64,
    pub active_halfyear: i64,
}

/// One week of `/api/v1/instance/activity`.
#[derive(Clone, Debug)]
pub struct WeekActivity {
    /// Unix seconds of the week's start.
    pub week: i64,
    pub statuses: i64,
    pub logins: i64,
    pub registrations: i64,
}

const DAY_MS: i64 = 86_400_000;

impl Core {
    pub async fn stats(&self) -> Result<Stats> {
        let now = palisade_store::now_ms();
        Ok(Stats {
            user_count: accounts::count_local(&self.db).await?,
            status_count: statuses::count_local(&self.db).await?,
            domain_count: accounts::known_domains(&self.db).await?.len() as i64,
            active_month: users::count_active_since(&self.db, now - 30 * DAY_MS).await?,
            active_halfyear: users::count_active_since(&self.db, now - 180 * DAY_MS).await?,
        })
    }

    /// The last twelve weeks, newest first. Logins are approximated by tokens used in the
    /// week (we keep only the last use of each token).
    pub async fn weekly_activity(&self) -> Result<Vec<WeekActivity>> {
        let now = palisade_store::now_ms();
        let this_week = now - now.rem_euclid(7 * DAY_MS);
        let mut out = Vec::with_capacity(12);
        for i in 0..12 {
            let start = this_week - i * 7 * DAY_MS;
            let end = start + 7 * DAY_MS;
            out.push(WeekActivity {
                week: start / 1000,
                statuses: statuses::count_local_between(&self.db, start, end).await?,
                logins: users::count_active_between(&self.db, start, end).await?,
                registrations: users::count_created_between(&self.db, start, end).await?,
            });
        }
        Ok(out)
    }

    pub async fn peers(&self) -> Result<Vec<String>> {
        Ok(accounts::known_domains(&self.db).await?)
    }

    pub async fn contact_account(&self) -> Result<Option<accounts::Account>> {
        match users::first_admin_account_id(&self.db).await? {
            Some(id) => Ok(accounts::by_id(&self.db, id).await?),
            None => Ok(None),
        }
    }
}
