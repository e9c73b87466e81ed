//! The compose form and `POST /statuses`: text, content warning, visibility, a reply, and up
//! to four files, each with its description, uploaded and posted in one submit (a multipart
//! form that needs no JavaScript) through `Core::post_with_files`, the API's rules. A
//! refused file is named next to its field and nothing is posted.

use axum::extract::State;
use axum::http::StatusCode;
use maud::{Markup, html};
use palisade_core::media::PostError;
use palisade_core::statuses::NewStatus;
use palisade_core::views::StatusView;
use serde::Deserialize;

use super::ctx::Ctx;
use super::page::{Opts, WebError, WebResult, csrf, display_name, page_with, redirect, require_member};
use super::render::status_path;
use super::upload::{FilesForm, MAX_FILES, SlotFields};
use crate::AppState;

/// What the form shows: the text so far, and why the last submit was refused.
#[derive(Default, Deserialize)]
pub struct Draft {
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub spoiler_text: String,
    #[serde(default)]
    pub visibility: String,
    #[serde(default)]
    pub sensitive: String,
    #[serde(default)]
    pub in_reply_to_id: String,
    #[serde(flatten)]
    pub slots: SlotFields,
    /// The refused file (0-based) and the reason, or a reason about the post.
    #[serde(skip)]
    pub error: Option<(Option<usize>, String)>,
}

impl Draft {
    pub fn text(text: &str) -> Draft {
        Draft {
            status: text.to_owned(),
            ..Default::default()
        }
    }
}

/// The `accept` list of the file inputs: what this instance can take (video and audio only
/// where ffmpeg is installed).
pub async fn accept(st: &AppState) -> String {
    palisade_core::media::supported_mime_types(&st.core)
        .await
        .join(",")
}

/// The compose form (a reply when `reply_to` is given).
pub fn form(st: &AppState, ctx: &Ctx, reply_to: Option<&StatusView>, d: &Draft, accept: &str) -> Markup {
    let max = st.core.settings.limits.max_status_chars;
    let file_error = d.error.as_ref().and_then(|(i, m)| i.map(|i| (i, m.as_str())));
    let post_error = d
        .error
        .as_ref()
        .filter(|(i, _)| i.is_none())
        .map(|(_, m)| m.as_str());
    let chosen = |v: &str| d.visibility == v;
    html! {
        form.compose.card action="/statuses" method="post" enctype="multipart/form-data" {
            (csrf(ctx))
            @if let Some(r) = reply_to {
                input type="hidden" name="in_reply_to_id" value=(r.status.id);
                p.muted { "Replying to " (display_name(&r.account)) }
            } @else if !d.in_reply_to_id.is_empty() {
                input type="hidden" name="in_reply_to_id" value=(d.in_reply_to_id);
            }
            @if let Some(m) = post_error { p.error #compose-error role="alert" { (m) } }
            label for="status" { @if reply_to.is_some() { "Your reply" } @else { "What's on your mind?" } }
            textarea #status name="status" maxlength=(max) data-max=(max) data-counter="status-left" aria-describedby="status-left" { (d.status) }
            p.counter #status-left aria-live="polite" { (max) " characters at most" }
            details.attach open[file_error.is_some() || (0..MAX_FILES).any(|i| !d.slots.description(i).is_empty())] {
                summary { "Add pictures, video or audio (up to " (MAX_FILES) ")" }
                p.hint #files-hint { "Describe each file for people who cannot see it. Images up to "
                    (palisade_media::limits::megabytes(palisade_media::limits::IMAGE_BYTES)) ", video and audio up to "
                    (palisade_media::limits::megabytes(palisade_media::limits::VIDEO_BYTES)) "." }
                @for i in 0..MAX_FILES {
                    (file_row(i, accept, &d.slots, file_error.filter(|(n, _)| *n == i).map(|(_, m)| m)))
                }
                label.check { input type="checkbox" name="sensitive" value="true" checked[d.sensitive == "true"]; "Mark the media as sensitive (shown blurred until clicked)" }
            }
            div.row {
                div {
                    label for="spoiler_text" { "Content warning (optional)" }
                    input #spoiler_text type="text" name="spoiler_text" value=(d.spoiler_text);
                }
                div {
                    label for="visibility" { "Who can see it" }
                    select #visibility name="visibility" {
                        option value="public" selected[chosen("public")] { "Public" }
                        option value="unlisted" selected[chosen("unlisted")] { "Unlisted (quiet public)" }
                        option value="private" selected[chosen("private")] { "Followers only" }
                        option value="direct" selected[chosen("direct")] { "Mentioned people only" }
                    }
                }
                div { button type="submit" { @if reply_to.is_some() || !d.in_reply_to_id.is_empty() { "Reply" } @else { "Post" } } }
            }
        }
    }
}

