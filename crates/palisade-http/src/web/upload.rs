//! Forms with files (compose, profile pictures): multipart bodies whose files are streamed
//! to temporary files, never held in memory. The CSRF token must come before any file (our
//! forms put it first), so a cross-site post is refused with 403 before a byte of a file is
//! written. When the body goes over the route's limit mid-stream, or more files come than a
//! form takes, the fields read so far arrive with `refused` set: the handler shows the form
//! again with the reason next to the files, and nothing is stored.

use axum::extract::{FromRequest, FromRequestParts, Multipart, Request};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use palisade_core::media::{NewMedia, TempFile, UploadFile};
use palisade_core::secrets::constant_time_eq;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};
use tokio::io::AsyncWriteExt;

use super::ctx::Ctx;
use super::page::error_page;
use crate::AppState;

/// Files a web form takes at most.
pub const MAX_FILES: usize = 4;

/// A checked form with files.
pub struct FilesForm<T> {
    pub ctx: Ctx,
    pub fields: T,
    /// Non-empty file fields in order, by field name.
    pub files: Vec<(String, UploadFile)>,
    /// Why the files were not all read (too large, too many): nothing may be stored.
    pub refused: Option<String>,
}

impl<T> FilesForm<T> {
    /// The file sent as `field`, if any.
    pub fn take(&mut self, field: &str) -> Option<UploadFile> {
        let i = self.files.iter().position(|(name, _)| name == field)?;
        Some(self.files.remove(i).1)
    }

    /// The files chosen in slots `slots` (`file_N`), each with its description and focus, by
    /// slot.
    pub fn take_slots(&mut self, slots: std::ops::Range<usize>, d: &SlotFields) -> Vec<(usize, NewMedia)> {
        let mut out = Vec::new();
        for i in slots {
            if let Some(file) = self.take(&format!("file_{i}")) {
                let description = d.description(i).trim().to_owned();
                out.push((
                    i,
                    NewMedia {
                        file: Some(file),
                        thumbnail: None,
                        description: (!description.is_empty()).then_some(description),
                        focus: Some(d.focus(i))
                            .filter(|f| !f.is_empty())
                            .and_then(super::focus::from_form),
                    },
                ));
            }
        }
        out
    }
}

/// What a form says of each file slot: its description (alt text, `description_N`) and the
/// part to keep in view when cropped (`focus_N`, see `focus.rs`).
#[derive(Default, Deserialize)]
pub struct SlotFields {
    #[serde(default)]
    description_0: String,
    #[serde(default)]
    description_1: String,
    #[serde(default)]
    description_2: String,
    #[serde(default)]
    description_3: String,
    #[serde(default)]
    focus_0: String,
    #[serde(default)]
    focus_1: String,
    #[serde(default)]
    focus_2: String,
    #[serde(default)]
    focus_3: String,
}

impl SlotFields {
    fn fields(&self, i: usize) -> (&str, &str) {
        match i {
            0 => (&self.description_0, &self.focus_0),
            1 => (&self.description_1, &self.focus_1),
            2 => (&self.description_2, &self.focus_2),
            _ => (&self.description_3, &self.focus_3),
        }
    }

    pub fn description(&self, i: usize) -> &str {
        self.fields(i).0
    }

    pub fn focus(&self, i: usize) -> &str {
        self.fields(i).1
    }

    /// Slot `i` shows `description` and `focus` (slots past the last are ignored).
    pub fn set(&mut self, i: usize, description: String, focus: &str) {
        let (d, f) = match i {
            0 => (&mut self.description_0, &mut self.focus_0),
            1 => (&mut self.description_1, &mut self.focus_1),
            2 => (&mut self.description_2, &mut self.focus_2),
            3 => (&mut self.description_3, &mut self.focus_3),
            _ => return,
        };
        *d = description;
        *f = focus.to_owned();
    }
}

fn refuse(status: StatusCode, message: &str) -> Response {
    error_page(status, message).into_response()
}

fn expired() -> Response {
    refuse(
        StatusCode::FORBIDDEN,
        "This form has expired or did not come from this site. Go back, reload the page and try again.",
    )
}

fn too_large() -> String {
    format!(
        "The files are too large: at most {} in all.",
        palisade_media::limits::megabytes(palisade_media::limits::VIDEO_BYTES)
    )
}

