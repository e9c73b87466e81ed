//! `/admin/domain_blocks`: the instance's domain policies. Adding or changing one goes
//! through a confirmation page with the deduplicated impact preview and the list of members
//! affected; a suspension lifted within its grace period restores what it severed. CSV
//! export, and an import shown as a preview first.

use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};
use palisade_core::model::DomainBlock;
use palisade_core::model::Severity;
use palisade_core::moderation::{BlockParams, parse_severity};
use serde::Deserialize;

use super::{actor, staff, tabs};
use crate::web::ctx::Ctx;
use crate::web::form::Form;
use crate::web::page::{
    Opts, WebError, WebResult, account_line, csrf, page, page_with, readable, redirect, time, urlencode,
};
use crate::{AppState, de};

fn flags(b: &DomainBlock) -> String {
    let mut f = Vec::new();
    if b.reject_media {
        f.push("reject media");
    }
    if b.reject_reports {
        f.push("reject reports");
    }
    if b.obfuscate {
        f.push("obfuscated");
    }
    f.join(", ")
}

fn add_form(domain: &str) -> Markup {
    html! {
        form.card action="/admin/domain_blocks/new" method="get" {
            h2 { "Limit or suspend a domain" }
            label for="bd" { "Domain" }
            input #bd type="text" name="domain" value=(domain) required placeholder="threads.net";
            label for="bs" { "Severity" }
            select #bs name="severity" {
                option value="silence" { "silence: limit (only followers see its posts)" }
                option value="suspend" { "suspend: cut off completely" }
                option value="noop" { "none (only the options below)" }
            }
            label.check { input type="checkbox" name="reject_media" value="true"; "Reject media files" }
            label.check { input type="checkbox" name="reject_reports" value="true"; "Reject reports from there" }
            label.check { input type="checkbox" name="obfuscate" value="true"; "Obfuscate the domain in the published list" }
            label for="bpub" { "Public comment (shown in the published list)" }
            input #bpub type="text" name="public_comment";
            label for="bpriv" { "Private comment (staff only)" }
            input #bpriv type="text" name="private_comment";
            div.actions { button type="submit" { "Preview the impact" } }
        }
    }
}

pub async fn list(State(st): State<AppState>, ctx: Ctx) -> WebResult {
    if let Err(r) = staff(&ctx, false) {
        return Ok(r);
    }
    let blocks = st.core.domain_blocks_admin().await?;
    Ok(page_with(
        &st,
        &ctx,
        "Domain policies",
        html! {
            h1 { "Administration" }
            (tabs("/admin/domain_blocks"))
            h2 { "Domain policies" }
            @if blocks.is_empty() { p.muted { "No domain is limited or suspended." } }
            @else {
                div.table-wrap { table #blocks {
                    thead { tr { th scope="col" { "Domain" } th scope="col" { "Severity" } th scope="col" { "Options" } th scope="col" { "Since" } th scope="col" { "Expires" } th scope="col" { "Public comment" } } }
                    tbody { @for b in &blocks { tr {
                        th scope="row" { a href={"/admin/domain_blocks/" (b.id)} { (b.domain) } }
                        td { span class={"pill " (b.severity)} { (b.severity) } }
                        td { (flags(b)) }
                        td { (time(b.created_at)) }
                        td { @match b.expires_at { Some(t) => (readable(t)), None => "never" } }
                        td { (b.public_comment.clone().unwrap_or_default()) }
                    } } }
                } }
            }
            p { a href="/admin/domain_blocks/export" download="domain_blocks.csv" { "Export as CSV (Mastodon's format)" } }
            @if ctx.is_admin() {
                (add_form(""))
                form.card action="/admin/domain_blocks/import" method="post" enctype="multipart/form-data" {
                    h2 { "Import a block list" }
                    p.hint { "Mastodon's CSV (#domain,#severity,…). You see what it would change before anything happens." }
                    label for="ifile" { "CSV file" }
                    input #ifile type="file" name="file" accept=".csv,text/csv";
                    label for="idata" { "…or paste it" }
                    textarea #idata name="data" {}
                    div.actions { button type="submit" { "Preview the import" } }
                }
            } @else {
                p.muted { "Moderators see the policies; only admins change them." }
            }
        },
        Opts {
            wide: true,
            ..Default::default()
        },
    ))
}

#[derive(Deserialize, Default)]
pub struct BlockQuery {
    #[serde(default, deserialize_with = "de::opt_string")]
    domain: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    severity: Option<String>,
    #[serde(default, deserialize_with = "de::bool")]
    reject_media: bool,
    #[serde(default, deserialize_with = "de::bool")]
    reject_reports: bool,
    #[serde(default, deserialize_with = "de::bool")]
    obfuscate: bool,
    #[serde(default, deserialize_with = "de::opt_string")]
    public_comment: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    private_comment: Option<String>,
}

