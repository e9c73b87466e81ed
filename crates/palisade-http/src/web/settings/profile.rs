//! `/settings/profile`: display name, bio, metadata fields, locked, and the avatar and header
//! (upload or replace with alt text, or remove: back to the default picture), as
//! `update_credentials` and `DELETE /api/v1/profile/avatar|header` do them.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use maud::html;
use palisade_core::accounts::{ProfileChanges, fields_of};
use palisade_core::model::{Account, ProfileImage};
use serde::Deserialize;

use super::tabs;
use crate::web::ctx::Ctx;
use crate::web::form::Form;
use crate::web::page::{Opts, WebError, WebResult, csrf, page_with, profile_path, redirect, require_member};
use crate::web::pictures;
use crate::web::upload::FilesForm;
use crate::{AppState, de};

/// Where a refused save puts its reason: next to a picture, or above the form.
enum Refused {
    Avatar(String),
    Header(String),
    Form(String),
}

pub async fn show(State(st): State<AppState>, ctx: Ctx) -> WebResult {
    let me = match require_member(&ctx) {
        Ok(v) => v.account()?.clone(),
        Err(r) => return Ok(r),
    };
    Ok(settings_page(&st, &ctx, &me, None))
}

fn picture_fields(st: &AppState, me: &Account, which: &str, error: Option<&str>) -> maud::Markup {
    let (label, has, description, hint, img) = if which == "avatar" {
        let hint = "A square picture, shown at most 400×400; PNG, JPEG, WebP or GIF up to 8 MB.";
        (
            "Avatar",
            me.avatar_path.is_some(),
            &me.avatar_description,
            hint,
            pictures::avatar_big(st, me),
        )
    } else {
        let hint = "A wide picture above your profile, 1500×500; PNG, JPEG, WebP or GIF up to 8 MB.";
        (
            "Header",
            me.header_path.is_some(),
            &me.header_description,
            hint,
            html! { img.header-preview src=(pictures::header_url(st, me)) alt="" width="300" height="100"; },
        )
    };
    let err_id = format!("{which}-error");
    html! {
        fieldset.picture id={(which) "-fields"} {
            legend { (label) }
            div.picture-now {
                (img)
                @if !has { p.hint { "No " (label.to_lowercase()) " yet: the default picture is shown." } }
            }
            label for=(which) { "New " (label.to_lowercase()) }
            input id=(which) type="file" name=(which) accept="image/png,image/jpeg,image/webp,image/gif"
                aria-describedby=(if error.is_some() { err_id.clone() } else { format!("{which}-hint") })
                aria-invalid=[error.map(|_| "true")];
            p.hint id={(which) "-hint"} { (hint) }
            @if let Some(m) = error { p.error id=(err_id) role="alert" { (m) " Choose the file again." } }
            label for={(which) "_description"} { "Description of the " (label.to_lowercase()) " (alt text)" }
            input id={(which) "_description"} type="text" name={(which) "_description"} value=(description) maxlength="1500";
        }
    }
}

fn settings_page(st: &AppState, ctx: &Ctx, me: &Account, refused: Option<Refused>) -> Response {
    let mut fields = fields_of(me);
    fields.resize_with(st.core.settings.limits.max_profile_fields, Default::default);
    let (avatar_err, header_err, form_err) = match &refused {
        Some(Refused::Avatar(m)) => (Some(m.as_str()), None, None),
        Some(Refused::Header(m)) => (None, Some(m.as_str()), None),
        Some(Refused::Form(m)) => (None, None, Some(m.as_str())),
        None => (None, None, None),
    };
    let body = html! {
        h1 { "Settings" }
        (tabs("/settings/profile"))
        @if refused.is_some() { p.error role="alert" { "Nothing was saved: " (form_err.unwrap_or("see below.")) } }
        form.card action="/settings/profile" method="post" enctype="multipart/form-data" {
            (csrf(ctx))
            label for="display_name" { "Display name" }
            input #display_name type="text" name="display_name" value=(me.display_name) maxlength="30";
            label for="note" { "Bio" }
            textarea #note name="note" maxlength=(st.core.settings.limits.max_note_chars) { (me.note_source) }
            fieldset {
                legend { "Profile metadata" }
                p.hint { "Up to " (fields.len()) " labels and values, e.g. a website. A link is marked verified once this server finds a rel=\"me\" link back to your profile on that page." }
                @for (i, f) in fields.iter().enumerate() {
                    div.row {
                        label for={"fname" (i)} { "Label " (i + 1) }
                        input id={"fname" (i)} type="text" name={"field_name_" (i)} value=(f.name) maxlength="255";
                        label for={"fvalue" (i)} { "Value " (i + 1) }
                        input id={"fvalue" (i)} type="text" name={"field_value_" (i)} value=(f.value) maxlength="255";
                    }
                }
            }
            (picture_fields(st, me, "avatar", avatar_err))
            (picture_fields(st, me, "header", header_err))
            label.check { input type="checkbox" name="locked" value="true" checked[me.locked]; "Approve followers by hand" }
            div.actions { button type="submit" { "Save" } a href=(profile_path(me)) { "See your profile" } }
        }
        @if me.avatar_path.is_some() || me.header_path.is_some() {
            div.card.actions {
                @if me.avatar_path.is_some() {
                    form.inline action="/settings/profile/avatar/delete" method="post" data-confirm="Remove your avatar?" {
                        (csrf(ctx)) button.secondary type="submit" { "Remove the avatar" }
                    }
                }
                @if me.header_path.is_some() {
                    form.inline action="/settings/profile/header/delete" method="post" data-confirm="Remove your header?" {
                        (csrf(ctx)) button.secondary type="submit" { "Remove the header" }
                    }
                }
            }
        }
    };
    page_with(
        st,
        ctx,
        "Profile settings",
        body,
        Opts {
            status: refused.as_ref().map(|_| StatusCode::UNPROCESSABLE_ENTITY),
            ..Default::default()
        },
    )
}

