//! Parameters with files: a multipart body's file fields are streamed to temporary files
//! (never held in memory; the route's body limit stops an oversized upload mid-stream with
//! a 413), its text fields become parameters as in [`Params`]. Other bodies are read as
//! [`Params`] reads them, with no files.

use axum::extract::{FromRequest, Multipart, Request};
use axum::http::StatusCode;
use axum::http::header::CONTENT_TYPE;
use palisade_core::media::{TempFile, UploadFile};
use serde::de::DeserializeOwned;
use tokio::io::AsyncWriteExt;

use super::params::{Params, from_pairs, merge, parse_query};
use crate::error::ApiError;

/// Typed parameters and the uploaded files by field name.
pub struct WithFiles<T> {
    pub params: T,
    pub files: Vec<(String, UploadFile)>,
}

impl<T> WithFiles<T> {
    /// The file sent as `field`, if any.
    pub fn take(&mut self, field: &str) -> Option<UploadFile> {
        let i = self.files.iter().position(|(name, _)| name == field)?;
        Some(self.files.swap_remove(i).1)
    }
}

fn malformed(e: axum::extract::multipart::MultipartError) -> ApiError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        ApiError(palisade_core::Error::TooLarge("File is too large".into()))
    } else {
        ApiError::bad_request(format!("Malformed multipart body: {e}"))
    }
}

/// Files sent in the fields a client may use: at most this many per request.
const MAX_FILES: usize = 4;

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for WithFiles<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let content_type = req
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_ascii_lowercase();
        if !content_type.starts_with("multipart/form-data") {
            let Params(params) = Params::<T>::from_request(req, state).await?;
            return Ok(WithFiles {
                params,
                files: Vec::new(),
            });
        }
        let mut merged = parse_query(req.uri().query().unwrap_or(""));
        let mut multipart = Multipart::from_request(req, state)
            .await
            .map_err(|e| ApiError::bad_request(format!("Malformed multipart body: {e}")))?;
        let mut pairs = Vec::new();
        let mut files = Vec::new();
        while let Some(mut field) = multipart.next_field().await.map_err(malformed)? {
            let name = field.name().unwrap_or("").to_owned();
            let Some(file_name) = field.file_name().map(str::to_owned) else {
                let text = field.text().await.map_err(malformed)?;
                pairs.push((name, text));
                continue;
            };
            if files.len() >= MAX_FILES {
                return Err(ApiError::unprocessable("Validation failed: Too many files"));
            }
            let tmp = TempFile::new("upload");
            let mut out = tokio::fs::File::create(tmp.path())
                .await
                .map_err(|e| ApiError(palisade_core::Error::Internal(e.to_string())))?;
            let mut size = 0u64;
            while let Some(chunk) = field.chunk().await.map_err(malformed)? {
                size += chunk.len() as u64;
                out.write_all(&chunk)
                    .await
                    .map_err(|e| ApiError(palisade_core::Error::Internal(e.to_string())))?;
            }
            out.flush()
                .await
                .map_err(|e| ApiError(palisade_core::Error::Internal(e.to_string())))?;
            files.push((
                name,
                UploadFile {
                    file: tmp,
                    size,
                    file_name: Some(file_name),
                },
            ));
        }
        merge(&mut merged, from_pairs(pairs));
        let params = serde_json::from_value(merged)
            .map_err(|e| ApiError::unprocessable(format!("Validation failed: {e}")))?;
        Ok(WithFiles { params, files })
    }
}
