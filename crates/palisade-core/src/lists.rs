//! Lists: a member's selections of accounts they follow, each with its own timeline
//! (filled on write with the member's home-feed rules, then the list's replies policy). An
//! exclusive list keeps its members' posts out of the home timeline.

use palisade_store::lists::{self as store, List};
use palisade_store::relationships::{self as rel, FollowTable};
use palisade_store::statuses::Status;
use palisade_store::{Exec, Page, PageQuery};

use crate::auth::Viewer;
use crate::filters::FilterContext;
use crate::timelines::StatusPage;
use crate::{Core, Error, Result};

/// A list as submitted: `None` leaves a field unchanged on update.
#[derive(Clone, Debug, Default)]
pub struct ListChanges {
    pub title: Option<String>,
    pub replies_policy: Option<String>,
    pub exclusive: Option<bool>,
}

fn check_policy(p: &str) -> Result<String> {
    match p {
        "followed" | "list" | "none" => Ok(p.to_owned()),
        _ => Err(Error::field(
            "replies_policy",
            "ERR_INCLUSION",
            "is not included in the list",
        )),
    }
}

fn check_title(t: &str) -> Result<String> {
    let t = t.trim();
    if t.is_empty() {
        return Err(Error::field("title", "ERR_BLANK", "can't be blank"));
    }
    Ok(t.to_owned())
}

/// Whether a list shows a status by one of its members (Mastodon's rule): not a reply to
/// someone else, unless to the list's owner, or (by policy) to someone the owner follows
/// (`followed`, already checked for the home feed) or to a member (`list`).
fn list_shows(list: &List, status: &Status, replied_is_member: bool) -> bool {
    match status.in_reply_to_account_id {
        Some(to) if to != status.account_id && to != list.account_id => match list.replies_policy.as_str() {
            "followed" => true,
            "list" => replied_is_member,
            _ => false,
        },
        _ => true,
    }
}

impl Core {
    pub async fn lists(&self, viewer: &Viewer) -> Result<Vec<List>> {
        Ok(store::of_owner(&self.db, viewer.account_id()?).await?)
    }

    pub async fn list(&self, viewer: &Viewer, id: i64) -> Result<List> {
        store::get(&self.db, viewer.account_id()?, id)
            .await?
            .ok_or_else(Error::not_found)
    }

    pub async fn create_list(&self, viewer: &Viewer, new: ListChanges) -> Result<List> {
        let list = store::new_list(
            viewer.account_id()?,
            check_title(new.title.as_deref().unwrap_or(""))?,
            check_policy(new.replies_policy.as_deref().unwrap_or("list"))?,
            new.exclusive.unwrap_or(false),
        );
        store::insert(&self.db, &list).await?;
        Ok(list)
    }

    pub async fn update_list(&self, viewer: &Viewer, id: i64, changes: ListChanges) -> Result<List> {
        let mut list = self.list(viewer, id).await?;
        if let Some(t) = changes.title {
            list.title = check_title(&t)?;
        }
        if let Some(p) = changes.replies_policy {
            list.replies_policy = check_policy(&p)?;
        }
        if let Some(e) = changes.exclusive {
            list.exclusive = e;
        }
        store::update(&self.db, &list).await?;
        Ok(list)
    }

    pub async fn delete_list(&self, viewer: &Viewer, id: i64) -> Result<()> {
        if store::delete(&self.db, viewer.account_id()?, id).await? {
            Ok(())
        } else {
            Err(Error::not_found())
        }
    }

    /// A page of a list's members (ids, keyed for the `Link` header).
    pub async fn list_members(&self, viewer: &Viewer, id: i64, page: &PageQuery) -> Result<Page<i64>> {
        let list = self.list(viewer, id).await?;
        Ok(store::members(&self.db, list.id, page).await?)
    }

    /// Adds accounts the owner follows to a list, with their recent posts.
    pub async fn add_list_members(&self, viewer: &Viewer, id: i64, members: &[i64]) -> Result<()> {
        let me = viewer.account()?;
        let list = self.list(viewer, id).await?;
        let mut tx = self.db.begin().await?;
        for m in members {
            self.account(*m).await?;
            let Some(follow) = rel::get(&mut tx, FollowTable::Follows, me.id, *m).await? else {
                return Err(Error::field(
                    "account_id",
                    "ERR_INVALID",
                    "must be an account you follow",
                ));
            };
            if store::add_member(&mut tx, list.id, *m, follow.id).await? {
                store::backfill(&mut tx, list.id, me.id, *m, crate::timelines::BACKFILL).await?;
            }
        }
        tx.commit().await?;
        Ok(())
    }

    pub async fn remove_list_members(&self, viewer: &Viewer, id: i64, members: &[i64]) -> Result<()> {
        let list = self.list(viewer, id).await?;
        Ok(store::remove_members(&self.db, list.id, members).await?)
    }

    /// The viewer's lists that hold `account_id`.
    pub async fn lists_with(&self, viewer: &Viewer, account_id: i64) -> Result<Vec<List>> {
        self.account(account_id).await?;
        Ok(store::holding(&self.db, viewer.account_id()?, account_id).await?)
    }

    pub async fn list_timeline(&self, viewer: &Viewer, id: i64, page: &PageQuery) -> Result<StatusPage> {
        let me = viewer.account()?;
        let list = self.list(viewer, id).await?;
        let ids = store::timeline(&self.db, list.id, page).await?;
        self.page_of(Some(me), ids, true, Some(FilterContext::Home)).await
    }

    /// The lists of `recipients` (those whose home feeds get a status) that hold its poster
    /// and show it by their replies policy; and the recipients whose exclusive lists take
    /// it instead of their home feed. Reads only.
    pub(crate) async fn plan_lists(
        &self,
        mut ex: Exec<'_>,
        status: &Status,
        recipients: &[i64],
    ) -> Result<(Vec<i64>, Vec<i64>)> {
        let lists = store::holding_author(ex.reborrow(), status.account_id, recipients).await?;
        if lists.is_empty() {
            return Ok((Vec::new(), Vec::new()));
        }
        let members_replied: Vec<i64> = match status.in_reply_to_account_id {
            Some(to) if to != status.account_id => {
                let ids: Vec<i64> = lists.iter().map(|l| l.id).collect();
                store::with_member(ex.reborrow(), &ids, to).await?
            }
            _ => Vec::new(),
        };
        let shown: Vec<i64> = lists
            .iter()
            .filter(|l| list_shows(l, status, members_replied.contains(&l.id)))
            .map(|l| l.id)
            .collect();
        let exclusive = lists
            .iter()
            .filter(|l| l.exclusive)
            .map(|l| l.account_id)
            .collect();
        Ok((shown, exclusive))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replies_policies() {
        let list = |policy: &str| List {
            id: 1,
            account_id: 100,
            title: String::new(),
            replies_policy: policy.into(),
            exclusive: false,
            created_at: 0,
        };
        let mut s = crate::status_rows::blank_status();
        s.account_id = 5;
        assert!(list_shows(&list("none"), &s, false), "not a reply");
        s.in_reply_to_account_id = Some(5);
        assert!(list_shows(&list("none"), &s, false), "a self-reply");
        s.in_reply_to_account_id = Some(100);
        assert!(list_shows(&list("none"), &s, false), "a reply to the owner");
        s.in_reply_to_account_id = Some(7);
        assert!(!list_shows(&list("none"), &s, true));
        assert!(list_shows(&list("list"), &s, true));
        assert!(!list_shows(&list("list"), &s, false));
        assert!(list_shows(&list("followed"), &s, false));
    }
}
