//! A peer's software and version, from its NodeInfo (`/.well-known/nodeinfo`, then the 2.x
//! document it links to), shown to admins per peer. Each peer is asked about once a day.

use palisade_core::policy::Boundary;
use reqwest::{Method, StatusCode, Url, header};
use serde_json::Value;

use crate::context::{FedError, FedResult, Federation};

/// How long a peer's answer (or silence) stands before it is asked again.
const RECHECK_MS: i64 = 86_400_000;

/// Software names and versions are shown to admins: short, printable.
fn clean(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_control())
        .take(64)
        .collect::<String>()
        .trim()
        .to_owned()
}

/// The NodeInfo 2.x document a discovery document points to, newest schema first.
pub fn schema_link(discovery: &Value) -> Option<String> {
    let links = discovery.get("links")?.as_array()?;
    ["2.2", "2.1", "2.0"].iter().find_map(|v| {
        links.iter().find_map(|l| {
            let rel = l.get("rel")?.as_str()?;
            let href = l.get("href")?.as_str()?;
            rel.ends_with(&format!("/ns/schema/{v}")).then(|| href.to_owned())
        })
    })
}

/// `(name, version)` from a NodeInfo document.
pub fn software_of(doc: &Value) -> Option<(String, String)> {
    let software = doc.get("software")?;
    let name = clean(software.get("name")?.as_str()?).to_lowercase();
    let version = clean(software.get("version").and_then(Value::as_str).unwrap_or(""));
    (!name.is_empty()).then_some((name, version))
}

impl Federation {
    async fn get_json(&self, url: &Url) -> FedResult<Value> {
        let mut headers = header::HeaderMap::new();
        headers.insert(
            header::ACCEPT,
            header::HeaderValue::from_static("application/json"),
        );
        let fetched = self.fetcher.send(Method::GET, url, headers, None).await?;
        if fetched.status != StatusCode::OK {
            return Err(FedError::Invalid(format!("{url} answered {}", fetched.status)));
        }
        serde_json::from_slice(&fetched.body).map_err(|e| FedError::Invalid(format!("{url}: {e}")))
    }

    /// Asks `domain` what it runs. The document must be on the same host: a peer cannot
    /// send us to fetch from elsewhere.
    pub async fn peer_software(&self, domain: &str) -> FedResult<Option<(String, String)>> {
        if self.core.policies().await?.refused(Boundary::Fetch, Some(domain)) {
            return Err(FedError::Refused(format!(
                "fetching from {domain} is not allowed"
            )));
        }
        let scheme = if self.config.plain_http_peers {
            "http"
        } else {
            "https"
        };
        let discovery_url = Url::parse(&format!("{scheme}://{domain}/.well-known/nodeinfo"))
            .map_err(|e| FedError::Invalid(format!("{domain}: {e}")))?;
        let Some(href) = schema_link(&self.get_json(&discovery_url).await?) else {
            return Ok(None);
        };
        let url = Url::parse(&href).map_err(|e| FedError::Invalid(format!("{href}: {e}")))?;
        if url.host_str() != discovery_url.host_str() || url.port() != discovery_url.port() {
            return Err(FedError::Invalid(format!(
                "{domain} points its NodeInfo elsewhere ({href})"
            )));
        }
        Ok(software_of(&self.get_json(&url).await?))
    }

    /// Asks the peers that are due (never asked, or over a day ago), at most `max` of them;
    /// returns how many answered. A peer that does not answer is asked again the next day.
    pub async fn refresh_peer_software(&self, max: i64) -> FedResult<usize> {
        let mut answered = 0;
        for domain in self.core.peers_due_for_software(RECHECK_MS, max).await? {
            let found = match self.peer_software(&domain).await {
                Ok(found) => found,
                Err(e) => {
                    tracing::debug!(%domain, error = %e, "no NodeInfo");
                    None
                }
            };
            answered += usize::from(found.is_some());
            let software = found.as_ref().map(|(n, v)| (n.as_str(), v.as_str()));
            self.core.record_peer_software(&domain, software).await?;
        }
        Ok(answered)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::{schema_link, software_of};

    #[test]
    fn the_newest_schema_is_followed_and_hostile_names_are_tamed() {
        let discovery = json!({"links": [
            {"rel": "http://nodeinfo.diaspora.software/ns/schema/2.0", "href": "https://x.test/nodeinfo/2.0"},
            {"rel": "http://nodeinfo.diaspora.software/ns/schema/2.1", "href": "https://x.test/nodeinfo/2.1"},
        ]});
        assert_eq!(
            schema_link(&discovery).as_deref(),
            Some("https://x.test/nodeinfo/2.1")
        );
        assert_eq!(schema_link(&json!({"links": "nope"})), None);
        let doc = json!({"software": {"name": "Mastodon\u{7}", "version": "4.5.0\n<b>"}});
        assert_eq!(software_of(&doc), Some(("mastodon".into(), "4.5.0<b>".into())));
        let long = "v".repeat(500);
        let doc = json!({"software": {"name": "gotosocial", "version": long}});
        assert_eq!(software_of(&doc).map(|(_, v)| v.len()), Some(64));
        assert_eq!(software_of(&json!({"software": {"name": " "}})), None);
    }
}
