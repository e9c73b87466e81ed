//! `/home`, `/public/local`, `/public` (federated), `/notifications` (with Accept and
//! Reject on a follow request), `/bookmarks`.

use axum::extract::{Query, State};
use maud::html;
use palisade_core::model::{Mark, NotificationFilter, Origin};

use super::compose::{self, Draft};
use super::ctx::Ctx;
use super::page::{WebResult, account_line, page, require_member, time};
use super::render::{status, timeline};
use crate::AppState;
use crate::pagination::PageParams;

pub async fn home(State(st): State<AppState>, ctx: Ctx, Query(p): Query<PageParams>) -> WebResult {
    let viewer = match require_member(&ctx) {
        Ok(v) => v,
        Err(r) => return Ok(r),
    };
    let tl = st.core.home_timeline(viewer, &p.query(20, 40)).await?;
    let accept = compose::accept(&st).await;
    Ok(page(
        &st,
        &ctx,
        "Home",
        html! {
            h1 { "Home" }
            (compose::form(&st, &ctx, None, &Draft::default(), &accept))
            h2.visually-hidden { "Posts from people you follow" }
            (timeline(&st, &ctx, &tl, "/home", "Nothing here yet: follow people (search for them above) and their posts appear here."))
        },
    ))
}

async fn public(st: AppState, ctx: Ctx, p: PageParams, origin: Origin) -> WebResult {
    let tl = st
        .core
        .public_timeline(ctx.account(), origin, false, &p.query(20, 40))
        .await?;
    let (title, base, blurb) = match origin {
        Origin::Local => (
            "Local timeline",
            "/public/local",
            "Public posts by members of this server.",
        ),
        _ => (
            "Federated timeline",
            "/public",
            "Public posts from here and every server members follow.",
        ),
    };
    Ok(page(
        &st,
        &ctx,
        title,
        html! {
            h1 { (title) }
            p.muted { (blurb) }
            (timeline(&st, &ctx, &tl, base, "No posts yet."))
        },
    ))
}

pub async fn local(State(st): State<AppState>, ctx: Ctx, Query(p): Query<PageParams>) -> WebResult {
    public(st, ctx, p, Origin::Local).await
}

pub async fn federated(State(st): State<AppState>, ctx: Ctx, Query(p): Query<PageParams>) -> WebResult {
    public(st, ctx, p, Origin::All).await
}

pub async fn bookmarks(State(st): State<AppState>, ctx: Ctx, Query(p): Query<PageParams>) -> WebResult {
    let viewer = match require_member(&ctx) {
        Ok(v) => v,
        Err(r) => return Ok(r),
    };
    let tl = st
        .core
        .marked_statuses(viewer, Mark::Bookmark, &p.query(20, 40))
        .await?;
    Ok(page(
        &st,
        &ctx,
        "Bookmarks",
        html! {
            h1 { "Bookmarks" }
            (timeline(&st, &ctx, &tl, "/bookmarks", "You have not bookmarked any post."))
        },
    ))
}

fn what(kind: &str) -> &'static str {
    match kind {
        "mention" => "mentioned you",
        "status" => "posted",
        "reblog" => "boosted your post",
        "follow" => "followed you",
        "follow_request" => "asked to follow you",
        "favourite" => "favourited your post",
        "update" => "edited a post",
        "severed_relationships" => ": some of your relationships were severed",
        "admin.sign_up" => "signed up",
        "admin.report" => "filed a report",
        _ => "did something",
    }
}

pub async fn notifications(State(st): State<AppState>, ctx: Ctx, Query(p): Query<PageParams>) -> WebResult {
    let viewer = match require_member(&ctx) {
        Ok(v) => v,
        Err(r) => return Ok(r),
    };
    let q = p.query(30, 40);
    let list = st
        .core
        .notifications(viewer, &NotificationFilter::default(), &q)
        .await?;
    let keys = list.keys();
    let pending = st.core.pending_follow_requests(viewer).await?;
    let notes: Vec<_> = list.items.into_iter().map(|(_, n)| n).collect();
    let from_ids: Vec<i64> = notes.iter().map(|n| n.from_account_id).collect();
    let accounts = st.core.account_views(&from_ids).await?;
    let status_ids: Vec<i64> = notes.iter().filter_map(|n| n.status_id).collect();
    let statuses = st
        .core
        .status_views(ctx.account(), &status_ids, Default::default())
        .await?;
    Ok(page(
        &st,
        &ctx,
        "Notifications",
        html! {
            h1 { "Notifications" }
            @if pending > 0 {
                p { a href="/follow_requests" { (pending) " follow request" @if pending > 1 { "s" } " waiting for your answer" } }
            }
            @if notes.is_empty() { p.muted { "No notifications." } }
            @for n in &notes {
                @let from = accounts.iter().find(|a| a.id == n.from_account_id);
                div.card {
                    p {
                        @if let Some(a) = from { (account_line(&st, a)) " " }
                        (what(&n.kind)) " · " (time(n.created_at))
                    }
                    @if n.kind == "follow_request" {
                        (super::follow_requests::answer_buttons(&ctx, n.from_account_id))
                    }
                    @if n.kind == "severed_relationships" {
                        p { a href="/settings/severed_relationships" { "See what was severed and download the lists" } }
                    }
                    @if let Some(s) = n.status_id.and_then(|id| statuses.iter().find(|v| v.status.id == id)) {
                        (status(&st, &ctx, s))
                    }
                }
            }
            @if keys.len() as i64 >= q.limit {
                @if let Some(last) = keys.last() {
                    nav.pager aria-label="Pages" { a href={"/notifications?max_id=" (last)} { "Older notifications" } }
                }
            }
        },
    ))
}
