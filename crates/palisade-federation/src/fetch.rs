//! The one HTTP client for talking to other servers, with the guards every outbound request
//! needs: no private, loopback or link-local addresses (checked on every DNS answer and every
//! redirect) unless a test configuration allows them, a body size limit, time limits, a
//! redirect limit, a content-type check. Failures are classified so that an admin sees *why*
//! a peer does not receive (DNS, connect, timeout, TLS certificate, HTTP status…).

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use reqwest::{Method, StatusCode, Url, header};

pub use crate::addresses::is_public_address;

/// Why a request failed, as shown to admins per peer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FailureClass {
    Dns,
    Connect,
    Timeout,
    /// The peer's TLS certificate was refused; the message says why.
    Tls,
    /// The peer answered with an error status.
    Http(u16),
    /// The peer answered 401: it did not accept our signature.
    SignatureRejected,
    /// The peer answered 403: it refuses us (it may block this instance).
    Forbidden,
    /// Refused by our own guards (private address, size, redirects, content type).
    Refused,
    Other,
}

impl FailureClass {
    pub fn name(&self) -> String {
        match self {
            FailureClass::Dns => "dns".into(),
            FailureClass::Connect => "connect".into(),
            FailureClass::Timeout => "timeout".into(),
            FailureClass::Tls => "tls".into(),
            FailureClass::Http(code) => format!("http_{code}"),
            FailureClass::SignatureRejected => "signature_rejected".into(),
            FailureClass::Forbidden => "forbidden".into(),
            FailureClass::Refused => "refused".into(),
            FailureClass::Other => "other".into(),
        }
    }

    /// Whether trying again later can help.
    pub fn is_temporary(&self) -> bool {
        match self {
            FailureClass::Http(code) => *code == 408 || *code == 429 || *code >= 500,
            FailureClass::Refused | FailureClass::Forbidden => false,
            _ => true,
        }
    }
}

#[derive(Clone, Debug, thiserror::Error)]
#[error("{message}")]
pub struct FetchError {
    pub class: FailureClass,
    pub message: String,
}

impl FetchError {
    pub(crate) fn new(class: FailureClass, message: impl Into<String>) -> FetchError {
        FetchError {
            class,
            message: message.into(),
        }
    }
}

#[derive(Clone, Debug)]
pub struct FetchConfig {
    /// Allow private and loopback addresses (test networks only).
    pub allow_private_addresses: bool,
    /// PEM certificates trusted in addition to the system roots (test CAs).
    pub extra_root_certificates: Option<String>,
    pub user_agent: String,
    pub max_body_bytes: usize,
    pub timeout: Duration,
    /// TEST ONLY: every host name resolves to this address (benchmarks answer thousands of
    /// peer names with one local server). The address guard above still applies to it.
    pub resolve_all_to: Option<IpAddr>,
    /// TEST ONLY, set in code and never from configuration: answers DNS and says which
    /// extra addresses count as public, so that tests can play a hostile network.
    pub test_network: Option<Arc<dyn TestNetwork>>,
}

/// A network played by a test: its DNS answers (asked once per connection, like the
/// system resolver) and the loopback addresses it presents as public servers.
pub trait TestNetwork: Send + Sync + std::fmt::Debug {
    /// The addresses `host` resolves to, or `None` to ask the system resolver.
    fn resolve(&self, host: &str) -> Option<Vec<IpAddr>>;
    /// Whether `ip` is to be treated as a public address.
    fn is_public(&self, ip: IpAddr) -> bool;
}

/// The address guard: may this address be contacted under `config`?
fn may_contact(config: &FetchConfig, ip: IpAddr) -> bool {
    config.allow_private_addresses
        || is_public_address(ip)
        || config.test_network.as_ref().is_some_and(|n| n.is_public(ip))
}

/// DNS through the system resolver, dropping answers we must not contact.
struct GuardedResolver {
    config: Arc<FetchConfig>,
}

