//! "Block domain HOST": the prompt that says what will happen, with the live deduplicated
//! counts and the names of whom the member will lose (`GET /domain_blocks/new`), the block
//! itself with a page that says what happened (`POST /domain_blocks`), and unblocking
//! (`POST /domain_blocks/unblock`).

use axum::extract::{Query, State};
use maud::{Markup, html};
use palisade_core::domain_views::BlockPrompt;
use palisade_core::model::Account;
use serde::Deserialize;

use super::ctx::Ctx;
use super::form::Form;
use super::page::{
    WebResult, account_line, count, csrf, handle, page, profile_path, redirect, require_member, safe_back,
    urlencode,
};
use crate::{AppState, de};

#[derive(Deserialize)]
pub struct PromptQuery {
    #[serde(default, deserialize_with = "de::opt_string")]
    domain: Option<String>,
    /// The profile the prompt was opened from ("Block @user instead").
    #[serde(default, deserialize_with = "de::opt_i64")]
    account: Option<i64>,
}

fn names(st: &AppState, list: &[Account], id: &str) -> Markup {
    html! {
        ul.names-list #(id) { @for a in list { li { (account_line(st, a)) } } }
    }
}

fn prompt(st: &AppState, ctx: &Ctx, p: &BlockPrompt, from: Option<&Account>) -> Markup {
    let d = &p.domain;
    let cancel = from
        .map(profile_path)
        .unwrap_or_else(|| format!("/search?q={}", urlencode(d)));
    html! {
        section.card.prompt aria-labelledby="prompt-title" aria-describedby="prompt-what" {
            h1 #prompt-title { "Block " (d) "?" }
            @if p.already_blocked { p.warning { "You already block " (d) "." } }
            p #prompt-what { "Blocking a whole domain is stronger than blocking one account. If you block " strong { (d) } ":" }
            ul.effects {
                li { "You won't see posts or notifications from anyone on " (d) ", in any timeline." }
                li { "Your followers on " (d) " are removed, and you unfollow everyone you follow there." }
                li { "Nobody on " (d) " can follow you while the block stands." }
                li { "People on " (d) " can still see your public posts: a block does not hide them." }
                li { "The block is private: " (d) " is not told about it (only that the follows ended)." }
                li { "You can unblock at any time; the follows that ended do not come back by themselves." }
            }
            ul.figures aria-label="What you would lose" {
                li #following-count { span.n { (p.counts.following_count) } "accounts you follow there" }
                li #followers-count { span.n { (p.counts.followers_count) } "followers you have there" }
                @if p.pending_requests > 0 { li { span.n { (p.pending_requests) } "pending follow requests" } }
            }
            @if !p.following.is_empty() {
                h2 { "You will unfollow (" (p.following.len()) ")" }
                (names(st, &p.following, "following-names"))
            }
            @if !p.followers.is_empty() {
                h2 { "These followers will be removed (" (p.followers.len()) ")" }
                (names(st, &p.followers, "followers-names"))
            }
            @if p.following.is_empty() && p.followers.is_empty() {
                p.muted { "You have no follows with " (d) " now, so no relationship ends." }
            }
            div.actions {
                form.inline action="/domain_blocks" method="post" {
                    (csrf(ctx))
                    input type="hidden" name="domain" value=(d);
                    @if let Some(a) = from { input type="hidden" name="account" value=(a.id); }
                    button.danger type="submit" { "Block " (d) }
                }
                @if let Some(a) = from {
                    form.inline action={"/accounts/" (a.id) "/block"} method="post" {
                        (csrf(ctx))
                        input type="hidden" name="back" value=(profile_path(a));
                        button.secondary type="submit" { "Block " (handle(st, a)) " instead" }
                    }
                }
                a.button.secondary href=(cancel) { "Cancel" }
            }
        }
    }
}

pub async fn new(State(st): State<AppState>, ctx: Ctx, Query(q): Query<PromptQuery>) -> WebResult {
    let viewer = match require_member(&ctx) {
        Ok(v) => v,
        Err(r) => return Ok(r),
    };
    let p = st
        .core
        .domain_block_prompt(viewer, q.domain.as_deref().unwrap_or(""))
        .await?;
    let from = match q.account {
        Some(id) => st.core.account(id).await.ok().filter(|a| {
            a.domain
                .as_deref()
                .is_some_and(|d| d.eq_ignore_ascii_case(&p.domain))
        }),
        None => None,
    };
    Ok(page(
        &st,
        &ctx,
        &format!("Block {}?", p.domain),
        prompt(&st, &ctx, &p, from.as_ref()),
    ))
}

#[derive(Deserialize)]
pub struct BlockForm {
    #[serde(default)]
    domain: String,
    #[serde(default, deserialize_with = "de::opt_string")]
    back: Option<String>,
}

pub async fn create(State(st): State<AppState>, Form(ctx, f): Form<BlockForm>) -> WebResult {
    let viewer = match require_member(&ctx) {
        Ok(v) => v.clone(),
        Err(r) => return Ok(r),
    };
    // What the member loses, read just before the block takes it.
    let before = st.core.domain_block_prompt(&viewer, &f.domain).await?;
    st.core.block_domain(&viewer, &before.domain).await?;
    let d = &before.domain;
    Ok(page(
        &st,
        &ctx,
        &format!("You blocked {d}"),
        html! {
            section.card aria-labelledby="done-title" {
                h1 #done-title { "You blocked " (d) }
                p role="status" { "Nothing from " (d) " reaches you any more, and nobody there can follow you." }
                ul {
                    li #unfollowed {
                        "You unfollowed " (count(before.following.len() as i64, "account", "accounts")) " there" @if !before.following.is_empty() { ":" }
                        @if !before.following.is_empty() { (names(&st, &before.following, "unfollowed-names")) }
                    }
                    li #removed {
                        (count(before.followers.len() as i64, "follower", "followers")) " there " (if before.followers.len() == 1 { "was" } else { "were" }) " removed" @if !before.followers.is_empty() { ":" }
                        @if !before.followers.is_empty() { (names(&st, &before.followers, "removed-names")) }
                    }
                }
                @if !before.following.is_empty() || !before.followers.is_empty() {
                    p { "The lists stay in " a href="/settings/severed_relationships" { "Severed relationships" } ", to download." }
                }
                div.actions {
                    form.inline action="/domain_blocks/unblock" method="post" {
                        (csrf(&ctx))
                        input type="hidden" name="domain" value=(d);
                        input type="hidden" name="back" value="/settings/domain_blocks";
                        button.secondary type="submit" { "Undo: unblock " (d) }
                    }
                    a href="/settings/domain_blocks" { "All your blocked domains" }
                    a href="/home" { "Back to home" }
                }
            }
        },
    ))
}

pub async fn unblock(State(st): State<AppState>, Form(mut ctx, f): Form<BlockForm>) -> WebResult {
    let viewer = match require_member(&ctx) {
        Ok(v) => v.clone(),
        Err(r) => return Ok(r),
    };
    st.core.unblock_domain(&viewer, &f.domain).await?;
    ctx.notice(&format!(
        "You unblocked {}. Follows that ended do not come back by themselves.",
        f.domain.trim()
    ));
    Ok(redirect(
        &ctx,
        &safe_back(f.back.as_deref(), "/settings/domain_blocks"),
    ))
}
