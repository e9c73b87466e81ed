//! Posts: the reply page, a thread (`/statuses/:id`, and the
//! HTML side of `/@user/:id` with OpenGraph tags), and the buttons under each post.

use axum::extract::{Path, Query, State};
use maud::html;
use palisade_core::views::StatusView;
use serde::Deserialize;

use super::compose::{self, Draft};
use super::ctx::Ctx;
use super::form::Form;
use super::page::{
    Opts, WebError, WebResult, display_name, handle, page, page_with, redirect, require_member, safe_back,
};
use super::render::status;
use crate::{AppState, de};

#[derive(Deserialize)]
pub struct ReplyQuery {
    #[serde(default, deserialize_with = "de::opt_i64")]
    in_reply_to: Option<i64>,
    #[serde(default, deserialize_with = "de::opt_string")]
    text: Option<String>,
}

/// The compose page: a reply, or a new post with text filled in (a mention from a profile).
pub async fn new(State(st): State<AppState>, ctx: Ctx, Query(q): Query<ReplyQuery>) -> WebResult {
    if let Err(r) = require_member(&ctx) {
        return Ok(r);
    }
    let parent = match q.in_reply_to {
        Some(id) => Some(st.core.status_view(ctx.account(), id).await?),
        None => None,
    };
    let text = match (&parent, &q.text) {
        (_, Some(t)) => format!("{t} "),
        (Some(p), None) if ctx.account().is_none_or(|me| me.id != p.account.id) => {
            format!("{} ", handle(&st, &p.account))
        }
        _ => String::new(),
    };
    let accept = compose::accept(&st).await;
    Ok(page(
        &st,
        &ctx,
        "Compose",
        html! {
            h1 { @if parent.is_some() { "Reply" } @else { "New post" } }
            @if let Some(p) = &parent { (status(&st, &ctx, p)) }
            (compose::form(&st, &ctx, parent.as_ref(), &Draft::text(&text), &accept))
        },
    ))
}

fn og(st: &AppState, v: &StatusView) -> maud::Markup {
    let text: String = strip_tags(&v.status.content_html).chars().take(200).collect();
    html! {
        meta property="og:site_name" content=(st.core.settings.instance.title);
        meta property="og:type" content="article";
        meta property="og:title" content={(display_name(&v.account)) " (" (handle(st, &v.account)) ")"};
        meta property="og:description" content=(text);
        meta property="og:url" content=(v.status.url.clone().unwrap_or_else(|| v.status.uri.clone()));
        meta property="og:image" content=(og_image(st, v));
        link rel="alternate" type="application/activity+json" href=(v.status.uri);
    }
}

/// The first picture of a status (its preview), else its author's avatar; never one marked
/// sensitive or behind a content warning.
fn og_image(st: &AppState, v: &StatusView) -> String {
    let urls = st.core.urls();
    v.media
        .iter()
        .filter(|_| !v.status.sensitive)
        .map(|m| crate::entities::media_attachment(m, &urls, false))
        .find_map(|e| e.preview_url)
        .unwrap_or_else(|| super::pictures::avatar_absolute(st, &v.account))
}

fn strip_tags(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                out.push(' ');
            }
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
}

/// A thread around one status.
pub async fn show(st: &AppState, ctx: &Ctx, id: i64) -> WebResult {
    let v = st.core.status_view(ctx.account(), id).await?;
    let thread = st.core.status_context(ctx.account(), id).await?;
    let accept = compose::accept(st).await;
    let title = format!(
        "{}: “{}”",
        display_name(&v.account),
        strip_tags(&v.status.content_html)
            .chars()
            .take(40)
            .collect::<String>()
    );
    Ok(page_with(
        st,
        ctx,
        &title,
        html! {
            h1.visually-hidden { "Post by " (display_name(&v.account)) }
            @for a in &thread.ancestors { (status(st, ctx, a)) }
            (status(st, ctx, &v))
            @if ctx.signed_in() { (compose::form(st, ctx, Some(&v), &Draft::text(&format!("{} ", handle(st, &v.account))), &accept)) }
            @if !thread.descendants.is_empty() {
                h2 { "Replies" }
                @for d in &thread.descendants { (status(st, ctx, d)) }
            }
        },
        Opts {
            head: Some(og(st, &v)),
            ..Default::default()
        },
    ))
}

pub async fn show_by_id(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> WebResult {
    let id = id
        .parse::<i64>()
        .map_err(|_| WebError(palisade_core::Error::not_found()))?;
    show(&st, &ctx, id).await
}

/// The HTML side of `/@user/:id`.
pub async fn local_page(st: &AppState, ctx: &Ctx, name: &str, id: &str) -> WebResult {
    let id = id
        .parse::<i64>()
        .map_err(|_| WebError(palisade_core::Error::not_found()))?;
    let v = st.core.status_view(ctx.account(), id).await?;
    if !v.account.username.eq_ignore_ascii_case(name) || !v.account.is_local() {
        return Err(WebError(palisade_core::Error::not_found()));
    }
    show(st, ctx, id).await
}

#[derive(Deserialize)]
pub struct Back {
    #[serde(default, deserialize_with = "de::opt_string")]
    back: Option<String>,
}

/// `POST /statuses/:id/{favourite,unfavourite,reblog,unreblog,bookmark,unbookmark,delete}`.
pub async fn act(
    State(st): State<AppState>,
    Path((id, action)): Path<(String, String)>,
    Form(mut ctx, f): Form<Back>,
) -> WebResult {
    let viewer = match require_member(&ctx) {
        Ok(v) => v.clone(),
        Err(r) => return Ok(r),
    };
    let id = id
        .parse::<i64>()
        .map_err(|_| WebError(palisade_core::Error::not_found()))?;
    let core = &st.core;
    match action.as_str() {
        "favourite" => drop(core.favourite(&viewer, id).await?),
        "unfavourite" => drop(core.unfavourite(&viewer, id).await?),
        "reblog" => drop(core.reblog(&viewer, id, None).await?),
        "unreblog" => drop(core.unreblog(&viewer, id).await?),
        "bookmark" => drop(core.set_bookmark(&viewer, id, true).await?),
        "unbookmark" => drop(core.set_bookmark(&viewer, id, false).await?),
        "delete" => {
            core.delete_status(&viewer, id, false).await?;
            ctx.notice("Your post was deleted.");
            let back = safe_back(f.back.as_deref(), "/home");
            let back = if back.contains(&id.to_string()) {
                "/home".into()
            } else {
                back
            };
            return Ok(redirect(&ctx, &back));
        }
        _ => return Err(WebError(palisade_core::Error::not_found())),
    }
    Ok(redirect(&ctx, &safe_back(f.back.as_deref(), "/home")))
}

/// The first words of a post, as plain text.
pub fn excerpt(html: &str) -> String {
    let text = strip_tags(html);
    let short: String = text.chars().take(80).collect();
    if short.len() < text.len() {
        format!("{short}…")
    } else {
        short
    }
}
