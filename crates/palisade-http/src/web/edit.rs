//! `/statuses/:id/edit`: the author changes a post's text, content warning, sensitivity, the
//! descriptions of its files, removes files and adds new ones (a multipart form, like
//! compose), under the API's rules (`Core::edit_with_files`, then `edit_status`: the post
//! keeps its history and peers get an Update). The audience does not change, as in Mastodon.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use maud::html;
use palisade_core::media::{MediaChanges, PostError};
use palisade_core::statuses::StatusChanges;
use palisade_core::views::StatusView;
use serde::Deserialize;

use super::compose::{accept, file_row};
use super::ctx::Ctx;
use super::page::{Opts, WebError, WebResult, csrf, page_with, redirect, require_member};
use super::render::status_path;
use super::upload::{FilesForm, MAX_FILES, SlotFields};
use crate::AppState;

#[derive(Default, Deserialize)]
pub struct EditForm {
    #[serde(default)]
    status: String,
    #[serde(default)]
    spoiler_text: String,
    #[serde(default)]
    sensitive: String,
    /// Slot by slot: the post's files, then the files added.
    #[serde(flatten)]
    slots: SlotFields,
    #[serde(default)]
    remove_0: String,
    #[serde(default)]
    remove_1: String,
    #[serde(default)]
    remove_2: String,
    #[serde(default)]
    remove_3: String,
    /// The slot of a refused new file, and why.
    #[serde(skip)]
    file_error: Option<(usize, String)>,
}

impl EditForm {
    fn of(v: &StatusView) -> EditForm {
        let mut f = EditForm {
            status: v.status.text_source.clone(),
            spoiler_text: v.status.spoiler_text.clone(),
            sensitive: if v.status.sensitive {
                "true".into()
            } else {
                String::new()
            },
            ..Default::default()
        };
        for (i, m) in v.media.iter().enumerate() {
            f.slots
                .set(i, m.description.clone(), super::focus::value_of(&meta(m)));
        }
        f
    }

    /// Whether the post's file in slot `i` is to go.
    fn removed(&self, i: usize) -> bool {
        let flag = match i {
            0 => &self.remove_0,
            1 => &self.remove_1,
            2 => &self.remove_2,
            _ => &self.remove_3,
        };
        flag == "true"
    }
}

/// A file's `meta`, as the API shows it.
fn meta(m: &palisade_core::media::Media) -> serde_json::Value {
    serde_json::from_str(&m.meta_json).unwrap_or_default()
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
    Ok(form_page(&st, &ctx, &v, &EditForm::of(&v), None).await)
}

pub async fn save(
    State(st): State<AppState>,
    Path(id): Path<String>,
    mut form: FilesForm<EditForm>,
) -> WebResult {
    let viewer = match require_member(&form.ctx) {
        Ok(v) => v.clone(),
        Err(r) => return Ok(r),
    };
    let v = own(&st, &form.ctx, &id).await?;
    let slots = std::mem::take(&mut form.fields.slots);
    let added = form.take_slots(v.media.len()..MAX_FILES, &slots);
    let FilesForm {
        mut ctx,
        fields: mut f,
        refused,
        ..
    } = form;
    f.slots = slots;
    if let Some(reason) = refused {
        return Ok(form_page(&st, &ctx, &v, &f, Some(&reason)).await);
    }
    let kept: Vec<(usize, i64)> = (0..v.media.len())
        .filter(|i| !f.removed(*i))
        .map(|i| (i, v.media[i].id))
        .collect();
    let media_attributes = kept
        .iter()
        .map(|(i, id)| {
            let description = f.slots.description(*i).trim().to_owned();
            // A focus set more finely elsewhere (an app) stays unless another position is chosen.
            let chosen = f.slots.focus(*i);
            let focus = (chosen != super::focus::value_of(&meta(&v.media[*i])))
                .then(|| super::focus::from_form(chosen))
                .flatten();
            (
                id.to_string(),
                MediaChanges {
                    description: Some(description),
                    focus,
                    ..Default::default()
                },
            )
        })
        .collect();
    let cw = f.spoiler_text.trim().to_owned();
    let changes = StatusChanges {
        text: f.status.clone(),
        sensitive: !cw.is_empty() || f.sensitive == "true",
        spoiler_text: cw,
        language: v.status.language.clone(),
        media_ids: Some(kept.iter().map(|(_, id)| id.to_string()).collect()),
        media_attributes,
    };
    let slots: Vec<usize> = added.iter().map(|(i, _)| *i).collect();
    let files = added.into_iter().map(|(_, m)| m).collect();
    match st
        .core
        .edit_with_files(&viewer, v.status.id, changes, files)
        .await
    {
        Ok(edited) => {
            ctx.notice("Your post was edited.");
            Ok(redirect(&ctx, &status_path(&edited)))
        }
        Err(PostError { file, error }) => match error {
            palisade_core::Error::Unprocessable(m, _) | palisade_core::Error::TooLarge(m) => {
                match file.and_then(|n| slots.get(n).copied()) {
                    Some(slot) => {
                        f.file_error = Some((slot, m));
                        Ok(form_page(&st, &ctx, &v, &f, Some("a file was refused, see below.")).await)
                    }
                    None => Ok(form_page(&st, &ctx, &v, &f, Some(&m)).await),
                }
            }
            e => Err(WebError(e)),
        },
    }
}

async fn form_page(
    st: &AppState,
    ctx: &Ctx,
    v: &StatusView,
    f: &EditForm,
    error: Option<&str>,
) -> axum::response::Response {
    let max = st.core.settings.limits.max_status_chars;
    let action = format!("/statuses/{}/edit", v.status.id);
    let accept = accept(st).await;
    let file_error = f.file_error.as_ref().map(|(i, m)| (*i, m.as_str()));
    page_with(
        st,
        ctx,
        "Edit your post",
        html! {
            h1 { "Edit your post" }
            form.compose.card action=(action) method="post" enctype="multipart/form-data" {
                (csrf(ctx))
                @if let Some(m) = error { p.error #compose-error role="alert" { "Not saved: " (m) } }
                label for="status" { "Your post" }
                textarea #status name="status" maxlength=(max) data-max=(max) data-counter="status-left" aria-describedby="status-left" { (f.status) }
                p.counter #status-left aria-live="polite" { (max) " characters at most" }
                @for (i, m) in v.media.iter().enumerate().take(MAX_FILES) {
                    div.file-row {
                        div {
                            label for={"description_" (i)} { "Description of file " (i + 1) " (" (m.kind) ", alt text)" }
                            textarea.alt id={"description_" (i)} name={"description_" (i)} maxlength=(palisade_media::limits::DESCRIPTION_CHARS) rows="2" { (f.slots.description(i)) }
                            @if m.kind == "image" { (super::focus::select(i, f.slots.focus(i))) }
                        }
                        label.check { input type="checkbox" name={"remove_" (i)} value="true" checked[f.removed(i)]; "Remove file " (i + 1) " from the post" }
                    }
                }
                @if v.media.len() < MAX_FILES {
                    details.attach open[file_error.is_some()] {
                        summary { "Add pictures, video or audio" }
                        p.hint #files-hint { "Files are added after those the post has, up to " (MAX_FILES) " in all. Video and audio are processed before the edit is saved." }
                        @for i in v.media.len()..MAX_FILES {
                            (file_row(i, &accept, &f.slots, file_error.filter(|(n, _)| *n == i).map(|(_, m)| m)))
                        }
                    }
                }
                label.check { input type="checkbox" name="sensitive" value="true" checked[f.sensitive == "true"]; "Mark the media as sensitive (shown blurred until clicked)" }
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