#[derive(Debug, thiserror::Error)]
#[error("{0}")]
struct DnsError(String);

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let config = self.config.clone();
        Box::pin(async move {
            let host = name.as_str().to_owned();
            let played = config.test_network.as_ref().and_then(|n| n.resolve(&host));
            let addrs: Vec<SocketAddr> = match (config.resolve_all_to, played) {
                (_, Some(ips)) => ips.into_iter().map(|ip| SocketAddr::new(ip, 0)).collect(),
                (Some(ip), None) => vec![SocketAddr::new(ip, 0)],
                (None, None) => tokio::net::lookup_host((host.as_str(), 0))
                    .await
                    .map_err(|e| -> Box<dyn std::error::Error + Send + Sync> {
                        Box::new(DnsError(format!("could not resolve {host}: {e}")))
                    })?
                    .collect(),
            };
            let allowed: Vec<SocketAddr> = addrs
                .iter()
                .copied()
                .filter(|a| may_contact(&config, a.ip()))
                .collect();
            if allowed.is_empty() {
                let reason = if addrs.is_empty() {
                    format!("{host} has no address")
                } else {
                    format!("{host} resolves only to private addresses; refused")
                };
                return Err(Box::new(DnsError(reason)) as _);
            }
            Ok(Box::new(allowed.into_iter()) as Addrs)
        })
    }
}

#[derive(Clone)]
pub struct Fetcher {
    client: reqwest::Client,
    /// The same, following no redirect: `download` follows them itself, asking its caller
    /// about each hop before it is contacted.
    direct: reqwest::Client,
    config: Arc<FetchConfig>,
}

/// A caller's word on a URL before it is contacted (`download`'s first URL and each hop).
pub type HopCheck<'a> = &'a (dyn Fn(&Url) -> Result<(), FetchError> + Send + Sync);

/// A response read within the limits.
pub struct Fetched {
    pub status: StatusCode,
    pub url: Url,
    pub content_type: String,
    pub body: Vec<u8>,
}

/// A file fetched to disk within the limits.
pub struct Downloaded {
    pub status: StatusCode,
    pub url: Url,
    pub content_type: String,
    pub size: u64,
}

const MAX_REDIRECTS: usize = 5;

/// An HTTP client behind the guarded resolver, with the configured limits.
fn build_client(
    config: &Arc<FetchConfig>,
    redirect: reqwest::redirect::Policy,
) -> Result<reqwest::Client, FetchError> {
    let mut builder = reqwest::Client::builder()
        .dns_resolver(Arc::new(GuardedResolver {
            config: config.clone(),
        }))
        .redirect(redirect)
        .no_proxy()
        .timeout(config.timeout)
        .connect_timeout(Duration::from_secs(10))
        .user_agent(config.user_agent.clone());
    if let Some(pem) = &config.extra_root_certificates {
        let certs = reqwest::Certificate::from_pem_bundle(pem.as_bytes())
            .map_err(|e| FetchError::new(FailureClass::Other, format!("extra root certificates: {e}")))?;
        builder = builder.tls_certs_merge(certs);
    }
    builder
        .build()
        .map_err(|e| FetchError::new(FailureClass::Other, format!("HTTP client: {e}")))
}

impl Fetcher {
    pub fn new(config: FetchConfig) -> Result<Fetcher, FetchError> {
        let config = Arc::new(config);
        let guard = config.clone();
        let redirect = reqwest::redirect::Policy::custom(move |attempt| {
            if attempt.previous().len() >= MAX_REDIRECTS {
                return attempt.error("too many redirects");
            }
            let literal = attempt
                .url()
                .host_str()
                .and_then(|h| h.trim_matches(['[', ']']).parse::<IpAddr>().ok());
            if let Some(ip) = literal
                && !may_contact(&guard, ip)
            {
                return attempt.error("redirect to a private address refused");
            }
            attempt.follow()
        });
        let client = build_client(&config, redirect)?;
        let direct = build_client(&config, reqwest::redirect::Policy::none())?;
        Ok(Fetcher {
            client,
            direct,
            config,
        })
    }

    /// Refuses URLs we must not contact before any connection is made.
    pub fn check_url(&self, url: &Url) -> Result<(), FetchError> {
        if !matches!(url.scheme(), "https" | "http") {
            return Err(FetchError::new(
                FailureClass::Refused,
                format!("unsupported scheme in {url}"),
            ));
        }
        let host = url
            .host_str()
            .ok_or_else(|| FetchError::new(FailureClass::Refused, "URL without host"))?;
        if let Ok(ip) = host.trim_matches(['[', ']']).parse::<IpAddr>()
            && !may_contact(&self.config, ip)
        {
            return Err(FetchError::new(
                FailureClass::Refused,
                format!("{host} is a private address; refused"),
            ));
        }
        if !self.config.allow_private_addresses && (host == "localhost" || host.ends_with(".localhost")) {
            return Err(FetchError::new(
                FailureClass::Refused,
                format!("{host} is local; refused"),
            ));
        }
        Ok(())
    }

