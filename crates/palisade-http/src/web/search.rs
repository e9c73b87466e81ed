//! `/search`: accounts, hashtags and posts; a domain (`threads.net`) lists the accounts
//! known there; `@user@host` or a profile URL resolves a remote account (signed in).

use axum::extract::{Query, State};
use maud::html;
use palisade_core::policy::normalize_domain;
use serde::Deserialize;

use super::ctx::Ctx;
use super::page::{WebResult, account_line, count, page, urlencode};
use super::render::status;
use crate::{AppState, de};

#[derive(Deserialize)]
pub struct SearchQuery {
    #[serde(default, deserialize_with = "de::opt_string")]
    q: Option<String>,
}

/// A bare domain (not a handle, not a URL, no spaces, with a dot).
fn as_domain(q: &str) -> Option<String> {
    let q = q.trim();
    if q.contains(['@', '/', ' ']) || !q.contains('.') {
        return None;
    }
    normalize_domain(q)
}

pub async fn search(State(st): State<AppState>, ctx: Ctx, Query(p): Query<SearchQuery>) -> WebResult {
    let q = p.q.unwrap_or_default().trim().to_owned();
    let is_url = q.starts_with("https://") || q.starts_with("http://");
    let is_handle = q
        .trim_start_matches('@')
        .split_once('@')
        .is_some_and(|(u, d)| !u.is_empty() && d.contains(['.', ':']));
    if ctx.signed_in() && (is_url || is_handle) {
        // Reaching out to other servers is for members only, as in Mastodon.
        st.fed.resolve_query(&q).await;
    }
    let domain = as_domain(&q);
    let on_domain = match &domain {
        Some(d) => st.core.accounts_on_domain(ctx.account(), d, 60).await?,
        None => Vec::new(),
    };
    let mut results = st.core.search(ctx.account(), &q, None, 20, 0).await?;
    if is_url
        && let Some(a) = st.core.account_by_url(&q).await?
        && !results.accounts.iter().any(|x| x.id == a.id)
    {
        results.accounts.insert(0, a);
    }
    if domain.is_some() {
        results
            .accounts
            .retain(|a| !on_domain.iter().any(|d| d.id == a.id));
    }
    let nothing = on_domain.is_empty()
        && results.accounts.is_empty()
        && results.hashtags.is_empty()
        && results.statuses.is_empty();
    Ok(page(
        &st,
        &ctx,
        if q.is_empty() { "Search" } else { "Search results" },
        html! {
            h1 { "Search" }
            form.card role="search" action="/search" method="get" {
                label for="q" { "Accounts, hashtags, a domain, a handle or a link" }
                div.actions {
                    input #q type="search" name="q" value=(q) placeholder="threads.net, @alice@example.org, #cats";
                    button type="submit" { "Search" }
                }
                @if !ctx.signed_in() { p.hint { "Sign in to look up accounts on other servers." } }
            }
            @if let Some(d) = &domain {
                section aria-labelledby="on-domain" {
                    h2 #on-domain { "Accounts known on " (d) }
                    @if on_domain.is_empty() {
                        p.muted { "This server knows no account on " (d) " (or you or this server block it). Search for a handle like @name@" (d) " to look one up." }
                    } @else {
                        p.muted { (count(on_domain.len() as i64, "account", "accounts")) " this server knows there, most followed first." }
                        ul.names-list { @for a in &on_domain { li { (account_line(&st, a)) } } }
                    }
                    @if ctx.signed_in() {
                        p { a href={"/settings/domains/" (urlencode(d))} { "Your ties with " (d) } " · " a href={"/domain_blocks/new?domain=" (urlencode(d))} { "Block " (d) "…" } }
                    }
                }
            }
            @if !results.accounts.is_empty() {
                section aria-labelledby="r-accounts" {
                    h2 #r-accounts { "Accounts" }
                    ul.names-list { @for a in &results.accounts { li { (account_line(&st, a)) } } }
                }
            }
            @if !results.hashtags.is_empty() {
                section aria-labelledby="r-tags" {
                    h2 #r-tags { "Hashtags" }
                    ul { @for t in &results.hashtags { li { a href={"/tags/" (urlencode(&t.name))} { "#" (t.name) } } } }
                }
            }
            @if !results.statuses.is_empty() {
                section aria-labelledby="r-posts" {
                    h2 #r-posts { "Posts" }
                    @for v in &results.statuses { (status(&st, &ctx, v)) }
                }
            }
            @if !q.is_empty() && nothing { p.muted { "Nothing found for “" (q) "”." } }
        },
    ))
}
