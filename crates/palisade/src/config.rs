//! Configuration: a TOML file, overridden by `PALISADE_*` environment variables, overridden
//! by command-line flags. Every key is documented in docs/CONFIG.md.

use std::path::{Path, PathBuf};

use palisade_core::Settings;
use palisade_core::settings::{InstanceInfo, Limits, MediaSettings, Moderation, Registrations, StorageKind};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// The domain in handles (`@alice@DOMAIN`). Default: the host of `public_url`.
    pub domain: Option<String>,
    /// Where users and peers reach this instance. Default: `http://` + `listen`.
    pub public_url: Option<String>,
    /// Address and port to listen on.
    pub listen: String,
    /// `sqlite:PATH` (default `sqlite:data/palisade.db`) or `postgres://…`.
    pub database_url: String,
    /// `open`, `approval` or `closed`.
    pub registrations: Registrations,
    /// Serve `http://` on a non-loopback public URL (for test networks only).
    pub allow_insecure_http: bool,
    /// Address of a separate listener for Prometheus `/metrics` (off when unset).
    pub metrics_listen: Option<String>,
    pub limits: Limits,
    pub instance: InstanceInfo,
    pub federation: FederationSettings,
    pub moderation: Moderation,
    pub media: MediaSettings,
}

/// `[federation]`: how Palisade talks to other servers.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct FederationSettings {
    /// Require signed GETs for actors, objects and collections ("secure mode").
    pub authorized_fetch: bool,
    /// Contact private and loopback addresses (test networks only: an SSRF risk otherwise).
    pub allow_private_addresses: bool,
    /// A PEM file of certificates trusted besides the system roots (a test CA).
    pub extra_root_certificates: Option<PathBuf>,
    /// Reach peers over plain `http://` (two instances on one machine, for tests only).
    pub plain_http_peers: bool,
    /// Deliveries in flight at once, and at once per peer.
    pub max_deliveries: usize,
    pub max_deliveries_per_peer: usize,
    /// Inbound activities applied at once per worker process.
    pub max_inbound: usize,
    /// TEST ONLY: resolve every peer host name to this address (benchmarks and crash trials
    /// answer thousands of peer names with one local server). Needs
    /// `allow_private_addresses` for a loopback address: the address guard still applies.
    pub test_resolve_all_to: Option<std::net::IpAddr>,
}

impl Default for FederationSettings {
    fn default() -> Self {
        FederationSettings {
            authorized_fetch: false,
            allow_private_addresses: false,
            extra_root_certificates: None,
            plain_http_peers: false,
            max_deliveries: 64,
            max_deliveries_per_peer: 4,
            max_inbound: 16,
            test_resolve_all_to: None,
        }
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            domain: None,
            public_url: None,
            listen: "127.0.0.1:3000".into(),
            database_url: "sqlite:data/palisade.db".into(),
            registrations: Registrations::Open,
            allow_insecure_http: false,
            metrics_listen: None,
            limits: Limits::default(),
            instance: InstanceInfo::default(),
            federation: FederationSettings::default(),
            moderation: Moderation::default(),
            media: MediaSettings::default(),
        }
    }
}

/// Overrides from flags (highest precedence).
#[derive(Default)]
pub struct Overrides {
    pub listen: Option<String>,
    pub database_url: Option<String>,
    pub domain: Option<String>,
    pub public_url: Option<String>,
}