    /// GETs a file into `dest` (at most `max_bytes`), with only the headers given here: no
    /// cookie, no address or header of whoever caused the fetch is ever forwarded. Redirects
    /// are followed here, each hop checked by our guards and by `hop` before it is contacted
    /// (a policy refusing a host that a redirect names is asked before, not after).
    pub async fn download(
        &self,
        url: &Url,
        accept: &str,
        max_bytes: u64,
        dest: &std::path::Path,
        hop: HopCheck<'_>,
    ) -> Result<Downloaded, FetchError> {
        use tokio::io::AsyncWriteExt;
        let mut headers = header::HeaderMap::new();
        if let Ok(v) = header::HeaderValue::from_str(accept) {
            headers.insert(header::ACCEPT, v);
        }
        let mut url = url.clone();
        let mut hops = 0;
        // One time limit for the whole download, redirects and body included.
        let deadline = std::time::Instant::now() + self.config.timeout;
        let mut response = loop {
            self.check_url(&url)?;
            hop(&url)?;
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            if left.is_zero() {
                return Err(FetchError::new(
                    FailureClass::Timeout,
                    format!("{url}: out of time"),
                ));
            }
            let response = self
                .direct
                .get(url.clone())
                .headers(headers.clone())
                .timeout(left)
                .send()
                .await
                .map_err(classify)?;
            let next = response
                .status()
                .is_redirection()
                .then(|| response.headers().get(header::LOCATION))
                .flatten()
                .and_then(|l| l.to_str().ok())
                .and_then(|l| url.join(l).ok());
            match next {
                Some(_) if hops == MAX_REDIRECTS => {
                    return Err(FetchError::new(
                        FailureClass::Refused,
                        format!("{url}: too many redirects"),
                    ));
                }
                Some(to) => {
                    hops += 1;
                    url = to;
                }
                None => break response,
            }
        };
        let status = response.status();
        let final_url = response.url().clone();
        let content_type = response
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned();
        if !status.is_success() {
            return Ok(Downloaded {
                status,
                url: final_url,
                content_type,
                size: 0,
            });
        }
        if let Some(len) = response.content_length()
            && len > max_bytes
        {
            return Err(FetchError::new(
                FailureClass::Refused,
                format!("the file of {len} bytes is over the limit of {max_bytes}"),
            ));
        }
        let io = |e: std::io::Error| FetchError::new(FailureClass::Other, format!("writing the file: {e}"));
        let mut file = tokio::fs::File::create(dest).await.map_err(io)?;
        let mut size = 0u64;
        while let Some(chunk) = response.chunk().await.map_err(classify)? {
            size += chunk.len() as u64;
            if size > max_bytes {
                return Err(FetchError::new(
                    FailureClass::Refused,
                    format!("the file is over the limit of {max_bytes} bytes"),
                ));
            }
            file.write_all(&chunk).await.map_err(io)?;
        }
        file.flush().await.map_err(io)?;
        Ok(Downloaded {
            status,
            url: final_url,
            content_type,
            size,
        })
    }

    /// Sends a request with the given headers and reads the answer within the size limit.
    pub async fn send(
        &self,
        method: Method,
        url: &Url,
        headers: header::HeaderMap,
        body: Option<Vec<u8>>,
    ) -> Result<Fetched, FetchError> {
        self.check_url(url)?;
        let mut request = self.client.request(method, url.clone()).headers(headers);
        if let Some(b) = body {
            request = request.body(b);
        }
        let mut response = request.send().await.map_err(classify)?;
        let status = response.status();
        let final_url = response.url().clone();
        let content_type = response
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned();
        if let Some(len) = response.content_length()
            && len as usize > self.config.max_body_bytes
        {
            return Err(FetchError::new(
                FailureClass::Refused,
                format!("response of {len} bytes is over the limit"),
            ));
        }
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(classify)? {
            if body.len() + chunk.len() > self.config.max_body_bytes {
                return Err(FetchError::new(
                    FailureClass::Refused,
                    "response is over the size limit",
                ));
            }
            body.extend_from_slice(&chunk);
        }
        Ok(Fetched {
            status,
            url: final_url,
            content_type,
            body,
        })
    }
}

