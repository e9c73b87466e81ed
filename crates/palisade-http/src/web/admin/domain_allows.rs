//! `/admin/domain_allows`: allowlist mode (federate only with allowed domains), the allows,
//! and who may read the published block list. Changes are audited.

use axum::extract::{Path, State};
use maud::html;
use palisade_core::instance_settings::{FederationMode, visibility_from, visibility_name};
use serde::Deserialize;

use super::{actor, staff, tabs};
use crate::web::ctx::Ctx;
use crate::web::form::Form;
use crate::web::page::{WebError, WebResult, csrf, page, redirect, time};
use crate::{AppState, de};

pub async fn list(State(st): State<AppState>, ctx: Ctx) -> WebResult {
    if let Err(r) = staff(&ctx, false) {
        return Ok(r);
    }
    let mode = st.core.federation_mode().await?;
    let allows = st.core.domain_allows().await?;
    let vis = visibility_name(mode.domain_blocks_visibility);
    Ok(page(
        &st,
        &ctx,
        "Allows and publishing",
        html! {
            h1 { "Administration" }
            (tabs("/admin/domain_allows"))
            h2 { "Federation mode and publishing" }
            form.card action="/admin/federation_settings" method="post" {
                (csrf(&ctx))
                fieldset {
                    legend { "Whom this server federates with" }
                    label.check { input type="radio" name="limited_federation" value="false" checked[!mode.limited_federation]; "Everyone except blocked domains" }
                    label.check { input type="radio" name="limited_federation" value="true" checked[mode.limited_federation]; "Only the allowed domains below (allowlist mode)" }
                }
                fieldset {
                    legend { "Who can read the list of limited and suspended domains (About page, /api/v1/instance/domain_blocks)" }
                    @for (value, label) in [("everyone", "Everyone"), ("users", "Signed-in members"), ("nobody", "Nobody")] {
                        label.check { input type="radio" name="domain_blocks_visibility" value=(value) checked[vis == value]; (label) }
                    }
                }
                @if ctx.is_admin() { div.actions { button type="submit" { "Save" } } }
            }
            h2 { "Allowed domains" }
            @if !mode.limited_federation { p.hint { "Allows only matter in allowlist mode." } }
            @if allows.is_empty() { p.muted { "No domain is on the allow list." } }
            @else {
                div.table-wrap { table #allows {
                    thead { tr { th scope="col" { "Domain" } th scope="col" { "Since" } th scope="col" { "" } } }
                    tbody { @for (id, d, at) in &allows { tr {
                        th scope="row" { (d) }
                        td { (time(*at)) }
                        td { @if ctx.is_admin() { form.inline action={"/admin/domain_allows/" (id) "/delete"} method="post" {
                            (csrf(&ctx)) button.secondary type="submit" aria-label={"Remove " (d)} { "Remove" }
                        } } }
                    } } }
                } }
            }
            @if ctx.is_admin() {
                form.card action="/admin/domain_allows" method="post" {
                    (csrf(&ctx))
                    label for="ad" { "Allow a domain" }
                    input #ad type="text" name="domain" required placeholder="friendly.example";
                    div.actions { button type="submit" { "Allow" } }
                }
            }
        },
    ))
}

#[derive(Deserialize)]
pub struct ModeForm {
    #[serde(default, deserialize_with = "de::bool")]
    limited_federation: bool,
    #[serde(default)]
    domain_blocks_visibility: String,
}

pub async fn save_mode(State(st): State<AppState>, Form(mut ctx, f): Form<ModeForm>) -> WebResult {
    let v = match staff(&ctx, true) {
        Ok(v) => v.clone(),
        Err(r) => return Ok(r),
    };
    let mode = FederationMode {
        limited_federation: f.limited_federation,
        domain_blocks_visibility: visibility_from(&f.domain_blocks_visibility)?,
    };
    st.core.set_federation_mode(actor(&v), mode).await?;
    ctx.notice("Federation settings saved.");
    Ok(redirect(&ctx, "/admin/domain_allows"))
}

#[derive(Deserialize)]
pub struct AllowForm {
    #[serde(default)]
    domain: String,
}

pub async fn add(State(st): State<AppState>, Form(mut ctx, f): Form<AllowForm>) -> WebResult {
    let v = match staff(&ctx, true) {
        Ok(v) => v.clone(),
        Err(r) => return Ok(r),
    };
    let (_, d, _) = st.core.allow_domain(actor(&v), &f.domain).await?;
    ctx.notice(&format!("{d} is allowed."));
    Ok(redirect(&ctx, "/admin/domain_allows"))
}

#[derive(Deserialize)]
pub struct NoFields {}

pub async fn remove(
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
    st.core.disallow_domain(actor(&v), id).await?;
    ctx.notice("Removed from the allow list.");
    Ok(redirect(&ctx, "/admin/domain_allows"))
}
