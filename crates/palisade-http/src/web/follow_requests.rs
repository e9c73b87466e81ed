//! `/follow_requests`: who asked to follow a locked account, each with Accept and Reject
//! (what `/api/v1/follow_requests` gives apps). The buttons post to
//! `/accounts/{id}/authorize|reject` (profile.rs), as they do from a notification or from
//! the requester's profile.

use axum::extract::{Query, State};
use maud::{Markup, html};

use super::ctx::Ctx;
use super::page::{WebResult, account_line, page, post_button, require_member};
use crate::AppState;
use crate::pagination::PageParams;

pub async fn list(State(st): State<AppState>, ctx: Ctx, Query(p): Query<PageParams>) -> WebResult {
    let viewer = match require_member(&ctx) {
        Ok(v) => v,
        Err(r) => return Ok(r),
    };
    let q = p.query(40, 80);
    let rows = st.core.follow_requests(viewer, &q).await?;
    let keys = rows.keys();
    let ids: Vec<i64> = rows.items.iter().map(|(_, id)| *id).collect();
    let accounts = st.core.account_views(&ids).await?;
    Ok(page(
        &st,
        &ctx,
        "Follow requests",
        html! {
            h1 { "Follow requests" }
            @if ids.is_empty() { p.muted { "No one is waiting for an answer." } }
            @for a in ids.iter().filter_map(|id| accounts.iter().find(|a| a.id == *id)) {
                div.card {
                    p { (account_line(&st, a)) " asked to follow you" }
                    (answer_buttons(&ctx, a.id))
                }
            }
            @if keys.len() as i64 >= q.limit {
                @if let Some(last) = keys.last() {
                    nav.pager aria-label="Pages" { a href={"/follow_requests?max_id=" (last)} { "More requests" } }
                }
            }
        },
    ))
}

/// Accept and Reject for a pending request from `requester`.
pub fn answer_buttons(ctx: &Ctx, requester: i64) -> Markup {
    html! {
        div.actions {
            (post_button(ctx, &format!("/accounts/{requester}/authorize"), "Accept", ""))
            (post_button(ctx, &format!("/accounts/{requester}/reject"), "Reject", "secondary"))
        }
    }
}