/// Turns a client error into a class and a message an admin can act on.
pub fn classify(e: reqwest::Error) -> FetchError {
    let chain = error_chain(&e);
    if e.is_timeout() {
        return FetchError::new(FailureClass::Timeout, format!("timed out: {chain}"));
    }
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(&e);
    while let Some(err) = source {
        if let Some(tls) = err.downcast_ref::<rustls::Error>() {
            return FetchError::new(FailureClass::Tls, format!("TLS: {tls}"));
        }
        if err.downcast_ref::<DnsError>().is_some() {
            let class = if err.to_string().contains("refused") {
                FailureClass::Refused
            } else {
                FailureClass::Dns
            };
            return FetchError::new(class, err.to_string());
        }
        if let Some(io) = err.downcast_ref::<std::io::Error>()
            && let Some(inner) = io.get_ref()
            && let Some(tls) = inner.downcast_ref::<rustls::Error>()
        {
            return FetchError::new(FailureClass::Tls, format!("TLS: {tls}"));
        }
        source = err.source();
    }
    if chain.contains("certificate") || chain.contains("InvalidCertificate") {
        return FetchError::new(FailureClass::Tls, format!("TLS: {chain}"));
    }
    if e.is_connect() {
        return FetchError::new(FailureClass::Connect, format!("could not connect: {chain}"));
    }
    if e.is_redirect() {
        return FetchError::new(FailureClass::Refused, chain);
    }
    FetchError::new(FailureClass::Other, chain)
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut parts = vec![e.to_string()];
    let mut source = e.source();
    while let Some(s) = source {
        let text = s.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        source = s.source();
    }
    parts.join(": ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn guards_refuse_before_connecting() {
        let f = Fetcher::new(FetchConfig {
            allow_private_addresses: false,
            extra_root_certificates: None,
            user_agent: "test".into(),
            max_body_bytes: 1 << 20,
            timeout: Duration::from_secs(5),
            resolve_all_to: None,
            test_network: None,
        })
        .unwrap();
        for url in [
            "http://127.0.0.1/x",
            "http://[::1]/x",
            "https://localhost/x",
            "http://169.254.169.254/latest",
            "ftp://example.com/",
        ] {
            let err = f
                .send(Method::GET, &Url::parse(url).unwrap(), Default::default(), None)
                .await
                .err()
                .unwrap();
            assert_eq!(err.class, FailureClass::Refused, "{url}: {err}");
        }
    }

    fn config(allow_private: bool, resolve_all_to: Option<IpAddr>) -> FetchConfig {
        FetchConfig {
            allow_private_addresses: allow_private,
            extra_root_certificates: None,
            user_agent: "test".into(),
            max_body_bytes: 1 << 20,
            timeout: Duration::from_secs(5),
            resolve_all_to,
            test_network: None,
        }
    }

    /// The test-only resolver sends every name to one address; the address guard still
    /// decides whether that address may be contacted.
    #[tokio::test]
    async fn resolve_all_to_sends_every_name_to_one_address_behind_the_guard() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let app = axum::Router::new().route(
            "/x",
            axum::routing::get(|headers: axum::http::HeaderMap| async move {
                headers["host"].to_str().unwrap().to_owned()
            }),
        );
        tokio::spawn(async move { axum::serve(listener, app).await });
        let loopback = Some(IpAddr::from([127, 0, 0, 1]));
        let url = Url::parse(&format!("http://peer-17.example:{port}/x")).unwrap();

        let open = Fetcher::new(config(true, loopback)).unwrap();
        let got = open
            .send(Method::GET, &url, Default::default(), None)
            .await
            .unwrap();
        assert_eq!(got.status, StatusCode::OK);
        assert_eq!(got.body, format!("peer-17.example:{port}").into_bytes());

        let guarded = Fetcher::new(config(false, loopback)).unwrap();
        let err = guarded
            .send(Method::GET, &url, Default::default(), None)
            .await
            .err()
            .unwrap();
        assert_eq!(err.class, FailureClass::Refused, "{err}");
    }
}
