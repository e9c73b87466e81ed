//! Verified profile links: this instance fetches each linked page itself and marks a field
//! verified only when the page links back to the profile with `rel="me"`. What another
//! server says about its own accounts' links is never taken; marks are re-checked
//! periodically (`media.verify_links_every_hours`) and dropped when the link no longer
//! points back.

use palisade_store::account_media;
use palisade_store::accounts::{self, Account};
use palisade_store::now_ms;

use crate::accounts::{Field, fields_of};
use crate::html;
use crate::media::MediaJob;
use crate::{Core, Result};

/// What to check for one account.
#[derive(Clone, Debug)]
pub struct LinkCheck {
    pub account_id: i64,
    /// The addresses a page must link back to (the profile page and the actor id).
    pub profile_urls: Vec<String>,
    /// The link of each field that has one.
    pub links: Vec<String>,
}

/// The link of a field's value: its first `http(s)` `<a href>`.
pub fn field_link(value_html: &str) -> Option<String> {
    html::links(value_html)
        .into_iter()
        .filter_map(|a| a.attr("href").map(str::to_owned))
        .find(|h| h.starts_with("https://") || h.starts_with("http://"))
}

/// Whether `page` (HTML) has a `rel="me"` `<a>` or `<link>` pointing at one of `targets`.
pub fn links_back(page: &str, targets: &[String]) -> bool {
    html::tags(page).iter().any(|t| {
        (t.name == "a" || t.name == "link")
            && t.has_token("rel", "me")
            && t.attr("href")
                .is_some_and(|h| targets.iter().any(|target| same_url(h, target)))
    })
}

fn same_url(a: &str, b: &str) -> bool {
    let norm = |u: &str| u.trim().trim_end_matches('/').to_lowercase();
    norm(a) == norm(b)
}

/// Keeps our own marks of fields whose name and value did not change; drops the rest
/// (including anything a remote server sent).
pub(crate) fn carry_marks(old: &[Field], new: &mut [Field]) {
    for f in new.iter_mut() {
        f.verified_at = old
            .iter()
            .find(|o| o.name == f.name && o.value_html == f.value_html && o.value == f.value)
            .and_then(|o| o.verified_at);
    }
}

impl Core {
    /// The links of an account's fields, or `None` when there is nothing to check.
    pub async fn links_to_check(&self, account_id: i64) -> Result<Option<LinkCheck>> {
        let Some(account) = accounts::by_id(&self.db, account_id).await? else {
            return Ok(None);
        };
        if account.suspended_at.is_some() {
            return Ok(None);
        }
        let links: Vec<String> = fields_of(&account)
            .iter()
            .filter_map(|f| field_link(&f.value_html))
            .collect();
        if links.is_empty() {
            account_media::set_fields_checked(&self.db, account.id, &account.fields_json, Some(now_ms()))
                .await?;
            return Ok(None);
        }
        Ok(Some(LinkCheck {
            account_id,
            profile_urls: profile_urls(&account),
            links,
        }))
    }

    /// Records the outcome: fields whose link is in `verified` keep (or get) their mark,
    /// the others lose it.
    pub async fn record_link_checks(&self, account_id: i64, verified: &[String]) -> Result<()> {
        let Some(account) = accounts::by_id(&self.db, account_id).await? else {
            return Ok(());
        };
        let now = now_ms();
        let mut fields = fields_of(&account);
        for f in fields.iter_mut() {
            let ok = field_link(&f.value_html).is_some_and(|l| verified.contains(&l));
            f.verified_at = if ok { f.verified_at.or(Some(now)) } else { None };
        }
        let json = serde_json::to_string(&fields).map_err(|e| crate::Error::Internal(e.to_string()))?;
        account_media::set_fields_checked(&self.db, account_id, &json, Some(now)).await?;
        Ok(())
    }

    /// Queues the checks that are due (the worker calls this periodically).
    pub(crate) async fn queue_due_link_checks(&self) -> Result<()> {
        let every = self.settings.media.verify_links_every_hours.max(1) as i64 * 3_600_000;
        let due = account_media::links_due(&self.db, now_ms() - every, 50).await?;
        for id in due {
            let mut tx = self.db.begin().await?;
            self.enqueue_media_job(&mut tx, &MediaJob::VerifyLinks { account_id: id })
                .await?;
            // Not due again until checked (or the interval passes once more).
            account_media::set_links_checked_at(&mut tx, id, now_ms()).await?;
            tx.commit().await?;
        }
        Ok(())
    }
}

/// The URLs a `rel="me"` link may name for `account`.
fn profile_urls(account: &Account) -> Vec<String> {
    let mut urls = vec![account.url.clone()];
    if account.uri != account.url {
        urls.push(account.uri.clone());
    }
    urls
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rel_me_must_point_back() {
        let me = vec!["https://ours.test/@alice".to_owned()];
        assert!(links_back(
            r#"<a rel="me nofollow" href="https://ours.test/@alice/">x</a>"#,
            &me
        ));
        assert!(links_back(
            r#"<link rel=me href="https://OURS.test/@alice">"#,
            &me
        ));
        assert!(!links_back(
            r#"<a href="https://ours.test/@alice">no rel</a>"#,
            &me
        ));
        assert!(!links_back(
            r#"<a rel="me" href="https://ours.test/@mallory">other</a>"#,
            &me
        ));
        assert!(!links_back(
            r#"<!-- <a rel="me" href="https://ours.test/@alice"> -->"#,
            &me
        ));
    }

    #[test]
    fn marks_survive_only_unchanged_fields() {
        let f = |v: &str, at: Option<i64>| Field {
            name: "web".into(),
            value: v.into(),
            value_html: v.into(),
            verified_at: at,
        };
        let old = vec![f("a", Some(5))];
        let mut new = vec![f("a", Some(99)), f("b", Some(7))];
        new[1].name = "other".into();
        carry_marks(&old, &mut new);
        assert_eq!(new[0].verified_at, Some(5));
        assert_eq!(new[1].verified_at, None);
        assert_eq!(
            field_link(r#"<a href="https://x.test/" rel="me">x.test</a>"#).as_deref(),
            Some("https://x.test/")
        );
    }
}
