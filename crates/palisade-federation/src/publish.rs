//! The documents other servers fetch from us: actors, notes, collections, WebFinger.

use palisade_core::PageQuery;
use palisade_core::model::{Account, AccountFilter, Visibility};
use serde_json::{Value, json};

use crate::context::{FedResult, Federation};
use crate::documents;

/// What a GET of a local object finds.
pub enum Published {
    Found(Value),
    /// Deleted: answer 410 with this Tombstone.
    Gone(Value),
    NotFound,
}

const OUTBOX_PAGE: i64 = 20;

impl Federation {
    /// A local account by username (the instance actor included).
    pub async fn local_by_username(&self, username: &str) -> FedResult<Option<Account>> {
        Ok(self
            .core
            .account_by_handle(username, None)
            .await?
            .filter(|a| a.suspended_at.is_none()))
    }

    pub async fn actor_document(&self, account: &Account) -> FedResult<Value> {
        let pem = self.local_public_key(account).await?;
        let mut doc = documents::actor(account, &pem, self.base_url());
        crate::media::publish::actor_media(&mut doc, account, &self.core.urls());
        Ok(doc)
    }

    /// A local public or unlisted status as a Note; followers-only and direct ones are not
    /// served to unauthenticated fetches.
    pub async fn note_document(&self, username: &str, id: i64) -> FedResult<Published> {
        let Some(author) = self.local_by_username(username).await? else {
            return Ok(Published::NotFound);
        };
        let status = self
            .core
            .find_status(id)
            .await?
            .filter(|s| s.account_id == author.id && s.local);
        let Some(status) = status else {
            let uri = self.core.urls().status(username, id);
            return Ok(match self.core.tombstone(&uri).await? {
                Some(_) => Published::Gone(documents::tombstone(&uri)),
                None => Published::NotFound,
            });
        };
        if status.reblog_of_id.is_some() || !status.visibility.is_open() {
            return Ok(Published::NotFound);
        }
        let (mut note, _) = self.note_of(&status, &author).await?;
        note["@context"] = documents::context();
        Ok(Published::Found(note))
    }

    /// The outbox: its size, and with `page`, the latest public Create activities.
    pub async fn outbox_document(&self, account: &Account, page: Option<i64>) -> FedResult<Value> {
        let id = account.outbox_url.clone().unwrap_or_default();
        let Some(max_id) = page else {
            return Ok(documents::collection_summary(
                &id,
                account.statuses_count,
                Some(&format!("{id}?page=true")),
            ));
        };
        let filter = AccountFilter {
            exclude_reblogs: true,
            ..Default::default()
        };
        let q = PageQuery {
            max_id: (max_id > 0).then_some(max_id),
            limit: OUTBOX_PAGE,
            ..Default::default()
        };
        let rows = self.core.account_status_ids(account.id, &filter, &q).await?;
        let mut items = Vec::new();
        for (_, sid) in &rows.items {
            if let Some(s) = self.core.find_status(*sid).await?
                && s.visibility == Visibility::Public
            {
                let (note, _) = self.note_of(&s, account).await?;
                let (to, cc) = (note["to"].clone(), note["cc"].clone());
                let mut create = documents::activity(
                    "Create",
                    &format!("{}/activity", s.uri),
                    &account.uri,
                    note,
                    &[],
                    &[],
                );
                create.as_object_mut().map(|o| o.remove("@context"));
                create["to"] = to;
                create["cc"] = cc;
                items.push(create);
            }
        }
        let next = rows
            .items
            .last()
            .filter(|_| rows.items.len() as i64 >= OUTBOX_PAGE)
            .map(|(k, _)| format!("{id}?page=true&max_id={k}"));
        let page_id = format!(
            "{id}?page=true{}",
            if max_id > 0 {
                format!("&max_id={max_id}")
            } else {
                String::new()
            }
        );
        Ok(documents::collection_page(&page_id, &id, items, next))
    }

    /// Followers or following: the size only when the owner hides the network, else a first
    /// page of actor ids.
    pub async fn network_document(&self, account: &Account, followers: bool) -> FedResult<Value> {
        let (id, total) = if followers {
            (
                account.followers_url.clone().unwrap_or_default(),
                account.followers_count,
            )
        } else {
            (
                account.following_url.clone().unwrap_or_default(),
                account.following_count,
            )
        };
        let mut doc = documents::collection_summary(&id, total, None);
        if !account.hide_collections {
            let q = PageQuery {
                limit: 80,
                ..Default::default()
            };
            let rows = self.core.follow_page(account.id, !followers, &q).await?;
            let ids: Vec<i64> = rows.items.iter().map(|(_, a)| *a).collect();
            let uris: Vec<String> = self
                .core
                .accounts_by_ids(&ids)
                .await?
                .into_iter()
                .map(|a| a.uri)
                .collect();
            doc["orderedItems"] = json!(uris);
        }
        Ok(doc)
    }

    /// Pinned statuses (`featured`).
    pub async fn featured_document(&self, account: &Account) -> FedResult<Value> {
        let id = account.featured_url.clone().unwrap_or_default();
        let mut items = Vec::new();
        for sid in self.core.pinned_status_ids(account.id).await? {
            if let Some(s) = self.core.find_status(sid).await?
                && s.visibility.is_open()
            {
                items.push(self.note_of(&s, account).await?.0);
            }
        }
        let mut doc = documents::collection_summary(&id, items.len() as i64, None);
        doc["orderedItems"] = Value::Array(items);
        Ok(doc)
    }

    /// WebFinger for `acct:user@domain` or an actor URL.
    pub async fn webfinger_document(&self, resource: &str) -> FedResult<Option<Value>> {
        let base = self.base_url();
        let username = if let Some(acct) = resource.strip_prefix("acct:") {
            let acct = acct.trim_start_matches('@');
            match acct.rsplit_once('@') {
                Some((user, domain)) if domain.eq_ignore_ascii_case(self.domain()) => user.to_owned(),
                Some(_) => return Ok(None),
                None => acct.to_owned(),
            }
        } else if let Some(a) = self.core.account_by_uri(resource).await?.filter(|a| a.is_local()) {
            a.username
        } else if let Some(rest) = resource.strip_prefix(&format!("{base}/@")) {
            rest.to_owned()
        } else {
            return Ok(None);
        };
        let Some(account) = self.local_by_username(&username).await? else {
            return Ok(None);
        };
        Ok(Some(json!({
            "subject": format!("acct:{}@{}", account.username, self.domain()),
            "aliases": [account.uri, account.url],
            "links": [
                {"rel": "http://webfinger.net/rel/profile-page", "type": "text/html", "href": account.url},
                {"rel": "self", "type": documents::ACTIVITY_JSON, "href": account.uri},
                {"rel": "http://ostatus.org/schema/1.0/subscribe", "template": format!("{base}/authorize_interaction?uri={{uri}}")},
            ],
        })))
    }
}

impl Federation {
    /// Whether `signer` (a verified signed fetch) may read what `owner` publishes: not when
    /// the instance refuses its domain, nor when the owner blocks its domain.
    pub async fn fetch_allowed(&self, owner_username: &str, signer: &Account) -> FedResult<bool> {
        let owner = self.local_by_username(owner_username).await?;
        Ok(self
            .core
            .fetch_allowed(owner.as_ref(), signer.domain.as_deref())
            .await?)
    }
}
