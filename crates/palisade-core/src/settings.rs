//! The settings core needs: who this instance is and its limits. The binary reads them from
//! the TOML file, the environment and flags (docs/CONFIG.md).

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Registrations {
    /// Anyone may sign up and use the account at once.
    #[default]
    Open,
    /// Anyone may sign up; an admin approves the account before it can sign in.
    Approval,
    /// Only admins create accounts (CLI).
    Closed,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct Limits {
    /// Characters in a status (text plus content warning).
    pub max_status_chars: usize,
    /// Characters in a profile note.
    pub max_note_chars: usize,
    /// Profile metadata fields.
    pub max_profile_fields: usize,
    /// Largest request body accepted by the API, in bytes.
    pub max_request_bytes: usize,
    /// Requests per five minutes per token (authenticated) and per IP (anonymous);
    /// loopback addresses are exempt, as in Mastodon.
    pub rate_limit_authenticated: u32,
    pub rate_limit_anonymous: u32,
    /// Sign-up attempts per IP per 30 minutes.
    pub rate_limit_signups: u32,
    /// Streaming connections (WebSocket or server-sent events) open at once per access
    /// token and per client address.
    pub streaming_per_token: usize,
    pub streaming_per_address: usize,
    /// Messages a streaming client may fall behind by before it is disconnected.
    pub streaming_backlog: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_status_chars: 500,
            max_note_chars: 500,
            max_profile_fields: 4,
            max_request_bytes: 1 << 20,
            rate_limit_authenticated: 1500,
            rate_limit_anonymous: 300,
            rate_limit_signups: 5,
            streaming_per_token: 16,
            streaming_per_address: 64,
            streaming_backlog: 256,
        }
    }
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct InstanceInfo {
    pub title: String,
    pub description: String,
    pub contact_email: String,
    /// Server rules shown on sign-up and by `/api/v1/instance/rules`.
    pub rules: Vec<String>,
    pub languages: Vec<String>,
}

impl Default for InstanceInfo {
    fn default() -> Self {
        InstanceInfo {
            title: "Palisade".into(),
            description: "A Palisade fediverse server.".into(),
            contact_email: String::new(),
            rules: Vec::new(),
            languages: vec!["en".into()],
        }
    }
}

/// Who may read `/api/v1/instance/domain_blocks`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum BlocklistVisibility {
    Everyone,
    /// Signed-in users only.
    Users,
    /// Not published (Mastodon's default).
    #[default]
    Nobody,
}

/// `[moderation]`: instance-wide federation policy.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct Moderation {
    /// Allowlist mode: federate only with domains on the allow list.
    pub limited_federation: bool,
    /// Days a suspended domain's data is kept (hidden) before it is purged; lifting the
    /// suspension within them restores it.
    pub suspension_grace_days: i64,
    pub domain_blocks_visibility: BlocklistVisibility,
}

impl Default for Moderation {
    fn default() -> Self {
        Moderation {
            limited_federation: false,
            suspension_grace_days: 30,
            domain_blocks_visibility: BlocklistVisibility::Nobody,
        }
    }
}

/// Core settings.
#[derive(Clone, Debug)]
pub struct Settings {
    /// The domain in `@user@domain` handles.
    pub domain: String,
    /// Where this instance is reached, without a trailing slash, e.g. `https://example.org`.
    pub public_url: String,
    pub registrations: Registrations,
    pub limits: Limits,
    pub instance: InstanceInfo,
    pub moderation: Moderation,
}

impl Settings {
    /// Settings for a local test instance.
    pub fn for_tests(domain: &str, public_url: &str) -> Settings {
        Settings {
            domain: domain.into(),
            public_url: public_url.trim_end_matches('/').into(),
            registrations: Registrations::Open,
            limits: Limits::default(),
            instance: InstanceInfo::default(),
            moderation: Moderation::default(),
        }
    }
}
