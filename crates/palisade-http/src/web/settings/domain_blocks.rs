//! `/settings/domain_blocks`: the member's blocked domains, unblock, CSV export, and an
//! import that first shows what it would sever (the same preview as the block prompt).

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use maud::html;
use palisade_core::domain_blocks::ImportMode;
use palisade_core::policy::normalize_domain;
use serde::Deserialize;

use super::tabs;
use crate::web::ctx::Ctx;
use crate::web::form::Form;
use crate::web::page::{WebResult, count, csrf, page, redirect, require_member, urlencode};
use crate::{AppState, de};

pub async fn list(State(st): State<AppState>, ctx: Ctx) -> WebResult {
    let viewer = match require_member(&ctx) {
        Ok(v) => v,
        Err(r) => return Ok(r),
    };
    let domains = st.core.blocked_domains(viewer.account_id()?).await?;
    Ok(page(
        &st,
        &ctx,
        "Blocked domains",
        html! {
            h1 { "Settings" }
            (tabs("/settings/domain_blocks"))
            h2 { "Blocked domains" }
            @if domains.is_empty() {
                p.muted { "You block no domain. Open a remote profile's menu and choose “Block domain” to block one." }
            } @else {
                div.table-wrap { table {
                    caption.visually-hidden { "Domains you block" }
                    thead { tr { th scope="col" { "Domain" } th scope="col" { "" } } }
                    tbody { @for d in &domains { tr {
                        td { a href={"/settings/domains/" (urlencode(d))} { (d) } }
                        td { form.inline action="/domain_blocks/unblock" method="post" {
                            (csrf(&ctx))
                            input type="hidden" name="domain" value=(d);
                            input type="hidden" name="back" value="/settings/domain_blocks";
                            button.secondary type="submit" aria-label={"Unblock " (d)} { "Unblock" }
                        } }
                    } } }
                } }
            }
            p { a href="/settings/domain_blocks/export" download="domain_blocks.csv" { "Export as CSV" } " (" (count(domains.len() as i64, "domain", "domains")) ")" }
            h2 { "Import" }
            form.card action="/settings/domain_blocks/import" method="post" enctype="multipart/form-data" {
                (csrf(&ctx))
                label for="file" { "A CSV file (one domain per line, as Mastodon exports it)" }
                input #file type="file" name="file" accept=".csv,text/csv,text/plain";
                label for="data" { "…or paste domains, one per line" }
                textarea #data name="data" {}
                fieldset {
                    legend { "Blocks you have now" }
                    label.check { input type="radio" name="mode" value="merge" checked; "Keep them (merge)" }
                    label.check { input type="radio" name="mode" value="overwrite"; "Replace them with the file's (overwrite)" }
                }
                div.actions { button type="submit" { "Preview the import" } }
            }
        },
    ))
}

pub async fn export(State(st): State<AppState>, ctx: Ctx) -> Result<Response, crate::web::page::WebError> {
    let viewer = match require_member(&ctx) {
        Ok(v) => v,
        Err(r) => return Ok(r),
    };
    let csv = st.core.export_domain_blocks(viewer).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"domain_blocks.csv\"",
            ),
            (header::CACHE_CONTROL, "private, no-store"),
        ],
        csv,
    )
        .into_response())
}

#[derive(Deserialize)]
pub struct ImportForm {
    #[serde(default)]
    file: String,
    #[serde(default)]
    data: String,
    #[serde(default, deserialize_with = "de::opt_string")]
    mode: Option<String>,
    /// Set on the confirmation page.
    #[serde(default, deserialize_with = "de::bool")]
    confirm: bool,
}

pub async fn import(State(st): State<AppState>, Form(mut ctx, f): Form<ImportForm>) -> WebResult {
    let viewer = match require_member(&ctx) {
        Ok(v) => v.clone(),
        Err(r) => return Ok(r),
    };
    let text = format!("{}\n{}", f.file, f.data);
    let mode = if f.mode.as_deref() == Some("overwrite") {
        ImportMode::Overwrite
    } else {
        ImportMode::Merge
    };
    if f.confirm {
        let (blocked, skipped) = st.core.import_domain_blocks(&viewer, &text, mode).await?;
        ctx.notice(&format!(
            "Imported: {} blocked, {} lines skipped.",
            blocked, skipped
        ));
        return Ok(redirect(&ctx, "/settings/domain_blocks"));
    }
    // The preview: each domain with what blocking it would sever.
    let existing = st.core.blocked_domains(viewer.account_id()?).await?;
    let mut rows = Vec::new();
    let mut invalid = 0;
    for line in text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
    {
        let first = line.split(',').next().unwrap_or("").trim_matches('"');
        match normalize_domain(first) {
            Some(d) if d.eq_ignore_ascii_case(&st.core.settings.domain) => invalid += 1,
            Some(d) if !rows.iter().any(|(x, _): &(String, _)| *x == d) => {
                let p = st.core.domain_block_preview(&viewer, &d).await?;
                rows.push((d, p));
            }
            Some(_) => {}
            None => invalid += 1,
        }
    }
    let removed: Vec<&String> = if mode == ImportMode::Overwrite {
        existing
            .iter()
            .filter(|d| !rows.iter().any(|(x, _)| x == *d))
            .collect()
    } else {
        Vec::new()
    };
    let (following, followers) = rows.iter().fold((0, 0), |(a, b), (_, p)| {
        (a + p.following_count, b + p.followers_count)
    });
    Ok(page(
        &st,
        &ctx,
        "Import preview",
        html! {
            h1 { "Import blocked domains?" }
            section.card.prompt {
                p { "The file names " (count(rows.len() as i64, "domain", "domains")) @if invalid > 0 { " (" (count(invalid, "line", "lines")) " skipped as invalid)" } "." }
                ul.figures {
                    li { span.n { (following) } "follows of yours would end" }
                    li { span.n { (followers) } "followers would be removed" }
                }
                div.table-wrap { table {
                    thead { tr { th scope="col" { "Domain" } th.num scope="col" { "You follow there" } th.num scope="col" { "Follow you from there" } th scope="col" { "" } } }
                    tbody { @for (d, p) in &rows { tr {
                        td { (d) } td.num { (p.following_count) } td.num { (p.followers_count) }
                        td { @if existing.contains(d) { "already blocked" } }
                    } } }
                } }
                @if !removed.is_empty() { p.warning { "Overwrite unblocks: " (removed.iter().map(|d| d.as_str()).collect::<Vec<_>>().join(", ")) } }
                form action="/settings/domain_blocks/import" method="post" {
                    (csrf(&ctx))
                    input type="hidden" name="data" value=(text);
                    input type="hidden" name="mode" value=(if mode == ImportMode::Overwrite { "overwrite" } else { "merge" });
                    input type="hidden" name="confirm" value="true";
                    div.actions { button.danger type="submit" { "Block these domains" } a href="/settings/domain_blocks" { "Cancel" } }
                }
            }
        },
    ))
}
