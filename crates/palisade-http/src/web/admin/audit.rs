//! `/admin/audit`: every staff action, newest first, with the state before and after.

use axum::extract::{Query, State};
use maud::html;
use serde::Deserialize;

use super::{staff, tabs};
use crate::web::ctx::Ctx;
use crate::web::page::{Opts, WebResult, account_line, page_with, time};
use crate::{AppState, de};

#[derive(Deserialize)]
pub struct AuditQuery {
    #[serde(default, deserialize_with = "de::opt_i64")]
    max_id: Option<i64>,
}

fn pretty(json: &Option<String>) -> String {
    json.as_deref()
        .and_then(|j| serde_json::from_str::<serde_json::Value>(j).ok())
        .and_then(|v| serde_json::to_string_pretty(&v).ok())
        .unwrap_or_default()
}

pub async fn list(State(st): State<AppState>, ctx: Ctx, Query(q): Query<AuditQuery>) -> WebResult {
    if let Err(r) = staff(&ctx, false) {
        return Ok(r);
    }
    let actions = st.core.audit_log(50, q.max_id).await?;
    let ids: Vec<i64> = actions.iter().filter_map(|a| a.account_id).collect();
    let who = st.core.account_views(&ids).await?;
    Ok(page_with(
        &st,
        &ctx,
        "Audit log",
        html! {
            h1 { "Administration" }
            (tabs("/admin/audit"))
            h2 { "Audit log" }
            @if actions.is_empty() { p.muted { "No staff action yet." } }
            div.table-wrap { table #audit {
                thead { tr { th scope="col" { "When" } th scope="col" { "Who" } th scope="col" { "Action" } th scope="col" { "Target" } th scope="col" { "Before" } th scope="col" { "After" } } }
                tbody { @for a in &actions { tr {
                    td { (time(a.created_at)) }
                    td { @match a.account_id.and_then(|id| who.iter().find(|w| w.id == id)) { Some(w) => (account_line(&st, w)), None => "system" } }
                    td { code { (a.action) } }
                    td { (a.target_type) ": " (a.target) }
                    td { @let b = pretty(&a.before_json); @if !b.is_empty() { pre.json { (b) } } }
                    td { @let b = pretty(&a.after_json); @if !b.is_empty() { pre.json { (b) } } }
                } } }
            } }
            @if actions.len() == 50 { @if let Some(last) = actions.last() { nav.pager { a href={"/admin/audit?max_id=" (last.id)} { "Older" } } } }
        },
        Opts {
            wide: true,
            ..Default::default()
        },
    ))
}