#[derive(Deserialize)]
pub struct ProfileForm {
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    note: String,
    #[serde(default, deserialize_with = "de::bool")]
    locked: bool,
    #[serde(default, deserialize_with = "de::opt_string")]
    avatar_description: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    header_description: Option<String>,
    #[serde(flatten)]
    rest: std::collections::HashMap<String, serde_json::Value>,
}

pub async fn save(State(st): State<AppState>, mut form: FilesForm<ProfileForm>) -> WebResult {
    let me = match require_member(&form.ctx) {
        Ok(v) => v.account()?.clone(),
        Err(r) => return Ok(r),
    };
    let (avatar, header) = (form.take("avatar"), form.take("header"));
    let FilesForm {
        mut ctx,
        fields: f,
        refused,
        ..
    } = form;
    if let Some(reason) = refused {
        return Ok(settings_page(&st, &ctx, &me, Some(Refused::Form(reason))));
    }
    let text = |k: String| f.rest.get(&k).and_then(|v| v.as_str()).unwrap_or("").to_owned();
    let fields = (0..st.core.settings.limits.max_profile_fields)
        .map(|i| (text(format!("field_name_{i}")), text(format!("field_value_{i}"))))
        .collect();
    // What the form showed, should it come back refused.
    let mut typed = me.clone();
    typed.display_name = f.display_name.trim().to_owned();
    typed.note_source = f.note.clone();
    typed.locked = f.locked;
    typed.avatar_description = f.avatar_description.clone().unwrap_or(typed.avatar_description);
    typed.header_description = f.header_description.clone().unwrap_or(typed.header_description);
    let which = match (&avatar, &header) {
        (Some(_), None) => Some(ProfileImage::Avatar),
        (None, Some(_)) => Some(ProfileImage::Header),
        _ => None,
    };
    let saved = st
        .core
        .update_profile(
            &me,
            ProfileChanges {
                display_name: Some(f.display_name.trim().to_owned()),
                note: Some(f.note),
                fields: Some(fields),
                locked: Some(f.locked),
                avatar,
                header,
                avatar_description: f.avatar_description,
                header_description: f.header_description,
                ..Default::default()
            },
        )
        .await;
    match saved {
        Ok(_) => {
            ctx.notice("Your profile is saved.");
            Ok(redirect(&ctx, "/settings/profile"))
        }
        Err(palisade_core::Error::Unprocessable(m, _) | palisade_core::Error::TooLarge(m)) => {
            let refused = match which {
                Some(ProfileImage::Avatar) => Refused::Avatar(m),
                Some(ProfileImage::Header) => Refused::Header(m),
                None => Refused::Form(m),
            };
            Ok(settings_page(&st, &ctx, &typed, Some(refused)))
        }
        Err(e) => Err(WebError(e)),
    }
}

#[derive(Deserialize)]
pub struct Nothing {}

/// `POST /settings/profile/{avatar,header}/delete`: back to the default picture.
pub async fn remove(
    State(st): State<AppState>,
    Path(which): Path<String>,
    Form(mut ctx, _): Form<Nothing>,
) -> WebResult {
    let viewer = match require_member(&ctx) {
        Ok(v) => v.clone(),
        Err(r) => return Ok(r),
    };
    let (which, said) = match which.as_str() {
        "avatar" => (ProfileImage::Avatar, "Your avatar is removed."),
        "header" => (ProfileImage::Header, "Your header is removed."),
        _ => return Err(WebError(palisade_core::Error::not_found())),
    };
    st.core.delete_profile_image(&viewer, which).await?;
    ctx.notice(said);
    Ok(redirect(&ctx, "/settings/profile"))
}
