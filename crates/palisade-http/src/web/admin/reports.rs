//! `/admin/reports`: open and resolved reports; a report with its posts; resolve, reopen,
//! forward to the reported account's server (admins; audited).

use axum::extract::{Path, Query, State};
use maud::html;
use palisade_core::model::ReportFilter;
use serde::Deserialize;

use super::{actor, staff, tabs};
use crate::web::ctx::Ctx;
use crate::web::form::Form;
use crate::web::page::{WebError, WebResult, account_line, csrf, page, redirect, time};
use crate::web::render::status;
use crate::{AppState, de};

#[derive(Deserialize)]
pub struct ListQuery {
    #[serde(default, deserialize_with = "de::bool")]
    resolved: bool,
}

pub async fn list(State(st): State<AppState>, ctx: Ctx, Query(q): Query<ListQuery>) -> WebResult {
    if let Err(r) = staff(&ctx, false) {
        return Ok(r);
    }
    let filter = ReportFilter {
        resolved: q.resolved,
        ..Default::default()
    };
    let reports = st
        .core
        .admin_reports(
            &filter,
            &palisade_core::PageQuery {
                limit: 100,
                ..Default::default()
            },
        )
        .await?;
    Ok(page(
        &st,
        &ctx,
        "Reports",
        html! {
            h1 { "Administration" }
            (tabs("/admin/reports"))
            h2 { @if q.resolved { "Resolved reports" } @else { "Open reports" } }
            p { @if q.resolved { a href="/admin/reports" { "Show open reports" } } @else { a href="/admin/reports?resolved=true" { "Show resolved reports" } } }
            @if reports.items.is_empty() { p.muted { "None." } }
            @for (_, r) in &reports.items {
                div.card {
                    p { a href={"/admin/reports/" (r.report.id)} { "Report #" (r.report.id) } " · " (r.report.category) " · " (time(r.report.created_at)) }
                    p { "About " (account_line(&st, &r.target_account.account)) " by " (account_line(&st, &r.account.account)) }
                    @if !r.report.comment.is_empty() { p { "“" (r.report.comment) "”" } }
                }
            }
        },
    ))
}

pub async fn show(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> WebResult {
    if let Err(r) = staff(&ctx, false) {
        return Ok(r);
    }
    let id = id
        .parse::<i64>()
        .map_err(|_| WebError(palisade_core::Error::not_found()))?;
    let r = st.core.admin_report(id).await?;
    let resolved = r.report.action_taken_at.is_some();
    let remote = r.target_account.account.domain.clone();
    Ok(page(
        &st,
        &ctx,
        &format!("Report #{id}"),
        html! {
            h1 { "Administration" }
            (tabs("/admin/reports"))
            h2 { "Report #" (id) " " span class={"pill " (if resolved { "ok" } else { "failing" })} { (if resolved { "resolved" } else { "open" }) } }
            dl.facts.card {
                dt { "Reported account" } dd { (account_line(&st, &r.target_account.account)) }
                dt { "Reported by" } dd { (account_line(&st, &r.account.account)) }
                dt { "Category" } dd { (r.report.category) }
                dt { "Filed" } dd { (time(r.report.created_at)) }
                dt { "Comment" } dd { (r.report.comment) }
                dt { "Forwarded" } dd { (if r.report.forwarded { "yes" } else { "no" }) }
                @if let Some(by) = &r.action_taken_by { dt { "Resolved by" } dd { (account_line(&st, &by.account)) } }
            }
            @if !r.statuses.is_empty() { h3 { "Reported posts" } @for v in &r.statuses { (status(&st, &ctx, v)) } }
            @if ctx.is_admin() {
                div.actions {
                    form.inline action={"/admin/reports/" (id) "/" (if resolved { "reopen" } else { "resolve" })} method="post" {
                        (csrf(&ctx)) button type="submit" { (if resolved { "Reopen" } else { "Resolve" }) }
                    }
                    @if let Some(d) = remote.filter(|_| !r.report.forwarded) {
                        form.inline action={"/admin/reports/" (id) "/forward"} method="post" {
                            (csrf(&ctx)) button.secondary type="submit" { "Forward to " (d) }
                        }
                    }
                }
            }
        },
    ))
}

#[derive(Deserialize)]
pub struct NoFields {}

pub async fn act(
    State(st): State<AppState>,
    Path((id, action)): Path<(String, String)>,
    Form(mut ctx, _): Form<NoFields>,
) -> WebResult {
    let v = match staff(&ctx, true) {
        Ok(v) => v.clone(),
        Err(r) => return Ok(r),
    };
    let id = id
        .parse::<i64>()
        .map_err(|_| WebError(palisade_core::Error::not_found()))?;
    let said = match action.as_str() {
        "resolve" => {
            st.core.set_report_resolved(actor(&v), id, true).await?;
            "Report resolved."
        }
        "reopen" => {
            st.core.set_report_resolved(actor(&v), id, false).await?;
            "Report reopened."
        }
        "forward" => {
            st.core.forward_report(actor(&v), id).await?;
            "Report forwarded."
        }
        _ => return Err(WebError(palisade_core::Error::not_found())),
    };
    ctx.notice(said);
    Ok(redirect(&ctx, &format!("/admin/reports/{id}")))
}
