use palisade_store::StoreError;

/// What went wrong, in terms a client can act on. The HTTP layer maps each variant to
/// Mastodon's status code and `{"error": …}` body.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// 400: the request is malformed.
    #[error("{0}")]
    BadRequest(String),
    /// 401: no valid credentials.
    #[error("{0}")]
    Unauthorized(String),
    /// 403: valid credentials, not allowed.
    #[error("{0}")]
    Forbidden(String),
    /// 404.
    #[error("{0}")]
    NotFound(String),
    /// 422: well-formed but invalid, optionally with per-field details.
    #[error("{0}")]
    Unprocessable(String, Vec<FieldError>),
    /// 413: the request body is over the limit.
    #[error("{0}")]
    TooLarge(String),
    /// 429.
    #[error("Too many requests")]
    RateLimited,
    /// 500: a bug or a broken database; logged, never shown in detail.
    #[error("{0}")]
    Internal(String),
    /// 503: the database cannot be reached just now (restarting, overloaded); try again.
    #[error("{0}")]
    Unavailable(String),
}

/// The message of an `Unavailable` error whose cause is a full disk under the database:
/// nothing was written, reads still work. The HTTP layer answers it with 507 and shows it.
pub const STORAGE_FULL: &str = "The server is out of storage space; nothing was saved. Try again later";

impl Error {
    /// Whether trying again later may succeed (a background job is retried, not dropped).
    pub fn is_temporary(&self) -> bool {
        matches!(self, Error::Internal(_) | Error::Unavailable(_))
    }
}

/// One field's validation failure, as in Mastodon's `details` object.
#[derive(Debug, Clone)]
pub struct FieldError {
    pub field: &'static str,
    pub code: &'static str,
    pub description: String,
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn not_found() -> Error {
        Error::NotFound("Record not found".into())
    }

    pub fn invalid(msg: impl Into<String>) -> Error {
        Error::Unprocessable(msg.into(), Vec::new())
    }

    /// A single-field validation error worded as Mastodon words them.
    pub fn field(field: &'static str, code: &'static str, description: &str) -> Error {
        let mut v = Validation::default();
        v.fail(field, code, description);
        v.into_error()
    }
}

impl From<StoreError> for Error {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => Error::not_found(),
            StoreError::Conflict(m) => Error::invalid(format!("Validation failed: {m}")),
            e if e.is_unavailable() => Error::Unavailable(e.to_string()),
            e if e.is_storage_full() => {
                tracing::error!(error = %e, "the database's disk is full");
                Error::Unavailable(STORAGE_FULL.into())
            }
            other => Error::Internal(other.to_string()),
        }
    }
}

/// Collects every failed check, so the client learns of all of them at once (as Mastodon's
/// "Validation failed: Password can't be blank, Service agreement must be accepted").
#[derive(Debug, Default)]
pub struct Validation(Vec<FieldError>);

impl Validation {
    pub fn fail(&mut self, field: &'static str, code: &'static str, description: &str) {
        self.0.push(FieldError {
            field,
            code,
            description: description.to_owned(),
        });
    }

    pub fn check(&mut self, ok: bool, field: &'static str, code: &'static str, description: &str) {
        if !ok {
            self.fail(field, code, description);
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn into_error(self) -> Error {
        let parts: Vec<String> = self
            .0
            .iter()
            .map(|f| format!("{} {}", label(f.field), f.description))
            .collect();
        Error::Unprocessable(format!("Validation failed: {}", parts.join(", ")), self.0)
    }

    pub fn finish(self) -> Result<()> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(self.into_error())
        }
    }
}

/// Mastodon's names for the fields it validates.
fn label(field: &str) -> String {
    match field {
        "agreement" => "Service agreement".into(),
        "email" => "E-mail address".into(),
        other => other[..1].to_uppercase() + &other[1..].replace('_', " "),
    }
}