pub async fn create(State(st): State<AppState>, mut form: FilesForm<Draft>) -> WebResult {
    let viewer = match require_member(&form.ctx) {
        Ok(v) => v.clone(),
        Err(r) => return Ok(r),
    };
    let slots = std::mem::take(&mut form.fields.slots);
    let files = form.take_slots(0..MAX_FILES, &slots);
    form.fields.slots = slots;
    let FilesForm {
        mut ctx,
        fields: mut d,
        refused,
        ..
    } = form;
    if let Some(reason) = refused {
        d.error = Some((None, reason));
        return Ok(refused_page(&st, &ctx, d).await);
    }
    let reply_to = d.in_reply_to_id.trim().parse::<i64>().ok();
    let cw = d.spoiler_text.trim().to_owned();
    let new = NewStatus {
        text: d.status.clone(),
        sensitive: !cw.is_empty() || d.sensitive == "true",
        spoiler_text: cw,
        visibility: Some(d.visibility.clone()).filter(|v| !v.is_empty()),
        in_reply_to_id: reply_to,
        ..Default::default()
    };
    let positions: Vec<usize> = files.iter().map(|(i, _)| *i).collect();
    let files = files.into_iter().map(|(_, f)| f).collect();
    match st.core.post_with_files(&viewer, new, files).await {
        Ok(v) => {
            ctx.notice("Posted.");
            let to = if reply_to.is_some() {
                status_path(&v)
            } else {
                "/home".into()
            };
            Ok(redirect(&ctx, &to))
        }
        Err(PostError { file, error }) => match error {
            palisade_core::Error::Unprocessable(m, _) | palisade_core::Error::TooLarge(m) => {
                // The field the refused file came from.
                d.error = Some((file.and_then(|n| positions.get(n).copied()), m));
                Ok(refused_page(&st, &ctx, d).await)
            }
            e => Err(WebError(e)),
        },
    }
}

/// Slot `i` of a form's new files: the file input, its description and focus, with the
/// reason the file was refused (`err`).
pub fn file_row(i: usize, accept: &str, slots: &SlotFields, err: Option<&str>) -> Markup {
    html! {
        div.file-row {
            div {
                label for={"file_" (i)} { "File " (i + 1) }
                input id={"file_" (i)} type="file" name={"file_" (i)} accept=(accept)
                    aria-describedby=(if err.is_some() { format!("file_{i}-error") } else { "files-hint".into() })
                    aria-invalid=[err.map(|_| "true")];
                @if let Some(m) = err { p.error id={"file_" (i) "-error"} role="alert" { (m) " Choose the file again." } }
            }
            div {
                label for={"description_" (i)} { "Description of file " (i + 1) " (alt text)" }
                textarea.alt id={"description_" (i)} name={"description_" (i)} maxlength=(palisade_media::limits::DESCRIPTION_CHARS) rows="2" { (slots.description(i)) }
                (super::focus::select(i, slots.focus(i)))
            }
        }
    }
}

async fn refused_page(st: &AppState, ctx: &Ctx, d: Draft) -> axum::response::Response {
    let accept = accept(st).await;
    page_with(
        st,
        ctx,
        "Compose",
        html! {
            h1 { "Compose" }
            p.error role="alert" { "Nothing was posted: see below." }
            (form(st, ctx, None, &d, &accept))
        },
        Opts {
            status: Some(StatusCode::UNPROCESSABLE_ENTITY),
            ..Default::default()
        },
    )
}
