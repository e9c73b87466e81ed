//! `/admin/sign_ups`: the approval queue when registrations need approval.

use axum::extract::{Path, State};
use maud::html;
use serde::Deserialize;

use super::{actor, staff, tabs};
use crate::AppState;
use crate::web::ctx::Ctx;
use crate::web::form::Form;
use crate::web::page::{WebError, WebResult, csrf, page, redirect, time};

pub async fn list(State(st): State<AppState>, ctx: Ctx) -> WebResult {
    if let Err(r) = staff(&ctx, false) {
        return Ok(r);
    }
    let pending = st.core.pending_sign_ups().await?;
    Ok(page(
        &st,
        &ctx,
        "Sign-ups",
        html! {
            h1 { "Administration" }
            (tabs("/admin/sign_ups"))
            h2 { "Sign-ups waiting for approval" }
            @if pending.is_empty() { p.muted { "Nobody is waiting." } }
            @for (u, name) in &pending {
                div.card {
                    p { strong { "@" (name) } " · " (u.email) " · " (time(u.created_at)) }
                    @if let Some(r) = &u.reason { p { "“" (r) "”" } }
                    @if ctx.is_admin() {
                        div.actions {
                            form.inline action={"/admin/sign_ups/" (u.id) "/approve"} method="post" { (csrf(&ctx)) button type="submit" { "Approve @" (name) } }
                            form.inline action={"/admin/sign_ups/" (u.id) "/reject"} method="post" data-confirm="Delete this sign-up?" { (csrf(&ctx)) button.danger type="submit" { "Reject" } }
                        }
                    }
                }
            }
        },
    ))
}

#[derive(Deserialize)]
pub struct NoFields {}

pub async fn decide(
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
    let approve = match action.as_str() {
        "approve" => true,
        "reject" => false,
        _ => return Err(WebError(palisade_core::Error::not_found())),
    };
    st.core.decide_sign_up(actor(&v), id, approve).await?;
    ctx.notice(if approve {
        "Approved: the member can sign in now."
    } else {
        "The sign-up was rejected and deleted."
    });
    Ok(redirect(&ctx, "/admin/sign_ups"))
}