/// The confirmation page: what the policy would touch, deduplicated, and who.
pub async fn preview(State(st): State<AppState>, ctx: Ctx, Query(q): Query<BlockQuery>) -> WebResult {
    if let Err(r) = staff(&ctx, false) {
        return Ok(r);
    }
    let severity = q
        .severity
        .as_deref()
        .and_then(Severity::parse)
        .unwrap_or(Severity::Suspend);
    let p = st
        .core
        .preview_domain_block(q.domain.as_deref().unwrap_or(""), severity)
        .await?;
    let members = st.core.members_tied_to(&p.domain).await?;
    let i = &p.impact;
    let days = st.core.settings.moderation.suspension_grace_days;
    let target = match &p.existing {
        Some(b) if b.domain == p.domain => format!("/admin/domain_blocks/{}", b.id),
        _ => "/admin/domain_blocks".into(),
    };
    Ok(page(
        &st,
        &ctx,
        &format!("{} {}?", severity, p.domain),
        html! {
            h1 { "Administration" }
            (tabs("/admin/domain_blocks"))
            section.card.prompt aria-labelledby="pv-title" {
                h2 #pv-title { (match severity { Severity::Suspend => "Suspend", Severity::Silence => "Limit", Severity::Noop => "Set options for" }) " " (p.domain) "?" }
                @if let Some(b) = &p.existing { p.warning { "In force now: " (b.severity) " (block of " (b.domain) ")." } }
                ul.figures #impact aria-label="Impact" {
                    li data-key="accounts" { span.n { (i.accounts) } "accounts known there" }
                    li data-key="statuses" { span.n { (i.statuses) } "posts stored" }
                    li data-key="media" { span.n { (i.media) } "media files" }
                    li data-key="relationships" { span.n { (i.relationships) } "follow relationships" }
                    li data-key="members_following" { span.n { (i.members_following) } "members follow accounts there" }
                    li data-key="followers_there" { span.n { (i.followers_there) } "accounts there follow members" }
                    li data-key="members_affected" { span.n { (i.members_affected) } "members affected" }
                }
                h3 { "What happens" }
                ul.effects { @for e in &p.effects { li { (e) } } }
                @if severity == Severity::Suspend { p.hint { "Grace period: " (days) " days." } }
                h3 { "Members affected (" (members.len()) ")" }
                @if members.is_empty() { p.muted { "No member has a follow with " (p.domain) "." } }
                @else { ul.names-list #affected { @for a in &members { li { (account_line(&st, a)) } } } }
                @if ctx.is_admin() {
                    form action=(target) method="post" {
                        (csrf(&ctx))
                        input type="hidden" name="domain" value=(p.domain);
                        input type="hidden" name="severity" value=(severity);
                        input type="hidden" name="reject_media" value=(q.reject_media);
                        input type="hidden" name="reject_reports" value=(q.reject_reports);
                        input type="hidden" name="obfuscate" value=(q.obfuscate);
                        input type="hidden" name="public_comment" value=(q.public_comment.clone().unwrap_or_default());
                        input type="hidden" name="private_comment" value=(q.private_comment.clone().unwrap_or_default());
                        div.actions {
                            button.danger type="submit" { "Confirm: " (severity) " " (p.domain) }
                            a href="/admin/domain_blocks" { "Cancel" }
                        }
                    }
                } @else { p.muted { "Only admins can confirm." } }
            }
        },
    ))
}

impl BlockQuery {
    fn params(self) -> palisade_core::Result<BlockParams> {
        Ok(BlockParams {
            domain: self.domain.unwrap_or_default(),
            severity: self.severity.as_deref().map(parse_severity).transpose()?,
            reject_media: Some(self.reject_media),
            reject_reports: Some(self.reject_reports),
            private_comment: Some(self.private_comment.unwrap_or_default()),
            public_comment: Some(self.public_comment.unwrap_or_default()),
            obfuscate: Some(self.obfuscate),
            expires_in: None,
        })
    }
}

pub async fn create(State(st): State<AppState>, Form(mut ctx, f): Form<BlockQuery>) -> WebResult {
    let v = match staff(&ctx, true) {
        Ok(v) => v.clone(),
        Err(r) => return Ok(r),
    };
    let b = st.core.create_domain_block(actor(&v), f.params()?).await?;
    ctx.notice(&format!("{}: {} is in force.", b.domain, b.severity));
    Ok(redirect(&ctx, &format!("/admin/domain_blocks/{}", b.id)))
}

pub async fn update(
    State(st): State<AppState>,
    Path(id): Path<String>,
    Form(mut ctx, f): Form<BlockQuery>,
) -> WebResult {
    let v = match staff(&ctx, true) {
        Ok(v) => v.clone(),
        Err(r) => return Ok(r),
    };
    let id = id
        .parse::<i64>()
        .map_err(|_| WebError(palisade_core::Error::not_found()))?;
    let b = st.core.update_domain_block(actor(&v), id, f.params()?).await?;
    ctx.notice(&format!("{}: now {}.", b.domain, b.severity));
    Ok(redirect(&ctx, &format!("/admin/domain_blocks/{}", b.id)))
}

