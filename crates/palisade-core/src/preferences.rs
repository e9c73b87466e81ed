//! A user's posting and reading preferences (`/api/v1/preferences`, `source` in credentials).

use palisade_store::{relationships, users, users::User};
use serde::{Deserialize, Serialize};

use crate::auth::Viewer;
use crate::{Core, Error, Result};
use palisade_store::Visibility;

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Preferences {
    pub default_privacy: Option<String>,
    pub default_sensitive: Option<bool>,
    pub default_language: Option<String>,
    /// Domains that may credit this account as a link's author (Mastodon 4.3).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub attribution_domains: Vec<String>,
}

pub fn preferences_of(user: &User) -> Preferences {
    serde_json::from_str(&user.settings_json).unwrap_or_default()
}

impl Core {
    /// The user behind the viewer, freshly read.
    pub async fn user_of(&self, viewer: &Viewer) -> Result<User> {
        let id = viewer.user()?.id;
        users::by_id(&self.db, id).await?.ok_or_else(Error::not_found)
    }

    /// The user of a local account, if it has one.
    pub(crate) async fn user_of_account(&self, account_id: i64) -> Result<Option<User>> {
        Ok(users::by_account_id(&self.db, account_id).await?)
    }

    pub async fn update_posting_defaults(
        &self,
        viewer: &Viewer,
        privacy: Option<String>,
        sensitive: Option<bool>,
        language: Option<String>,
    ) -> Result<()> {
        if privacy.is_none() && sensitive.is_none() && language.is_none() {
            return Ok(());
        }
        let user = self.user_of(viewer).await?;
        let mut prefs = preferences_of(&user);
        if let Some(p) = privacy {
            prefs.default_privacy = Some(parse_visibility("privacy", &p)?.as_str().to_owned());
        }
        if let Some(s) = sensitive {
            prefs.default_sensitive = Some(s);
        }
        if let Some(l) = language {
            prefs.default_language = Some(l).filter(|l| !l.is_empty());
        }
        let json = serde_json::to_string(&prefs).map_err(|e| Error::Internal(e.to_string()))?;
        users::set_settings(&self.db, user.id, &json).await?;
        Ok(())
    }

    /// Sets the domains that may credit the viewer as an author (at most 10).
    pub async fn set_attribution_domains(&self, viewer: &Viewer, domains: Vec<String>) -> Result<()> {
        let mut list = Vec::new();
        for d in domains.iter().map(|d| d.trim()).filter(|d| !d.is_empty()) {
            let n = crate::policy::normalize_domain(d).ok_or_else(|| {
                Error::field(
                    "attribution_domains",
                    "ERR_INVALID",
                    &format!("{d} is not a valid domain"),
                )
            })?;
            if !list.contains(&n) {
                list.push(n);
            }
        }
        if list.len() > 10 {
            return Err(Error::field(
                "attribution_domains",
                "ERR_TOO_LONG",
                "is too long (maximum is 10 domains)",
            ));
        }
        let user = self.user_of(viewer).await?;
        let mut prefs = preferences_of(&user);
        prefs.attribution_domains = list;
        let json = serde_json::to_string(&prefs).map_err(|e| Error::Internal(e.to_string()))?;
        users::set_settings(&self.db, user.id, &json).await?;
        Ok(())
    }

    /// How many follow requests wait for the viewer's answer.
    pub async fn pending_follow_requests(&self, viewer: &Viewer) -> Result<i64> {
        Ok(relationships::count_requests_to(&self.db, viewer.account_id()?).await?)
    }

    /// Read positions in the home and notifications timelines.
    pub async fn markers(&self, viewer: &Viewer) -> Result<Vec<palisade_store::markers::Marker>> {
        Ok(palisade_store::markers::get(&self.db, viewer.account_id()?).await?)
    }

    pub async fn set_marker(&self, viewer: &Viewer, timeline: &str, last_read_id: i64) -> Result<()> {
        Ok(palisade_store::markers::set(&self.db, viewer.account_id()?, timeline, last_read_id).await?)
    }
}

/// A visibility as a client writes it, or the field error Mastodon gives for `field`.
pub fn parse_visibility(field: &'static str, given: &str) -> Result<Visibility> {
    Visibility::parse(given).ok_or_else(|| Error::field(field, "ERR_INVALID", "is not included in the list"))
}
