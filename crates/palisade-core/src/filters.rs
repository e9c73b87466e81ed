//! Filters: a member's keywords and statuses that warn, blur or hide in some contexts,
//! applied to every timeline, notification and stream (`views`), as Mastodon 4 does. The
//! v1 API sees each keyword as a filter of its own.

use std::collections::HashSet;

use palisade_store::filters::{self as store, FilteredStatus, Keyword};
use palisade_store::statuses::Status;
use palisade_store::{ids::new_id, now_ms};
use regex::{Regex, RegexBuilder};

pub use palisade_store::filters::Filter;

use crate::auth::Viewer;
use crate::live::LiveEvent;
use crate::{Core, Error, Result};

/// Where a filter applies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FilterContext {
    /// The home timeline and lists.
    Home,
    Notifications,
    /// Public and hashtag timelines.
    Public,
    /// Conversations (threads) and single statuses.
    Thread,
    /// Profiles.
    Account,
}

impl FilterContext {
    pub const ALL: [FilterContext; 5] = [
        FilterContext::Home,
        FilterContext::Notifications,
        FilterContext::Public,
        FilterContext::Thread,
        FilterContext::Account,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            FilterContext::Home => "home",
            FilterContext::Notifications => "notifications",
            FilterContext::Public => "public",
            FilterContext::Thread => "thread",
            FilterContext::Account => "account",
        }
    }

    pub fn parse(s: &str) -> Option<FilterContext> {
        FilterContext::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

/// A filter with its keywords and statuses.
#[derive(Clone, Debug)]
pub struct FilterView {
    pub filter: Filter,
    pub keywords: Vec<Keyword>,
    pub statuses: Vec<FilteredStatus>,
}

/// Why a status matched a filter (Mastodon's FilterResult).
#[derive(Clone, Debug)]
pub struct FilterMatch {
    pub filter: Filter,
    pub keyword_matches: Option<Vec<String>>,
    pub status_matches: Option<Vec<String>>,
}

impl FilterMatch {
    pub fn hides(&self) -> bool {
        self.filter.action == "hide"
    }
}

/// A filter with its keywords compiled and the ids of its statuses.
type Compiled = (Filter, Vec<(String, Regex)>, HashSet<i64>);

/// A member's unexpired filters, compiled.
#[derive(Default)]
pub struct ActiveFilters {
    entries: Vec<Compiled>,
}

impl ActiveFilters {
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The filters of `context` that `status` (the content status; `also` a boost of it)
    /// matches; `text` is its searchable text (see [`searchable_text`]).
    pub fn matches(
        &self,
        context: FilterContext,
        status: &Status,
        also: Option<i64>,
        text: &str,
    ) -> Vec<FilterMatch> {
        let mut out = Vec::new();
        for (filter, keywords, statuses) in &self.entries {
            if !filter.context.iter().any(|c| c == context.as_str()) {
                continue;
            }
            let words: Vec<String> = keywords
                .iter()
                .filter(|(_, re)| re.is_match(text))
                .map(|(k, _)| k.clone())
                .collect();
            let ids: Vec<String> = [Some(status.id), also]
                .into_iter()
                .flatten()
                .filter(|id| statuses.contains(id))
                .map(|id| id.to_string())
                .collect();
            if !words.is_empty() || !ids.is_empty() {
                out.push(FilterMatch {
                    filter: filter.clone(),
                    keyword_matches: (!words.is_empty()).then_some(words),
                    status_matches: (!ids.is_empty()).then_some(ids),
                });
            }
        }
        out
    }
}

/// What filters read of a status: its content warning, text and poll options.
pub fn searchable_text(status: &Status, poll_options: &[String]) -> String {
    let mut text = String::new();
    if !status.spoiler_text.is_empty() {
        text.push_str(&status.spoiler_text);
        text.push_str("\n\n");
    }
    text.push_str(&crate::content::html_to_text(&status.content_html));
    for o in poll_options {
        text.push('\n');
        text.push_str(o);
    }
    text
}

/// Mastodon's keyword rule: case-insensitive; a whole-word keyword needs a word boundary at
/// each end that is a word character.
fn keyword_regex(k: &Keyword) -> Option<Regex> {
    let escaped = regex::escape(&k.keyword);
    let pattern = if k.whole_word {
        let word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
        let start = if word(k.keyword.chars().next()) { r"\b" } else { "" };
        let end = if word(k.keyword.chars().last()) { r"\b" } else { "" };
        format!("{start}{escaped}{end}")
    } else {
        escaped
    };
    RegexBuilder::new(&pattern).case_insensitive(true).build().ok()
}

/// A filter as submitted (v2): `None` leaves a field unchanged on update.
#[derive(Clone, Debug, Default)]
pub struct FilterChanges {
    pub title: Option<String>,
    pub context: Option<Vec<String>>,
    pub action: Option<String>,
    /// Seconds from now; `Some(None)` clears the expiry.
    pub expires_in: Option<Option<i64>>,
    pub keywords: Vec<KeywordChange>,
}

/// `keywords_attributes[]`: a new keyword, or a change or removal of one by id.
#[derive(Clone, Debug, Default)]
pub struct KeywordChange {
    pub id: Option<i64>,
    pub keyword: Option<String>,
    pub whole_word: Option<bool>,
    pub destroy: bool,
}

/// A v1 filter: one keyword.
#[derive(Clone, Debug, Default)]
pub struct PhraseFilter {
    pub phrase: Option<String>,
    pub context: Option<Vec<String>>,
    pub irreversible: Option<bool>,
    pub whole_word: Option<bool>,
    pub expires_in: Option<Option<i64>>,
}

fn check_context(context: &[String]) -> Result<Vec<String>> {
    if context.is_empty() {
        return Err(Error::field("context", "ERR_BLANK", "can't be blank"));
    }
    let mut out: Vec<String> = Vec::new();
    for c in context {
        let c = c.trim();
        if FilterContext::parse(c).is_none() {
            return Err(Error::field(
                "context",
                "ERR_INVALID",
                "None or invalid context supplied",
            ));
        }
        if !out.iter().any(|o| o == c) {
            out.push(c.to_owned());
        }
    }
    Ok(out)
}

fn check_action(action: &str) -> Result<String> {
    match action {
        "warn" | "hide" | "blur" => Ok(action.to_owned()),
        _ => Err(Error::field(
            "filter_action",
            "ERR_INVALID",
            "is not included in the list",
        )),
    }
}

fn expiry(expires_in: Option<i64>) -> Result<Option<i64>> {
    match expires_in {
        None => Ok(None),
        Some(s) if s > 0 => Ok(Some(now_ms() + s.saturating_mul(1000))),
        Some(_) => Err(Error::field(
            "expires_in",
            "ERR_INVALID",
            "must be greater than 0",
        )),
    }
}

impl Core {
    /// The viewer's unexpired filters, compiled (empty for anonymous viewers).
    pub async fn active_filters(&self, account_id: Option<i64>) -> Result<ActiveFilters> {
        let Some(owner) = account_id else {
            return Ok(ActiveFilters::default());
        };
        let (filters, keywords, statuses) = store::active(&self.db, owner, now_ms()).await?;
        let entries = filters
            .into_iter()
            .map(|f| {
                let words = keywords
                    .iter()
                    .filter(|k| k.filter_id == f.id)
                    .filter_map(|k| keyword_regex(k).map(|re| (k.keyword.clone(), re)))
                    .collect();
                let ids = statuses
                    .iter()
                    .filter(|s| s.filter_id == f.id)
                    .map(|s| s.status_id)
                    .collect();
                (f, words, ids)
            })
            .collect();
        Ok(ActiveFilters { entries })
    }

    pub async fn filters(&self, viewer: &Viewer) -> Result<Vec<FilterView>> {
        let owner = viewer.account_id()?;
        let filters = store::of_owner(&self.db, owner).await?;
        let ids: Vec<i64> = filters.iter().map(|f| f.id).collect();
        let keywords = store::keywords_of(&self.db, &ids).await?;
        let statuses = store::statuses_of(&self.db, &ids).await?;
        Ok(filters
            .into_iter()
            .map(|f| FilterView {
                keywords: keywords.iter().filter(|k| k.filter_id == f.id).cloned().collect(),
                statuses: statuses.iter().filter(|s| s.filter_id == f.id).cloned().collect(),
                filter: f,
            })
            .collect())
    }

    pub async fn filter(&self, viewer: &Viewer, id: i64) -> Result<FilterView> {
        let owner = viewer.account_id()?;
        let filter = store::get(&self.db, owner, id)
            .await?
            .ok_or_else(Error::not_found)?;
        Ok(FilterView {
            keywords: store::keywords_of(&self.db, &[id]).await?,
            statuses: store::statuses_of(&self.db, &[id]).await?,
            filter,
        })
    }

    pub async fn create_filter(&self, viewer: &Viewer, new: FilterChanges) -> Result<FilterView> {
        let owner = viewer.account_id()?;
        let title = new.title.unwrap_or_default().trim().to_owned();
        if title.is_empty() {
            return Err(Error::field("title", "ERR_BLANK", "can't be blank"));
        }
        let filter = Filter {
            id: new_id(),
            account_id: owner,
            title,
            context: check_context(&new.context.unwrap_or_default())?,
            action: check_action(new.action.as_deref().unwrap_or("warn"))?,
            expires_at: expiry(new.expires_in.flatten())?,
            created_at: now_ms(),
        };
        let mut tx = self.db.begin().await?;
        store::insert(&mut tx, &filter).await?;
        self.change_keywords(&mut tx, filter.id, &new.keywords).await?;
        self.live(&mut tx, LiveEvent::FiltersChanged { account: owner });
        tx.commit().await?;
        self.filter(viewer, filter.id).await
    }

    pub async fn update_filter(
        &self,
        viewer: &Viewer,
        id: i64,
        changes: FilterChanges,
    ) -> Result<FilterView> {
        let owner = viewer.account_id()?;
        let mut filter = store::get(&self.db, owner, id)
            .await?
            .ok_or_else(Error::not_found)?;
        if let Some(t) = changes.title {
            let t = t.trim().to_owned();
            if t.is_empty() {
                return Err(Error::field("title", "ERR_BLANK", "can't be blank"));
            }
            filter.title = t;
        }
        if let Some(c) = changes.context {
            filter.context = check_context(&c)?;
        }
        if let Some(a) = changes.action {
            filter.action = check_action(&a)?;
        }
        if let Some(e) = changes.expires_in {
            filter.expires_at = expiry(e)?;
        }
        let mut tx = self.db.begin().await?;
        store::update(&mut tx, &filter).await?;
        self.change_keywords(&mut tx, id, &changes.keywords).await?;
        self.live(&mut tx, LiveEvent::FiltersChanged { account: owner });
        tx.commit().await?;
        self.filter(viewer, id).await
    }

    async fn change_keywords(
        &self,
        tx: &mut palisade_store::Tx,
        filter_id: i64,
        changes: &[KeywordChange],
    ) -> Result<()> {
        let existing = store::keywords_of(&mut *tx, &[filter_id]).await?;
        for c in changes {
            match c.id {
                Some(id) => {
                    let Some(mut k) = existing.iter().find(|k| k.id == id).cloned() else {
                        return Err(Error::not_found());
                    };
                    if c.destroy {
                        store::delete_keyword(&mut *tx, id).await?;
                        continue;
                    }
                    if let Some(word) = &c.keyword {
                        k.keyword = check_keyword(word)?;
                    }
                    if let Some(w) = c.whole_word {
                        k.whole_word = w;
                    }
                    store::update_keyword(&mut *tx, &k).await?;
                }
                None if c.destroy => {}
                None => {
                    let k = Keyword {
                        id: new_id(),
                        filter_id,
                        keyword: check_keyword(c.keyword.as_deref().unwrap_or(""))?,
                        whole_word: c.whole_word.unwrap_or(true),
                    };
                    store::insert_keyword(&mut *tx, &k, now_ms()).await?;
                }
            }
        }
        Ok(())
    }

    pub async fn delete_filter(&self, viewer: &Viewer, id: i64) -> Result<()> {
        let owner = viewer.account_id()?;
        if !store::delete(&self.db, owner, id).await? {
            return Err(Error::not_found());
        }
        self.live_now(LiveEvent::FiltersChanged { account: owner }).await
    }

    pub async fn filter_keywords(&self, viewer: &Viewer, filter_id: i64) -> Result<Vec<Keyword>> {
        self.filter(viewer, filter_id).await.map(|f| f.keywords)
    }

    pub async fn add_filter_keyword(
        &self,
        viewer: &Viewer,
        filter_id: i64,
        word: &str,
        whole_word: bool,
    ) -> Result<Keyword> {
        let owner = viewer.account_id()?;
        store::get(&self.db, owner, filter_id)
            .await?
            .ok_or_else(Error::not_found)?;
        let k = Keyword {
            id: new_id(),
            filter_id,
            keyword: check_keyword(word)?,
            whole_word,
        };
        store::insert_keyword(&self.db, &k, now_ms()).await?;
        self.live_now(LiveEvent::FiltersChanged { account: owner })
            .await?;
        Ok(k)
    }

    pub async fn filter_keyword(&self, viewer: &Viewer, id: i64) -> Result<(Keyword, Filter)> {
        store::keyword(&self.db, viewer.account_id()?, id)
            .await?
            .ok_or_else(Error::not_found)
    }

    pub async fn update_filter_keyword(
        &self,
        viewer: &Viewer,
        id: i64,
        word: Option<&str>,
        whole_word: Option<bool>,
    ) -> Result<Keyword> {
        let (mut k, _) = self.filter_keyword(viewer, id).await?;
        if let Some(w) = word {
            k.keyword = check_keyword(w)?;
        }
        if let Some(w) = whole_word {
            k.whole_word = w;
        }
        store::update_keyword(&self.db, &k).await?;
        self.live_now(LiveEvent::FiltersChanged {
            account: viewer.account_id()?,
        })
        .await?;
        Ok(k)
    }

    pub async fn delete_filter_keyword(&self, viewer: &Viewer, id: i64) -> Result<()> {
        self.filter_keyword(viewer, id).await?;
        store::delete_keyword(&self.db, id).await?;
        self.live_now(LiveEvent::FiltersChanged {
            account: viewer.account_id()?,
        })
        .await
    }

    pub async fn filter_statuses(&self, viewer: &Viewer, filter_id: i64) -> Result<Vec<FilteredStatus>> {
        self.filter(viewer, filter_id).await.map(|f| f.statuses)
    }

    pub async fn add_filter_status(
        &self,
        viewer: &Viewer,
        filter_id: i64,
        status_id: i64,
    ) -> Result<FilteredStatus> {
        let owner = viewer.account_id()?;
        store::get(&self.db, owner, filter_id)
            .await?
            .ok_or_else(Error::not_found)?;
        self.visible_status(viewer.account.as_ref(), status_id).await?;
        let s = FilteredStatus {
            id: new_id(),
            filter_id,
            status_id,
        };
        if !store::insert_status(&self.db, &s, now_ms()).await? {
            return Err(Error::field("status_id", "ERR_TAKEN", "has already been taken"));
        }
        self.live_now(LiveEvent::FiltersChanged { account: owner })
            .await?;
        Ok(s)
    }

    pub async fn filter_status(&self, viewer: &Viewer, id: i64) -> Result<(FilteredStatus, Filter)> {
        store::filtered_status(&self.db, viewer.account_id()?, id)
            .await?
            .ok_or_else(Error::not_found)
    }

    pub async fn delete_filter_status(&self, viewer: &Viewer, id: i64) -> Result<()> {
        self.filter_status(viewer, id).await?;
        store::delete_status(&self.db, id).await?;
        self.live_now(LiveEvent::FiltersChanged {
            account: viewer.account_id()?,
        })
        .await
    }

    /// v1: every keyword of the viewer's filters, each as a filter.
    pub async fn phrase_filters(&self, viewer: &Viewer) -> Result<Vec<(Keyword, Filter)>> {
        Ok(self
            .filters(viewer)
            .await?
            .into_iter()
            .flat_map(|v| {
                let f = v.filter;
                v.keywords.into_iter().map(move |k| (k, f.clone()))
            })
            .collect())
    }

    /// v1 create: a filter titled by its phrase, with that one keyword.
    pub async fn create_phrase_filter(&self, viewer: &Viewer, p: PhraseFilter) -> Result<(Keyword, Filter)> {
        let phrase = p.phrase.unwrap_or_default();
        let view = self
            .create_filter(
                viewer,
                FilterChanges {
                    title: Some(phrase.clone()),
                    context: p.context,
                    action: Some(
                        if p.irreversible.unwrap_or(false) {
                            "hide"
                        } else {
                            "warn"
                        }
                        .into(),
                    ),
                    expires_in: p.expires_in,
                    keywords: vec![KeywordChange {
                        keyword: Some(phrase),
                        whole_word: Some(p.whole_word.unwrap_or(true)),
                        ..Default::default()
                    }],
                },
            )
            .await?;
        let k = view.keywords.into_iter().next().ok_or_else(Error::not_found)?;
        Ok((k, view.filter))
    }

    /// v1 update, of a keyword whose filter holds only it (as Mastodon allows).
    pub async fn update_phrase_filter(
        &self,
        viewer: &Viewer,
        keyword_id: i64,
        p: PhraseFilter,
    ) -> Result<(Keyword, Filter)> {
        let (k, f) = self.filter_keyword(viewer, keyword_id).await?;
        if store::keywords_of(&self.db, &[f.id]).await?.len() > 1 {
            return Err(Error::invalid(
                "Validation failed: This filter has several keywords; change it through /api/v2/filters",
            ));
        }
        let view = self
            .update_filter(
                viewer,
                f.id,
                FilterChanges {
                    title: p.phrase.clone(),
                    context: p.context,
                    action: p.irreversible.map(|i| if i { "hide" } else { "warn" }.to_owned()),
                    expires_in: p.expires_in,
                    keywords: vec![KeywordChange {
                        id: Some(k.id),
                        keyword: p.phrase,
                        whole_word: p.whole_word,
                        destroy: false,
                    }],
                },
            )
            .await?;
        let k = view
            .keywords
            .into_iter()
            .find(|x| x.id == keyword_id)
            .ok_or_else(Error::not_found)?;
        Ok((k, view.filter))
    }

    /// v1 delete: the keyword, and its filter with it when it was the only one.
    pub async fn delete_phrase_filter(&self, viewer: &Viewer, keyword_id: i64) -> Result<()> {
        let (_, f) = self.filter_keyword(viewer, keyword_id).await?;
        if store::keywords_of(&self.db, &[f.id]).await?.len() > 1 {
            self.delete_filter_keyword(viewer, keyword_id).await
        } else {
            self.delete_filter(viewer, f.id).await
        }
    }
}

fn check_keyword(word: &str) -> Result<String> {
    let w = word.trim();
    if w.is_empty() {
        return Err(Error::field("keyword", "ERR_BLANK", "can't be blank"));
    }
    Ok(w.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kw(word: &str, whole: bool) -> Regex {
        keyword_regex(&Keyword {
            id: 1,
            filter_id: 1,
            keyword: word.into(),
            whole_word: whole,
        })
        .unwrap()
    }

    #[test]
    fn keywords_match_as_in_mastodon() {
        assert!(kw("anime", false).is_match("I love animes"));
        assert!(kw("girugamesh", true).is_match("Girugamesh!"));
        assert!(!kw("girugamesh", true).is_match("Girugameshnetworking!"));
        assert!(kw("japanimation", true).is_match("I love japanimation!"));
        assert!(kw("#tag", true).is_match("with #tag here"));
        assert!(kw("a.b", false).is_match("A.B") && !kw("a.b", false).is_match("axb"));
    }
}