pub async fn show(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> WebResult {
    if let Err(r) = staff(&ctx, false) {
        return Ok(r);
    }
    let id = id
        .parse::<i64>()
        .map_err(|_| WebError(palisade_core::Error::not_found()))?;
    let b = st.core.domain_block(id).await?;
    let days = st.core.settings.moderation.suspension_grace_days;
    let grace_end = b
        .severance_event_id
        .map(palisade_core::model::id_time)
        .map(|t| t + days * 86_400_000);
    Ok(page(
        &st,
        &ctx,
        &b.domain,
        html! {
            h1 { "Administration" }
            (tabs("/admin/domain_blocks"))
            h2 { (b.domain) " " span class={"pill " (b.severity)} { (b.severity) } }
            dl.facts.card {
                dt { "Since" } dd { (time(b.created_at)) }
                dt { "Options" } dd { (flags(&b)) }
                dt { "Expires" } dd { @match b.expires_at { Some(t) => (readable(t)), None => "never" } }
                dt { "Public comment" } dd { (b.public_comment.clone().unwrap_or_default()) }
                dt { "Private comment" } dd { (b.private_comment.clone().unwrap_or_default()) }
                @if let Some(end) = grace_end { dt { "Data kept until" } dd #grace { (readable(end)) " (lifting before then restores the severed follows)" } }
            }
            p { a href={"/admin/peers/" (urlencode(&b.domain))} { "Peer health of " (b.domain) } }
            @if ctx.is_admin() {
                (add_form(&b.domain))
                form.card action={"/admin/domain_blocks/" (b.id) "/delete"} method="post" {
                    (csrf(&ctx))
                    h2 { "Lift this policy" }
                    p { @if grace_end.is_some() { "Within the grace period, the follows the suspension severed come back." } @else { "Federation with " (b.domain) " goes back to normal." } }
                    button.danger type="submit" { "Lift the " (b.severity) " of " (b.domain) }
                }
            }
        },
    ))
}

#[derive(Deserialize)]
pub struct NoFields {}

pub async fn lift(
    State(st): State<AppState>,
    Path(id): Path<String>,
    Form(mut ctx, _): Form<NoFields>,
) -> WebResult {
    let v = match staff(&ctx, true) {
        Ok(v) => v.clone(),
        Err(r) => return Ok(r),
    };
    let id = id
        .parse::<i64>()
        .map_err(|_| WebError(palisade_core::Error::not_found()))?;
    let b = st.core.domain_block(id).await?;
    let lifted = st.core.delete_domain_block(actor(&v), id).await?;
    let said = if lifted.purged {
        format!(
            "Lifted the {} of {}. Its data had been purged: nothing was restored.",
            b.severity, b.domain
        )
    } else {
        format!(
            "Lifted the {} of {}: {} relationships restored.",
            b.severity, b.domain, lifted.restored_relationships
        )
    };
    ctx.notice(&said);
    Ok(redirect(&ctx, "/admin/domain_blocks"))
}

pub async fn export(State(st): State<AppState>, ctx: Ctx) -> Result<Response, WebError> {
    if let Err(r) = staff(&ctx, false) {
        return Ok(r);
    }
    let csv = st.core.export_instance_blocklist().await?;
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
    #[serde(default, deserialize_with = "de::bool")]
    confirm: bool,
}

pub async fn import(State(st): State<AppState>, Form(mut ctx, f): Form<ImportForm>) -> WebResult {
    let v = match staff(&ctx, true) {
        Ok(v) => v.clone(),
        Err(r) => return Ok(r),
    };
    let text = if f.file.trim().is_empty() {
        f.data.clone()
    } else {
        f.file.clone()
    };
    if f.confirm {
        let lines = st.core.import_instance_blocklist(actor(&v), &text, false).await?;
        let changed = lines
            .iter()
            .filter(|l| l.change == "create" || l.change == "update")
            .count();
        ctx.notice(&format!("Import done: {changed} policies created or changed."));
        return Ok(redirect(&ctx, "/admin/domain_blocks"));
    }
    let preview = st.core.preview_blocklist_import(&text).await?;
    let lines = &preview.lines;
    Ok(page(
        &st,
        &ctx,
        "Import preview",
        html! {
            h1 { "Administration" }
            (tabs("/admin/domain_blocks"))
            section.card.prompt {
                h2 { "Import this block list?" }
                @match preview.summary() {
                    Some(s) => p #import-impact { strong { (s) } },
                    None => p #import-impact { "None of its new limits or suspensions touches an account known here." },
                }
                div.table-wrap { table {
                    thead { tr { th scope="col" { "Domain" } th scope="col" { "Severity" } th scope="col" { "Change" } th scope="col" { "Detail" } th scope="col" { "Here" } } }
                    tbody { @for l in lines { tr { td { (l.domain) } td { (l.severity) } td { (l.change) } td { (l.detail) } td { (l.reach().unwrap_or_default()) } } } }
                } }
                p.hint { "An import only tightens: existing stricter policies and your comments stay. \"Here\" counts what each line reaches on this instance (domains it has never met reach nothing)." }
                form action="/admin/domain_blocks/import" method="post" {
                    (csrf(&ctx))
                    input type="hidden" name="data" value=(text);
                    input type="hidden" name="confirm" value="true";
                    div.actions { button.danger type="submit" { "Import" } a href="/admin/domain_blocks" { "Cancel" } }
                }
            }
        },
    ))
}
