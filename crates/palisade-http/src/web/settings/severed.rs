//! `/settings/severed_relationships`: each time follows were cut (a member's own domain
//! block, an instance suspension), with the CSV downloads Mastodon offers.

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use maud::html;

use super::tabs;
use crate::AppState;
use crate::web::ctx::Ctx;
use crate::web::page::{WebError, WebResult, page, require_member, time};

pub async fn list(State(st): State<AppState>, ctx: Ctx) -> WebResult {
    let viewer = match require_member(&ctx) {
        Ok(v) => v,
        Err(r) => return Ok(r),
    };
    let events = st
        .core
        .severed_relationships(
            viewer,
            &palisade_core::PageQuery {
                limit: 100,
                ..Default::default()
            },
        )
        .await?;
    Ok(page(
        &st,
        &ctx,
        "Severed relationships",
        html! {
            h1 { "Settings" }
            (tabs("/settings/severed_relationships"))
            h2 { "Severed relationships" }
            p.muted { "When you block a domain, or this server suspends one, the follows between you and it end. Each time is listed here with the accounts concerned." }
            @if events.items.is_empty() { p.muted { "None so far." } }
            @else {
                div.table-wrap { table {
                    thead { tr { th scope="col" { "When" } th scope="col" { "Why" } th scope="col" { "Domain" } th.num scope="col" { "Followers lost" } th.num scope="col" { "Follows lost" } } }
                    tbody { @for (_, s) in &events.items { tr {
                        td { (time(s.event.created_at)) }
                        td { (if s.event.kind == "user_domain_block" { "You blocked it" } else { "This server suspended it" }) }
                        td { (s.event.target_name) }
                        td.num { a href={"/settings/severed_relationships/" (s.event.id) "/followers.csv"} aria-label={"Download the " (s.followers_count) " followers lost, CSV"} { (s.followers_count) " (CSV)" } }
                        td.num { a href={"/settings/severed_relationships/" (s.event.id) "/following.csv"} aria-label={"Download the " (s.following_count) " follows lost, CSV"} { (s.following_count) " (CSV)" } }
                    } } }
                } }
            }
        },
    ))
}

pub async fn csv(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((id, file)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let viewer = match require_member(&ctx) {
        Ok(v) => v,
        Err(r) => return Ok(r),
    };
    let id = id
        .parse::<i64>()
        .map_err(|_| WebError(palisade_core::Error::not_found()))?;
    let following = match file.as_str() {
        "following.csv" => true,
        "followers.csv" => false,
        _ => return Err(WebError(palisade_core::Error::not_found())),
    };
    let body = st.core.severed_accounts_csv(viewer, id, following).await?;
    let disposition = format!("attachment; filename=\"{}\"", file);
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
        ],
        body,
    )
        .into_response())
}
