//! `/admin/peers`: the table of `palisade admin peers` (sortable, filterable by state and
//! name, paginated) and `/admin/peers/:domain`: one peer with its 7-day chart, NodeInfo,
//! first/last seen, and the actions retry now, clear failures, pause, resume (admins).

use axum::extract::{Path, Query, State};
use maud::{Markup, html};
use palisade_core::peers::{PeerReport, outcomes};
use serde::Deserialize;

use super::chart::chart;
use super::{actor, staff, tabs};
use crate::web::ctx::Ctx;
use crate::web::form::Form;
use crate::web::page::{Opts, WebResult, csrf, page_with, redirect, time, urlencode};
use crate::{AppState, de};

const STATES: &[&str] = &["ok", "failing", "unavailable", "paused", "never_contacted"];
const PER_PAGE: usize = 50;

#[derive(Deserialize, Default)]
pub struct ListQuery {
    #[serde(default, deserialize_with = "de::opt_string")]
    q: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    state: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    sort: Option<String>,
    #[serde(default, deserialize_with = "de::opt_i64")]
    page: Option<i64>,
}

fn software(r: &PeerReport) -> String {
    r.peer
        .as_ref()
        .and_then(|p| {
            p.software
                .clone()
                .map(|s| format!("{s} {}", p.version.clone().unwrap_or_default()))
        })
        .map(|s| s.trim().to_owned())
        .unwrap_or_else(|| "—".into())
}

fn failure(r: &PeerReport) -> Option<String> {
    r.peer.as_ref().and_then(|p| {
        p.last_failure_class
            .as_ref()
            .map(|c| format!("{c}: {}", p.last_failure_message.clone().unwrap_or_default()))
    })
}

fn link(q: &ListQuery, sort: &str, page: i64) -> String {
    let mut parts = vec![format!("sort={sort}")];
    if let Some(s) = q.q.as_deref().filter(|s| !s.is_empty()) {
        parts.push(format!("q={}", urlencode(s)));
    }
    if let Some(s) = q.state.as_deref().filter(|s| !s.is_empty()) {
        parts.push(format!("state={}", urlencode(s)));
    }
    if page > 1 {
        parts.push(format!("page={page}"));
    }
    format!("/admin/peers?{}", parts.join("&"))
}

fn sort_header(q: &ListQuery, key: &str, label: &str, num: bool) -> Markup {
    let current = q.sort.as_deref().unwrap_or("domain") == key;
    html! {
        th.num[num] scope="col" aria-sort=[current.then_some(if key == "domain" { "ascending" } else { "descending" })] {
            a href=(link(q, key, 1)) { (label) }
        }
    }
}

