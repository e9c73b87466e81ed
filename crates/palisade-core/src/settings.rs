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

/// Where media files are stored.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum StorageKind {
    /// A folder on this machine (`local_path`).
    #[default]
    Local,
    /// An S3-compatible bucket (`[media.s3]`).
    S3,
}

/// `[media]`: uploads, the remote media cache, storage, custom emoji, link verification.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct MediaSettings {
    pub storage: StorageKind,
    /// The folder of `local` storage.
    pub local_path: std::path::PathBuf,
    pub s3: palisade_media::storage::S3Config,
    /// Where clients fetch this instance's own files (a CDN in front of the bucket), e.g.
    /// `https://files.example.org`. Unset: `public_url` + `/system`. Remote files are always
    /// served from `public_url`, so that they can be fetched again after pruning.
    pub public_base_url: Option<String>,
    /// Show remote files' original addresses as `remote_url` in entities (Mastodon does);
    /// off by default: apps that open them hand the member's address to the other server.
    pub expose_remote_url: bool,
    pub ffmpeg: std::path::PathBuf,
    pub ffprobe: std::path::PathBuf,
    /// Hours between two checks of an account's profile links (rel="me").
    pub verify_links_every_hours: u64,
    /// Cached remote files older than this many days are removed by the worker (they come
    /// back on demand); 0 keeps them until `palisade admin media prune`.
    pub cache_retention_days: u64,
}

impl Default for MediaSettings {
    fn default() -> Self {
        MediaSettings {
            storage: StorageKind::Local,
            local_path: "data/media".into(),
            s3: Default::default(),
            public_base_url: None,
            expose_remote_url: false,
            ffmpeg: "ffmpeg".into(),
            ffprobe: "ffprobe".into(),
            verify_links_every_hours: 24,
            cache_retention_days: 0,
        }
    }
}

impl MediaSettings {
    pub fn storage_config(&self) -> palisade_media::StorageConfig {
        match self.storage {
            StorageKind::Local => palisade_media::StorageConfig::Local(self.local_path.clone()),
            StorageKind::S3 => palisade_media::StorageConfig::S3(self.s3.clone()),
        }
    }
}

/// Each test instance stores its files apart: in a folder of its own, or, when
/// `PALISADE_TEST_S3_ENDPOINT` names an S3 server (CI runs the media tests so), under a
/// prefix of its own in that server's bucket.
fn test_media_settings() -> MediaSettings {
    let token = palisade_media::temp::random_token(12);
    let var = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
    let mut m = MediaSettings {
        local_path: std::env::temp_dir().join(format!("palisade-test-media-{token}")),
        ..MediaSettings::default()
    };
    if let Some(endpoint) = var("PALISADE_TEST_S3_ENDPOINT") {
        m.storage = StorageKind::S3;
        m.s3 = palisade_media::storage::S3Config {
            endpoint,
            bucket: var("PALISADE_TEST_S3_BUCKET").unwrap_or_else(|| "palisade".into()),
            region: "us-east-1".into(),
            access_key_id: var("PALISADE_TEST_S3_ACCESS_KEY").unwrap_or_default(),
            secret_access_key: var("PALISADE_TEST_S3_SECRET_KEY").unwrap_or_default(),
            path_style: true,
            allow_http: true,
            prefix: format!("test-{token}"),
        };
    }
    m
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
    pub media: MediaSettings,
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
            media: test_media_settings(),
        }
    }
}