/// Streams one file field to a temporary file; `Err(None)` when the body went over the limit.
async fn save(field: &mut axum::extract::multipart::Field<'_>) -> Result<(TempFile, u64), Option<Response>> {
    let internal = |e: std::io::Error| Some(refuse(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string()));
    let tmp = TempFile::new("upload");
    let mut out = tokio::fs::File::create(tmp.path()).await.map_err(internal)?;
    let mut size = 0u64;
    loop {
        match field.chunk().await {
            Ok(Some(chunk)) => {
                size += chunk.len() as u64;
                out.write_all(&chunk).await.map_err(internal)?;
            }
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => return Err(None),
            Err(e) => {
                return Err(Some(refuse(
                    StatusCode::BAD_REQUEST,
                    &format!("The form could not be read: {e}"),
                )));
            }
        }
    }
    out.flush().await.map_err(internal)?;
    Ok((tmp, size))
}

impl<T: DeserializeOwned> FromRequest<AppState> for FilesForm<T> {
    type Rejection = Response;

    async fn from_request(req: Request, st: &AppState) -> Result<Self, Response> {
        let (mut parts, body) = req.into_parts();
        let Ok(ctx) = Ctx::from_request_parts(&mut parts, st).await;
        let req = Request::from_parts(parts, body);
        let is_multipart = req
            .headers()
            .get(axum::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.to_ascii_lowercase().starts_with("multipart/form-data"));
        if !is_multipart {
            // A urlencoded post (an old page, a form without files) has no files.
            let super::form::Form(ctx, fields) = super::form::Form::<T>::from_request(req, st).await?;
            return Ok(FilesForm {
                ctx,
                fields,
                files: Vec::new(),
                refused: None,
            });
        }
        let bad = |e: String| {
            refuse(
                StatusCode::BAD_REQUEST,
                &format!("The form could not be read: {e}"),
            )
        };
        let mut multipart = Multipart::from_request(req, st)
            .await
            .map_err(|e| bad(e.to_string()))?;
        let (mut map, mut files, mut refused, mut checked) = (Map::new(), Vec::new(), None, false);
        loop {
            let mut field = match multipart.next_field().await {
                Ok(Some(f)) => f,
                Ok(None) => break,
                Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                    refused = Some(too_large());
                    break;
                }
                Err(e) => return Err(bad(e.to_string())),
            };
            let name = field.name().unwrap_or("").to_owned();
            let Some(file_name) = field.file_name().map(str::to_owned) else {
                let text = match field.text().await {
                    Ok(t) => t,
                    Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                        refused = Some(too_large());
                        break;
                    }
                    Err(e) => return Err(bad(e.to_string())),
                };
                if name == "authenticity_token" {
                    if !constant_time_eq(&text, &ctx.csrf) {
                        return Err(expired());
                    }
                    checked = true;
                } else {
                    map.insert(name, Value::String(text));
                }
                continue;
            };
            if !checked {
                return Err(expired());
            }
            if files.len() >= MAX_FILES && refused.is_none() {
                refused = Some(format!("Attach at most {MAX_FILES} files."));
            }
            match save(&mut field).await {
                // An empty file input still sends a part: no file chosen.
                Ok((_, 0)) if file_name.is_empty() => {}
                Ok((file, size)) if refused.is_none() => files.push((
                    name,
                    UploadFile {
                        file,
                        size,
                        file_name: Some(file_name),
                    },
                )),
                Ok(_) => {}
                Err(None) => {
                    refused = Some(too_large());
                    break;
                }
                Err(Some(resp)) => return Err(resp),
            }
        }
        if !checked {
            // A body over the limit by its length is refused before its first field: nothing
            // was read or stored, so the reason is all there is to say.
            return Err(match &refused {
                Some(reason) => refuse(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    &format!("{reason} Go back and choose smaller files."),
                ),
                None => expired(),
            });
        }
        if refused.is_some() {
            files.clear();
        }
        let fields = serde_json::from_value(Value::Object(map)).map_err(|e| {
            refuse(
                StatusCode::UNPROCESSABLE_ENTITY,
                &format!("The form is incomplete: {e}"),
            )
        })?;
        Ok(FilesForm {
            ctx,
            fields,
            files,
            refused,
        })
    }
}