pub async fn list(State(st): State<AppState>, ctx: Ctx, Query(q): Query<ListQuery>) -> WebResult {
    if let Err(r) = staff(&ctx, false) {
        return Ok(r);
    }
    let policies = st.core.policies().await?;
    let mut reports = st.core.peer_reports().await?;
    if let Some(s) = q.q.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        reports.retain(|r| r.domain.contains(&s.to_lowercase()));
    }
    if let Some(s) = q.state.as_deref().filter(|s| STATES.contains(s)) {
        reports.retain(|r| r.state() == s);
    }
    let sort = q.sort.clone().unwrap_or_else(|| "domain".into());
    match sort.as_str() {
        "accounts" => reports.sort_by_key(|r| std::cmp::Reverse(r.ties.accounts)),
        "failures" => reports.sort_by_key(|r| std::cmp::Reverse(outcomes(&r.last_day, "failed"))),
        "delivered" => reports.sort_by_key(|r| std::cmp::Reverse(outcomes(&r.last_day, "delivered"))),
        "queued" => reports.sort_by_key(|r| std::cmp::Reverse(r.queued_deliveries)),
        "last_seen" => {
            reports.sort_by_key(|r| std::cmp::Reverse(r.peer.as_ref().and_then(|p| p.last_seen_at)))
        }
        _ => {}
    }
    let total = reports.len();
    let pages = total.div_ceil(PER_PAGE).max(1) as i64;
    let current = q.page.unwrap_or(1).clamp(1, pages);
    let shown: Vec<&PeerReport> = reports
        .iter()
        .skip((current as usize - 1) * PER_PAGE)
        .take(PER_PAGE)
        .collect();
    Ok(page_with(
        &st,
        &ctx,
        "Peers",
        html! {
            h1 { "Administration" }
            (tabs("/admin/peers"))
            h2 { "Peers" }
            p.muted { "Every server this one knows, with its delivery health. Figures are for the last 24 hours; ties are deduplicated (each member or account counted once)." }
            form.filters action="/admin/peers" method="get" {
                div { label for="pq" { "Name contains" } input #pq type="search" name="q" value=(q.q.clone().unwrap_or_default()); }
                div {
                    label for="pstate" { "State" }
                    select #pstate name="state" data-autosubmit {
                        option value="" { "any" }
                        @for s in STATES { option value=(s) selected[q.state.as_deref() == Some(*s)] { (s.replace('_', " ")) } }
                    }
                }
                input type="hidden" name="sort" value=(sort);
                button type="submit" { "Filter" }
            }
            div.table-wrap { table.stack #peers {
                caption.visually-hidden { "Peers, sorted by " (sort) }
                thead { tr {
                    (sort_header(&q, "domain", "Domain", false))
                    th scope="col" { "Software" }
                    th scope="col" { "State" }
                    (sort_header(&q, "accounts", "Accounts", true))
                    th.num scope="col" title="Members who follow accounts there" { "Members → them" }
                    th.num scope="col" title="Accounts there who follow members" { "Them → members" }
                    (sort_header(&q, "delivered", "OK 24 h", true))
                    (sort_header(&q, "failures", "Failed 24 h", true))
                    (sort_header(&q, "queued", "Queued", true))
                    th scope="col" { "Policy" }
                    th.failure scope="col" { "Last failure" }
                } }
                tbody {
                    @if shown.is_empty() { tr { td colspan="11" { "No peer matches." } } }
                    @for r in &shown {
                        tr data-domain=(r.domain) {
                            th scope="row" data-label="Domain" { a href={"/admin/peers/" (urlencode(&r.domain))} { (r.domain) } }
                            td.software data-label="Software" { (software(r)) }
                            td data-label="State" { span class={"pill " (r.state())} { (r.state().replace('_', " ")) } }
                            td.num data-label="Accounts" { (r.ties.accounts) }
                            td.num data-label="Members → them" { (r.ties.local_followers_of_them) }
                            td.num data-label="Them → members" { (r.ties.their_followers_of_us) }
                            td.num data-label="OK 24 h" { (outcomes(&r.last_day, "delivered")) }
                            td.num data-label="Failed 24 h" { (outcomes(&r.last_day, "failed")) }
                            td.num data-label="Queued" { (r.queued_deliveries) }
                            td data-label="Policy" { @match policies.block_for(&r.domain) { Some(b) => span class={"pill " (b.severity)} { (b.severity) }, None => span.muted { "—" } } }
                            td.failure data-label="Last failure" { @if let Some(f) = failure(r) { span.reason.old[r.state() == "ok"] { (f) } } }
                        }
                    }
                }
            } }
            @if pages > 1 {
                nav.pager aria-label="Pages" {
                    @if current > 1 { a href=(link(&q, &sort, current - 1)) { "Previous" } }
                    span { "Page " (current) " of " (pages) " (" (total) " peers)" }
                    @if current < pages { a href=(link(&q, &sort, current + 1)) { "Next" } }
                }
            }
        },
        Opts {
            wide: true,
            ..Default::default()
        },
    ))
}

