//! `/` (the front page, or home for members) and `/about` (rules, contact, and the published
//! block list when the instance's setting allows).

use axum::extract::State;
use maud::html;
use palisade_core::blocklists::public_domain;

use super::ctx::Ctx;
use super::page::{WebResult, account_line, count, page, redirect};
use crate::AppState;

pub async fn front(State(st): State<AppState>, ctx: Ctx) -> WebResult {
    if ctx.signed_in() {
        return Ok(redirect(&ctx, "/home"));
    }
    let s = &st.core.settings;
    let stats = st.core.stats().await?;
    let admin = st.core.contact_account().await?;
    Ok(page(
        &st,
        &ctx,
        "Welcome",
        html! {
            h1 { (s.instance.title) }
            p { (s.instance.description) }
            @if admin.is_none() {
                section.warning aria-labelledby="first-run" {
                    h2 #first-run { "This server has no admin yet" }
                    p { "Create the first admin on the server's command line, with the configuration " code { "palisade serve" } " uses:" }
                    pre { code { "palisade admin user create NAME --email you@example.org --role admin" } }
                    p { "Then sign in here with that name and the password it prints." }
                }
            }
            ul.figures {
                li { span.n { (stats.user_count) } " members" }
                li { span.n { (stats.status_count) } " posts" }
                li { span.n { (stats.domain_count) } " known servers" }
            }
            div.actions {
                a.button href="/auth/sign_in" { "Sign in" }
                @if s.registrations != palisade_core::settings::Registrations::Closed {
                    a.button.secondary href="/auth/sign_up" { "Create an account" }
                }
                a href="/public/local" { "See what members post" }
            }
            p.muted { "Any Mastodon app works with this server: its address is " code { (s.public_url) } "." }
        },
    ))
}

pub async fn about(State(st): State<AppState>, ctx: Ctx) -> WebResult {
    let s = &st.core.settings;
    let blocks = st.core.public_blocklist(ctx.signed_in()).await?;
    let contact = st.core.contact_account().await?;
    Ok(page(
        &st,
        &ctx,
        "About",
        html! {
            h1 { "About " (s.instance.title) }
            p { (s.instance.description) }
            @if let Some(a) = &contact {
                h2 { "Contact" }
                p { (account_line(&st, a)) }
            }
            @if !s.instance.contact_email.is_empty() {
                p { "E-mail: " a href={"mailto:" (s.instance.contact_email)} { (s.instance.contact_email) } }
            }
            h2 { "Server rules" }
            @if s.instance.rules.is_empty() {
                p.muted { "This server has not written down any rules." }
            } @else {
                ol { @for r in &s.instance.rules { li { (r) } } }
            }
            h2 { "Moderated servers" }
            @match &blocks {
                None => p.muted { "This server does not publish the servers it limits or suspends." },
                Some(list) if list.is_empty() => p.muted { "This server limits or suspends no other server." },
                Some(list) => {
                    p { "Content from these servers is limited or not accepted here (" (count(list.len() as i64, "server", "servers")) ")." }
                    div.table-wrap { table {
                        thead { tr { th scope="col" { "Server" } th scope="col" { "Policy" } th scope="col" { "Reason" } } }
                        tbody { @for b in list { tr {
                            td { (public_domain(b)) }
                            td { span class={"pill " (b.severity)} { (if b.severity == palisade_core::model::Severity::Suspend { "suspended" } else { "limited" }) } }
                            td { (b.public_comment.clone().unwrap_or_default()) }
                        } } }
                    } }
                }
            }
        },
    ))
}
