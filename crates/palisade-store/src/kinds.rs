//! The closed sets of words the database stores as text: a status' visibility and a domain
//! block's severity. Parsed once when a row is read, so the rest of the code matches on
//! enums, not strings.

use std::fmt;

use crate::StoreError;

/// Who may see a status, as Mastodon defines it (stored as its Mastodon name).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Visibility {
    Public,
    Unlisted,
    /// Followers only.
    Private,
    /// Mentioned accounts only.
    Direct,
}

impl Visibility {
    pub const ALL: [Visibility; 4] = [
        Visibility::Public,
        Visibility::Unlisted,
        Visibility::Private,
        Visibility::Direct,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Visibility::Public => "public",
            Visibility::Unlisted => "unlisted",
            Visibility::Private => "private",
            Visibility::Direct => "direct",
        }
    }

    /// Mastodon's names; `None` for anything else.
    pub fn parse(s: &str) -> Option<Visibility> {
        Visibility::ALL.into_iter().find(|v| v.as_str() == s)
    }

    /// Public or unlisted: anyone may read it.
    pub fn is_open(self) -> bool {
        matches!(self, Visibility::Public | Visibility::Unlisted)
    }
}

impl fmt::Display for Visibility {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How strict an instance domain block is; the order is the strictness (`Noop` < `Silence`
/// < `Suspend`), so the strictest of several is their maximum.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Recorded, with its flags (reject media, reject reports), but no limit.
    Noop,
    /// Limited: only followers see its accounts; follows need approval.
    Silence,
    /// Nothing in, nothing out.
    Suspend,
}

impl Severity {
    pub const ALL: [Severity; 3] = [Severity::Noop, Severity::Silence, Severity::Suspend];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Noop => "noop",
            Severity::Silence => "silence",
            Severity::Suspend => "suspend",
        }
    }

    pub fn parse(s: &str) -> Option<Severity> {
        Severity::ALL.into_iter().find(|v| v.as_str() == s)
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Reads a stored word, or says which column held something unknown.
pub(crate) fn parse_stored<T>(
    value: &str,
    column: &str,
    parse: fn(&str) -> Option<T>,
) -> Result<T, StoreError> {
    parse(value).ok_or_else(|| StoreError::Corrupt(format!("{column}: unknown value {value:?}")))
}

impl From<Visibility> for crate::Arg {
    fn from(v: Visibility) -> Self {
        crate::Arg::Text(Some(v.as_str().to_owned()))
    }
}

impl From<Severity> for crate::Arg {
    fn from(v: Severity) -> Self {
        crate::Arg::Text(Some(v.as_str().to_owned()))
    }
}
