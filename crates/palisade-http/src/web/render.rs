//! Statuses and the compose form, as every timeline, profile and thread shows them.

use maud::{Markup, html};
use palisade_core::model::Visibility;
use palisade_core::timelines::StatusPage;
use palisade_core::views::StatusView;

use super::attachments::{attachments, card};
use super::ctx::Ctx;
use super::page::{account_line, csrf, display_name, profile_path, time};
use super::pictures;
use crate::AppState;

/// The page of a local status, or the status' own URL for a remote one.
pub fn status_path(v: &StatusView) -> String {
    match &v.account.domain {
        None => format!("/@{}/{}", v.account.username, v.status.id),
        Some(_) => format!("/statuses/{}", v.status.id),
    }
}

pub fn status(st: &AppState, ctx: &Ctx, v: &StatusView) -> Markup {
    let (shown, booster) = match &v.reblog {
        Some(inner) => (inner.as_ref(), Some(&v.account)),
        None => (v, None),
    };
    let s = &shown.status;
    let marks = shown.viewer.unwrap_or_default();
    let mine = ctx.account().is_some_and(|me| me.id == s.account_id);
    let id = s.id;
    let emojis = pictures::of_status(st, shown);
    let content = pictures::html(&s.content_html, &emojis);
    let media = attachments(st, &shown.media, s.sensitive && s.spoiler_text.is_empty());
    html! {
        article.status aria-label={"Post by " (display_name(&shown.account))} {
            @if let Some(b) = booster {
                p.boosted { a href=(profile_path(b)) { (pictures::name(st, b)) } " boosted" }
            }
            header {
                (account_line(st, &shown.account))
                a.meta href=(status_path(shown)) { (time(s.created_at)) " · " (s.visibility) @if s.edited_at.is_some() { " · edited" } }
            }
            @if !s.spoiler_text.is_empty() {
                details.cw {
                    summary { "Content warning: " (pictures::text(&s.spoiler_text, &emojis)) }
                    div.content { (content) }
                    (media)
                }
            } @else {
                div.content { (content) }
                (media)
            }
            @if let Some(c) = &shown.card {
                @if shown.media.is_empty() { (card(st, c)) }
            }
            @if ctx.signed_in() {
                footer aria-label="Actions" {
                    a href={"/statuses/new?in_reply_to=" (id)} { "Reply (" (s.replies_count) ")" }
                    @if matches!(s.visibility, Visibility::Public | Visibility::Unlisted) {
                        (toggle(ctx, id, marks.reblogged, "unreblog", "reblog", "Boosted", "Boost", s.reblogs_count))
                    }
                    (toggle(ctx, id, marks.favourited, "unfavourite", "favourite", "Favourited", "Favourite", s.favourites_count))
                    (toggle(ctx, id, marks.bookmarked, "unbookmark", "bookmark", "Bookmarked", "Bookmark", -1))
                    @if mine && s.reblog_of_id.is_none() {
                        a href={"/statuses/" (id) "/edit"} { "Edit" }
                    }
                    @if mine {
                        form.inline action={"/statuses/" (id) "/delete"} method="post" data-confirm="Delete this post?" {
                            (csrf(ctx))
                            input type="hidden" name="back" value=(ctx.path);
                            button.link type="submit" { "Delete" }
                        }
                    }
                }
            }
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn toggle(
    ctx: &Ctx,
    id: i64,
    on: bool,
    off_action: &str,
    on_action: &str,
    on_label: &str,
    off_label: &str,
    n: i64,
) -> Markup {
    let action = format!("/statuses/{id}/{}", if on { off_action } else { on_action });
    let label = if n >= 0 {
        format!("{} ({n})", if on { on_label } else { off_label })
    } else {
        (if on { on_label } else { off_label }).to_owned()
    };
    html! {
        form.inline action=(action) method="post" {
            (csrf(ctx))
            input type="hidden" name="back" value=(ctx.path);
            button.link.on[on] type="submit" aria-pressed=(if on { "true" } else { "false" }) { (label) }
        }
    }
}

/// A timeline page with a link to older posts.
pub fn timeline(st: &AppState, ctx: &Ctx, page: &StatusPage, base: &str, empty: &str) -> Markup {
    html! {
        @if page.statuses.is_empty() {
            p.muted { (empty) }
        }
        @for v in &page.statuses { (status(st, ctx, v)) }
        @if let Some(next) = page.next_max_id.filter(|_| page.raw_len >= 20) {
            nav.pager aria-label="Pages" {
                a href={(base) (if base.contains('?') { "&" } else { "?" }) "max_id=" (next)} { "Older posts" }
            }
        }
    }
}