impl Config {
    /// Reads the file (when it exists, or when it was asked for explicitly), then the
    /// environment, then the flags.
    pub fn load(path: Option<&Path>, flags: Overrides) -> Result<Config, String> {
        let default_path = PathBuf::from("palisade.toml");
        let (path, required) = match path {
            Some(p) => (p.to_path_buf(), true),
            None => match std::env::var("PALISADE_CONFIG") {
                Ok(p) => (PathBuf::from(p), true),
                Err(_) => (default_path, false),
            },
        };
        let mut config = if path.exists() {
            let text =
                std::fs::read_to_string(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?
        } else if required {
            return Err(format!("config file {} does not exist", path.display()));
        } else {
            Config::default()
        };
        config.apply_env()?;
        config.apply(flags);
        config.validate()?;
        Ok(config)
    }

    fn apply_env(&mut self) -> Result<(), String> {
        let var = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
        if let Some(v) = var("PALISADE_DOMAIN") {
            self.domain = Some(v);
        }
        if let Some(v) = var("PALISADE_PUBLIC_URL") {
            self.public_url = Some(v);
        }
        if let Some(v) = var("PALISADE_LISTEN") {
            self.listen = v;
        }
        if let Some(v) = var("PALISADE_DATABASE_URL") {
            self.database_url = v;
        }
        if let Some(v) = var("PALISADE_METRICS_LISTEN") {
            self.metrics_listen = Some(v);
        }
        if let Some(v) = var("PALISADE_REGISTRATIONS") {
            self.registrations = match v.as_str() {
                "open" => Registrations::Open,
                "approval" => Registrations::Approval,
                "closed" => Registrations::Closed,
                other => {
                    return Err(format!(
                        "PALISADE_REGISTRATIONS: expected open, approval or closed, got {other:?}"
                    ));
                }
            };
        }
        let flag = |v: &str| matches!(v, "1" | "true" | "yes");
        if let Some(v) = var("PALISADE_ALLOW_INSECURE_HTTP") {
            self.allow_insecure_http = flag(&v);
        }
        if let Some(v) = var("PALISADE_AUTHORIZED_FETCH") {
            self.federation.authorized_fetch = flag(&v);
        }
        if let Some(v) = var("PALISADE_ALLOW_PRIVATE_ADDRESSES") {
            self.federation.allow_private_addresses = flag(&v);
        }
        if let Some(v) = var("PALISADE_PLAIN_HTTP_PEERS") {
            self.federation.plain_http_peers = flag(&v);
        }
        if let Some(v) = var("PALISADE_MAX_INBOUND") {
            self.federation.max_inbound = v
                .parse()
                .map_err(|_| format!("PALISADE_MAX_INBOUND: expected a number, got {v:?}"))?;
        }
        if let Some(v) = var("PALISADE_EXTRA_ROOT_CERTIFICATES") {
            self.federation.extra_root_certificates = Some(PathBuf::from(v));
        }
        self.apply_media_env(&var, &flag)?;
        if let Some(v) = var("PALISADE_TEST_RESOLVE_ALL_TO") {
            let ip = v
                .parse()
                .map_err(|_| format!("PALISADE_TEST_RESOLVE_ALL_TO: expected an IP address, got {v:?}"))?;
            self.federation.test_resolve_all_to = Some(ip);
        }
        for (key, slot) in [
            (
                "PALISADE_RATE_LIMIT_AUTHENTICATED",
                &mut self.limits.rate_limit_authenticated,
            ),
            (
                "PALISADE_RATE_LIMIT_ANONYMOUS",
                &mut self.limits.rate_limit_anonymous,
            ),
        ] {
            if let Some(v) = var(key) {
                *slot = v
                    .parse()
                    .map_err(|_| format!("{key}: expected a number, got {v:?}"))?;
            }
        }
        Ok(())
    }

    /// `PALISADE_MEDIA_*`, `PALISADE_S3_*`, `PALISADE_FFMPEG`/`FFPROBE`.
    fn apply_media_env(
        &mut self,
        var: &dyn Fn(&str) -> Option<String>,
        flag: &dyn Fn(&str) -> bool,
    ) -> Result<(), String> {
        let m = &mut self.media;
        if let Some(v) = var("PALISADE_MEDIA_STORAGE") {
            m.storage = match v.as_str() {
                "local" => StorageKind::Local,
                "s3" => StorageKind::S3,
                other => {
                    return Err(format!(
                        "PALISADE_MEDIA_STORAGE: expected local or s3, got {other:?}"
                    ));
                }
            };
        }
        if let Some(v) = var("PALISADE_MEDIA_PATH") {
            m.local_path = PathBuf::from(v);
        }
        if let Some(v) = var("PALISADE_MEDIA_PUBLIC_BASE_URL") {
            m.public_base_url = Some(v);
        }
        if let Some(v) = var("PALISADE_MEDIA_EXPOSE_REMOTE_URL") {
            m.expose_remote_url = flag(&v);
        }
        if let Some(v) = var("PALISADE_FFMPEG") {
            m.ffmpeg = PathBuf::from(v);
        }
        if let Some(v) = var("PALISADE_FFPROBE") {
            m.ffprobe = PathBuf::from(v);
        }
        for (key, slot) in [
            ("PALISADE_S3_BUCKET", &mut m.s3.bucket),
            ("PALISADE_S3_ENDPOINT", &mut m.s3.endpoint),
            ("PALISADE_S3_REGION", &mut m.s3.region),
            ("PALISADE_S3_ACCESS_KEY_ID", &mut m.s3.access_key_id),
            ("PALISADE_S3_SECRET_ACCESS_KEY", &mut m.s3.secret_access_key),
        ] {
            if let Some(v) = var(key) {
                *slot = v;
            }
        }
        if let Some(v) = var("PALISADE_S3_PATH_STYLE") {
            m.s3.path_style = flag(&v);
        }
        if let Some(v) = var("PALISADE_S3_ALLOW_HTTP") {
            m.s3.allow_http = flag(&v);
        }
        for (key, slot) in [
            ("PALISADE_MEDIA_CACHE_RETENTION_DAYS", &mut m.cache_retention_days),
            (
                "PALISADE_VERIFY_LINKS_EVERY_HOURS",
                &mut m.verify_links_every_hours,
            ),
        ] {
            if let Some(v) = var(key) {
                *slot = v
                    .parse()
                    .map_err(|_| format!("{key}: expected a number, got {v:?}"))?;
            }
        }
        Ok(())
    }

    fn apply(&mut self, flags: Overrides) {
        if let Some(v) = flags.listen {
            self.listen = v;
        }
        if let Some(v) = flags.database_url {
            self.database_url = v;
        }
        if let Some(v) = flags.domain {
            self.domain = Some(v);
        }
        if let Some(v) = flags.public_url {
            self.public_url = Some(v);
        }
    }

    pub fn public_url(&self) -> String {
        match &self.public_url {
            Some(u) => u.trim_end_matches('/').to_owned(),
            None => format!("http://{}", self.listen.replace("127.0.0.1", "localhost")),
        }
    }

    pub fn domain(&self) -> String {
        match &self.domain {
            Some(d) => d.to_lowercase(),
            None => self
                .public_url()
                .split_once("://")
                .map(|(_, rest)| rest.split('/').next().unwrap_or(rest).to_lowercase())
                .unwrap_or_default(),
        }
    }

    fn validate(&self) -> Result<(), String> {
        let url = self.public_url();
        let host = url
            .split_once("://")
            .map(|(_, r)| r.split(['/', ':']).next().unwrap_or(""));
        match url.split_once("://").map(|(s, _)| s) {
            Some("https") => {}
            Some("http") => {
                let local = matches!(host, Some("localhost" | "127.0.0.1" | "[::1]"));
                if !local && !self.allow_insecure_http {
                    return Err(format!(
                        "public_url {url} uses plain http on a non-local host; use https, or set allow_insecure_http = true for a test network"
                    ));
                }
            }
            _ => {
                return Err(format!(
                    "public_url must start with https:// or http://, got {url:?}"
                ));
            }
        }
        if self.domain().is_empty() {
            return Err("domain is empty".into());
        }
        if let Some(m) = &self.metrics_listen {
            if m.parse::<std::net::SocketAddr>().is_err() {
                return Err(format!("metrics_listen must be an address and port, got {m:?}"));
            }
            if *m == self.listen {
                return Err("metrics_listen must differ from listen: metrics are not public".into());
            }
        }
        if self.media.storage == StorageKind::S3 && self.media.s3.bucket.is_empty() {
            return Err("media.storage = \"s3\" needs media.s3.bucket".into());
        }
        if let Some(base) = &self.media.public_base_url
            && !(base.starts_with("https://") || base.starts_with("http://"))
        {
            return Err(format!(
                "media.public_base_url must be an http(s) URL, got {base:?}"
            ));
        }
        if self.limits.max_status_chars == 0 {
            return Err("limits.max_status_chars must be at least 1".into());
        }
        Ok(())
    }

    pub fn settings(&self) -> Settings {
        Settings {
            domain: self.domain(),
            public_url: self.public_url(),
            registrations: self.registrations,
            limits: self.limits.clone(),
            instance: self.instance.clone(),
            moderation: self.moderation.clone(),
            media: self.media.clone(),
        }
    }

    /// The federation settings, with the extra root certificates read in.
    pub fn federation(&self) -> Result<palisade_federation::FederationConfig, String> {
        let mut fed = palisade_federation::FederationConfig::new(format!(
            "Palisade/{} (+{})",
            env!("CARGO_PKG_VERSION"),
            self.public_url()
        ));
        fed.authorized_fetch = self.federation.authorized_fetch;
        fed.fetch.allow_private_addresses = self.federation.allow_private_addresses;
        fed.plain_http_peers = self.federation.plain_http_peers;
        fed.fetch.resolve_all_to = self.federation.test_resolve_all_to;
        if let Some(ip) = fed.fetch.resolve_all_to {
            tracing::warn!(%ip, "test_resolve_all_to: every peer name resolves to one address (TEST ONLY)");
        }
        if let Some(path) = &self.federation.extra_root_certificates {
            let pem =
                std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            fed.fetch.extra_root_certificates = Some(pem);
        }
        Ok(fed)
    }

    /// Creates the directory of a SQLite database file.
    pub fn prepare_storage(&self) -> Result<(), String> {
        if let Some(path) = self.database_url.strip_prefix("sqlite:") {
            let path = path.trim_start_matches("//");
            let path = path.split('?').next().unwrap_or(path);
            if let Some(dir) = Path::new(path).parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
            }
        }
        Ok(())
    }
}
