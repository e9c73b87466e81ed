//! `/settings/profile`: display name, bio, metadata fields, locked.

use axum::extract::State;
use maud::html;
use palisade_core::accounts::{ProfileChanges, fields_of};
use serde::Deserialize;

use super::tabs;
use crate::web::ctx::Ctx;
use crate::web::form::Form;
use crate::web::page::{WebResult, csrf, page, profile_path, redirect, require_member};
use crate::{AppState, de};

pub async fn show(State(st): State<AppState>, ctx: Ctx) -> WebResult {
    let me = match require_member(&ctx) {
        Ok(v) => v.account()?.clone(),
        Err(r) => return Ok(r),
    };
    let mut fields = fields_of(&me);
    fields.resize_with(st.core.settings.limits.max_profile_fields, Default::default);
    Ok(page(
        &st,
        &ctx,
        "Profile settings",
        html! {
            h1 { "Settings" }
            (tabs("/settings/profile"))
            form.card action="/settings/profile" method="post" {
                (csrf(&ctx))
                label for="display_name" { "Display name" }
                input #display_name type="text" name="display_name" value=(me.display_name) maxlength="30";
                label for="note" { "Bio" }
                textarea #note name="note" maxlength=(st.core.settings.limits.max_note_chars) { (me.note_source) }
                fieldset {
                    legend { "Profile metadata" }
                    p.hint { "Up to " (fields.len()) " labels and values, e.g. a website. Links are checked once verification exists." }
                    @for (i, f) in fields.iter().enumerate() {
                        div.row {
                            label for={"fname" (i)} { "Label " (i + 1) }
                            input id={"fname" (i)} type="text" name={"field_name_" (i)} value=(f.name) maxlength="255";
                            label for={"fvalue" (i)} { "Value " (i + 1) }
                            input id={"fvalue" (i)} type="text" name={"field_value_" (i)} value=(f.value) maxlength="255";
                        }
                    }
                }
                label.check { input type="checkbox" name="locked" value="true" checked[me.locked]; "Approve followers by hand" }
                div.actions { button type="submit" { "Save" } a href=(profile_path(&me)) { "See your profile" } }
            }
        },
    ))
}

#[derive(Deserialize)]
pub struct ProfileForm {
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    note: String,
    #[serde(default, deserialize_with = "de::bool")]
    locked: bool,
    #[serde(flatten)]
    rest: std::collections::HashMap<String, serde_json::Value>,
}

pub async fn save(State(st): State<AppState>, Form(mut ctx, f): Form<ProfileForm>) -> WebResult {
    let me = match require_member(&ctx) {
        Ok(v) => v.account()?.clone(),
        Err(r) => return Ok(r),
    };
    let text = |k: String| f.rest.get(&k).and_then(|v| v.as_str()).unwrap_or("").to_owned();
    let fields = (0..st.core.settings.limits.max_profile_fields)
        .map(|i| (text(format!("field_name_{i}")), text(format!("field_value_{i}"))))
        .collect();
    st.core
        .update_profile(
            &me,
            ProfileChanges {
                display_name: Some(f.display_name.trim().to_owned()),
                note: Some(f.note),
                fields: Some(fields),
                locked: Some(f.locked),
                ..Default::default()
            },
        )
        .await?;
    ctx.notice("Your profile is saved.");
    Ok(redirect(&ctx, "/settings/profile"))
}