pub async fn show(State(st): State<AppState>, ctx: Ctx, Path(domain): Path<String>) -> WebResult {
    if let Err(r) = staff(&ctx, false) {
        return Ok(r);
    }
    let r = st.core.peer_report(&domain).await?;
    let week = st.core.peer_week(&r.domain).await?;
    let block = st.core.policies().await?.block_for(&r.domain).cloned();
    let p = r.peer.as_ref();
    let d = &r.domain;
    Ok(page_with(
        &st,
        &ctx,
        d,
        html! {
            h1 { "Administration" }
            (tabs("/admin/peers"))
            h2 { (d) " " span class={"pill " (r.state())} { (r.state().replace('_', " ")) } }
            @if let Some(f) = failure(&r) { p.warning { "Last failure " @if let Some(t) = p.and_then(|p| p.last_failure_at) { "(" (time(t)) ")" } ": " span.reason { (f) } } }
            div.card {
                dl.facts {
                    dt { "Software (NodeInfo)" } dd { (software(&r)) }
                    dt { "First seen" } dd { @match p.map(|p| p.first_seen_at) { Some(t) => (time(t)), None => "never" } }
                    dt { "Last seen" } dd { @match p.and_then(|p| p.last_seen_at) { Some(t) => (time(t)), None => "never" } }
                    dt { "Last successful delivery" } dd { @match p.and_then(|p| p.last_success_at) { Some(t) => (time(t)), None => "never" } }
                    dt { "Days with failures" } dd { (p.map_or(0, |p| p.failure_days.len())) @if let Some(t) = p.and_then(|p| p.unavailable_since) { " · unavailable since " (time(t)) } }
                    dt { "Deliveries" } dd { @if p.is_some_and(|p| p.delivery_paused) { "paused" } @else { "running" } " · " (r.queued_deliveries) " queued" }
                    dt { "Accounts known" } dd { (r.ties.accounts) " (" (r.ties.statuses) " posts stored)" }
                    dt { "Members following accounts there" } dd { (r.ties.local_followers_of_them) }
                    dt { "Accounts there following members" } dd { (r.ties.their_followers_of_us) }
                    dt { "Relationships" } dd { (r.ties.relationships) }
                    dt { "Policy" } dd { @match &block { Some(b) => { span class={"pill " (b.severity)} { (b.severity) } " " a href={"/admin/domain_blocks/" (b.id)} { "(block of " (b.domain) ")" } }, None => { "none · " a href={"/admin/domain_blocks/new?domain=" (urlencode(d))} { "limit or suspend…" } } } }
                }
            }
            h2 { "Last seven days" }
            (chart(d, &week))
            p.muted { "Received from there: " (outcomes(&r.last_week, "inbound")) " activities in seven days." }
            h2 { "Actions" }
            @if ctx.is_admin() {
                div.actions {
                    @for (action, label) in [("retry", "Retry now"), ("clear_failures", "Clear failures"), ("pause", "Pause deliveries"), ("resume", "Resume deliveries")] {
                        form.inline action={"/admin/peers/" (urlencode(d)) "/" (action)} method="post" {
                            (csrf(&ctx))
                            button.secondary type="submit" { (label) }
                        }
                    }
                }
            } @else {
                p.muted { "Only admins can act on a peer's deliveries." }
            }
        },
        Opts {
            wide: true,
            ..Default::default()
        },
    ))
}

#[derive(Deserialize)]
pub struct NoFields {}

pub async fn act(
    State(st): State<AppState>,
    Path((domain, action)): Path<(String, String)>,
    Form(mut ctx, _): Form<NoFields>,
) -> WebResult {
    let v = match staff(&ctx, true) {
        Ok(v) => v.clone(),
        Err(r) => return Ok(r),
    };
    let said = st.core.act_on_peer(actor(&v), &domain, &action).await?;
    ctx.notice(&format!("{domain}: {said}."));
    Ok(redirect(&ctx, &format!("/admin/peers/{}", urlencode(&domain))))
}
