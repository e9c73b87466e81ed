//! `/statuses/:id/edit`: the author changes a post's text, content warning, sensitivity and
//! the descriptions of its files, under the API's rules (`Core::edit_status`: the post keeps
//! its history and peers get an Update). Files are not added or removed here, and the
//! audience does not change, as in Mastodon.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use maud::html;
use palisade_core::media::MediaChanges;
use palisade_core::statuses::StatusChanges;
use palisade_core::views::StatusView;
use serde::Deserialize;

use super::ctx::Ctx;
use super::form::Form;
use super::page::{Opts, WebError, WebResult, csrf, page_with, redirect, require_member};
use super::render::status_path;
use crate::AppState;

#[derive(Default, Deserialize)]
pub struct EditForm {
    #[serde(default)]
    status: String,
    #[serde(default)]
    spoiler_text: String,
    #[serde(default)]
    sensitive: String,
    #[serde(default)]
    description_0: String,
    #[serde(default)]
    description_1: String,
    #[serde(default)]
    description_2: String,
    #[serde(default)]
    description_3: String,
}

impl EditForm {
    fn of(v: &StatusView) -> EditForm {
        let d = |i: usize| v.media.get(i).map(|m| m.description.clone()).unwrap_or_default();
        EditForm {
            status: v.status.text_source.clone(),
            spoiler_text: v.status.spoiler_text.clone(),
            sensitive: if v.status.sensitive {
                "true".into()
            } else {
                String::new()
            },
            description_0: d(0),
            description_1: d(1),
            description_2: d(2),
            description_3: d(3),
        }
    }

    fn description(&self, i: usize) -> &str {
        match i {
            0 => &self.description_0,
            1 => &self.description_1,
            2 => &self.description_2,
            _ => &self.description_3,
        }
    }
}

/// The viewer's own post `id` (not a boost), or a 404.
async fn own(st: &AppState, ctx: &Ctx, id: &str) -> Result<StatusView, WebError> {
    let missing = || WebError(palisade_core::Error::not_found());
    let id = id.parse::<i64>().map_err(|_| missing())?;
    let v = st.core.status_view(ctx.account(), id).await?;
    match ctx.account() {
        Some(me) if me.id == v.account.id && v.status.reblog_of_id.is_none() => Ok(v),
        _ => Err(missing()),
    }
}

pub async fn page(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> WebResult {
    if let Err(r) = require_member(&ctx) {
        return Ok(r);
    }
    let v = own(&st, &ctx, &id).await?;
    Ok(form_page(&st, &ctx, &v, &EditForm::of(&v), None))
}

pub async fn save(
    State(st): State<AppState>,
    Path(id): Path<String>,
    Form(mut ctx, f): Form<EditForm>,
) -> WebResult {
    let viewer = match require_member(&ctx) {
        Ok(v) => v.clone(),
        Err(r) => return Ok(r),
    };
    let v = own(&st, &ctx, &id).await?;
    let cw = f.spoiler_text.trim().to_owned();
    let media_attributes = v
        .media
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let description = f.description(i).trim().to_owned();
            (
                m.id.to_string(),
                MediaChanges {
                    description: Some(description),
                    ..Default::default()
                },
            )
        })
        .collect();
    let changes = StatusChanges {
        text: f.status.clone(),
        sensitive: !cw.is_empty() || f.sensitive == "true",
        spoiler_text: cw,
        language: v.status.language.clone(),
        media_ids: None,
        media_attributes,
    };
    match st.core.edit_status(&viewer, v.status.id, changes).await {
        Ok(edited) => {
            ctx.notice("Your post was edited.");
            Ok(redirect(&ctx, &status_path(&edited)))
        }
        Err(palisade_core::Error::Unprocessable(m, _)) => Ok(form_page(&st, &ctx, &v, &f, Some(&m))),
        Err(e) => Err(WebError(e)),
    }
}

fn form_page(
    st: &AppState,
    ctx: &Ctx,
    v: &StatusView,
    f: &EditForm,
    error: Option<&str>,
) -> axum::response::Response {
    let max = st.core.settings.limits.max_status_chars;
    let action = format!("/statuses/{}/edit", v.status.id);
    page_with(
        st,
        ctx,
        "Edit your post",
        html! {
            h1 { "Edit your post" }
            form.compose.card action=(action) method="post" {
                (csrf(ctx))
                @if let Some(m) = error { p.error #compose-error role="alert" { "Not saved: " (m) } }
                label for="status" { "Your post" }
                textarea #status name="status" maxlength=(max) data-max=(max) data-counter="status-left" aria-describedby="status-left" { (f.status) }
                p.counter #status-left aria-live="polite" { (max) " characters at most" }
                @for (i, m) in v.media.iter().enumerate().take(4) {
                    label for={"description_" (i)} { "Description of file " (i + 1) " (" (m.kind) ", alt text)" }
                    textarea.alt id={"description_" (i)} name={"description_" (i)} maxlength=(palisade_media::limits::DESCRIPTION_CHARS) rows="2" { (f.description(i)) }
                }
                @if !v.media.is_empty() {
                    label.check { input type="checkbox" name="sensitive" value="true" checked[f.sensitive == "true"]; "Mark the media as sensitive (shown blurred until clicked)" }
                }
                label for="spoiler_text" { "Content warning (optional)" }
                input #spoiler_text type="text" name="spoiler_text" value=(f.spoiler_text);
                p.hint { "Who can see it does not change (" (v.status.visibility) "). Those who saw the post see the new version, marked as edited, with its history." }
                div.actions { button type="submit" { "Save" } a href=(status_path(v)) { "Cancel" } }
            }
        },
        Opts {
            status: error.map(|_| StatusCode::UNPROCESSABLE_ENTITY),
            ..Default::default()
        },
    )
}
