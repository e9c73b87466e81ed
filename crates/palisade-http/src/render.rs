//! Turning core views into entities and paged responses.

use axum::Json;
use axum::http::{HeaderMap, Uri};
use axum::response::{IntoResponse, Response};
use palisade_core::PageQuery;
use palisade_core::auth::Viewer;
use palisade_core::model::Account;
use palisade_core::timelines::StatusPage;
use palisade_core::views::StatusView;
use serde::Serialize;

use crate::AppState;
use crate::entities::{self, Status};
use crate::error::ApiResult;
use crate::pagination::link_header;

impl AppState {
    pub fn account_json(&self, a: &Account) -> entities::Account {
        entities::account(a, &self.core.urls())
    }

    pub fn accounts_json(&self, list: &[Account]) -> Vec<entities::Account> {
        list.iter().map(|a| self.account_json(a)).collect()
    }

    pub fn status_json(&self, v: &StatusView, viewer: Option<&Viewer>) -> Status {
        entities::status(
            v,
            viewer.and_then(|v| v.account.as_ref()).map(|a| a.id),
            &self.core.urls(),
            self.core.settings.media.expose_remote_url,
        )
    }

    pub fn scheduled_json(&self, s: &palisade_core::scheduled::ScheduledStatus) -> serde_json::Value {
        entities::scheduled_status(s, &self.core.urls(), self.core.settings.media.expose_remote_url)
    }

    pub fn statuses_json(&self, list: &[StatusView], viewer: Option<&Viewer>) -> Vec<Status> {
        list.iter().map(|v| self.status_json(v, viewer)).collect()
    }

    /// A JSON list with Mastodon's `Link` header; `keys` are the page's first and last keys.
    pub fn paged<T: Serialize>(
        &self,
        uri: &Uri,
        page: &PageQuery,
        items: Vec<T>,
        keys: (Option<i64>, Option<i64>),
        full: bool,
    ) -> Response {
        let headers: HeaderMap = link_header(&self.core.settings.public_url, uri, page, keys.1, keys.0, full);
        (headers, Json(items)).into_response()
    }

    /// A page of statuses with its `Link` header.
    pub fn status_page(
        &self,
        uri: &Uri,
        page: &PageQuery,
        p: StatusPage,
        viewer: Option<&Viewer>,
    ) -> Response {
        let items = self.statuses_json(&p.statuses, viewer);
        self.paged(
            uri,
            page,
            items,
            (p.prev_min_id, p.next_max_id),
            p.raw_len as i64 >= page.limit,
        )
    }

    /// A page of accounts keyed by something else (follow ids, mark ids).
    pub async fn account_page(
        &self,
        uri: &Uri,
        page: &PageQuery,
        rows: palisade_core::model::Page<i64>,
    ) -> ApiResult<Response> {
        let keys = rows.keys();
        let full = keys.len() as i64 >= page.limit;
        let ids: Vec<i64> = rows.items.into_iter().map(|(_, id)| id).collect();
        let accounts = self.core.account_views(&ids).await?;
        Ok(self.paged(
            uri,
            page,
            self.accounts_json(&accounts),
            (keys.first().copied(), keys.last().copied()),
            full,
        ))
    }
}

/// The viewer's account, if any.
pub fn viewer_account(v: Option<&Viewer>) -> Option<&Account> {
    v.and_then(|v| v.account.as_ref())
}
