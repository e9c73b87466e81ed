//! `/settings/domains/:domain`: for any domain, whom the member follows there, who follows
//! them from there, and when they last heard from it.

use axum::extract::{Path, Query, State};
use maud::html;
use serde::Deserialize;

use super::tabs;
use crate::web::ctx::Ctx;
use crate::web::page::{WebResult, account_line, page, redirect, require_member, time, urlencode};
use crate::{AppState, de};

#[derive(Deserialize)]
pub struct DomainQuery {
    #[serde(default, deserialize_with = "de::opt_string")]
    domain: Option<String>,
}

/// The form; with `?domain=` it goes to that domain's page.
pub async fn index(State(st): State<AppState>, ctx: Ctx, Query(q): Query<DomainQuery>) -> WebResult {
    if let Err(r) = require_member(&ctx) {
        return Ok(r);
    }
    if let Some(d) = q.domain.filter(|d| !d.trim().is_empty()) {
        return Ok(redirect(
            &ctx,
            &format!("/settings/domains/{}", urlencode(d.trim())),
        ));
    }
    Ok(page(
        &st,
        &ctx,
        "Domains",
        html! {
            h1 { "Settings" }
            (tabs("/settings/domains"))
            h2 { "Your ties with a domain" }
            form.card action="/settings/domains" method="get" {
                label for="domain" { "Domain" }
                input #domain type="text" name="domain" placeholder="threads.net" required;
                div.actions { button type="submit" { "Show" } }
            }
        },
    ))
}

pub async fn show(State(st): State<AppState>, ctx: Ctx, Path(domain): Path<String>) -> WebResult {
    let viewer = match require_member(&ctx) {
        Ok(v) => v,
        Err(r) => return Ok(r),
    };
    let s = st.core.domain_summary(viewer, &domain).await?;
    let d = &s.domain;
    Ok(page(
        &st,
        &ctx,
        d,
        html! {
            h1 { "Settings" }
            (tabs("/settings/domains"))
            h2 { "You and " (d) }
            dl.facts.card {
                dt { "You block it" } dd { @if s.blocked { "yes" } @else { "no" } }
                dt { "You last heard from it" } dd { @match s.last_heard { Some(t) => (time(t)), None => "never (no post or notification from there reached you)" } }
                dt { "This server last heard from it" } dd { @match s.instance_last_seen { Some(t) => (time(t)), None => "never" } }
                dt { "Accounts known there" } dd { (s.accounts_known) }
            }
            h2 { "You follow there (" (s.following.len()) ")" }
            @if s.following.is_empty() { p.muted { "Nobody." } } @else { ul.names-list { @for a in &s.following { li { (account_line(&st, a)) } } } }
            h2 { "Follow you from there (" (s.followers.len()) ")" }
            @if s.followers.is_empty() { p.muted { "Nobody." } } @else { ul.names-list { @for a in &s.followers { li { (account_line(&st, a)) } } } }
            div.actions {
                @if s.blocked {
                    form.inline action="/domain_blocks/unblock" method="post" {
                        (crate::web::page::csrf(&ctx))
                        input type="hidden" name="domain" value=(d);
                        input type="hidden" name="back" value={"/settings/domains/" (urlencode(d))};
                        button.secondary type="submit" { "Unblock " (d) }
                    }
                } @else {
                    a.button.danger href={"/domain_blocks/new?domain=" (urlencode(d))} { "Block " (d) "…" }
                }
                a href={"/search?q=" (urlencode(d))} { "Accounts known on " (d) }
            }
        },
    ))
}
