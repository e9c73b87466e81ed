//! The client's address: the connection's peer, or, when the peer is a proxy we trust (on
//! loopback or a private network, as Rails and Mastodon trust by default), the nearest
//! address in `X-Forwarded-For` that is not such a proxy. Absent for in-process tests.
//! Rate limits and sign-in throttling count by it, so behind nginx on the same machine each
//! client is still counted on its own.

use std::convert::Infallible;
use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{Extensions, HeaderMap};

pub struct ClientIp(pub Option<IpAddr>);

impl<S: Send + Sync> FromRequestParts<S> for ClientIp {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(ClientIp(client_ip(&parts.extensions, &parts.headers)))
    }
}

/// See the module documentation.
pub fn client_ip(extensions: &Extensions, headers: &HeaderMap) -> Option<IpAddr> {
    let peer = extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip())?;
    if !trusted_proxy(peer) {
        return Some(peer);
    }
    let forwarded: Vec<IpAddr> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|a| a.trim().parse().ok())
        .collect();
    // The right-most address a trusted proxy did not add itself.
    Some(
        forwarded
            .iter()
            .rev()
            .copied()
            .find(|a| !trusted_proxy(*a))
            .or_else(|| forwarded.first().copied())
            .unwrap_or(peer),
    )
}

fn trusted_proxy(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => v4.is_loopback() || v4.is_private(),
        IpAddr::V6(v6) => {
            v6.is_loopback()
                || (v6.segments()[0] & 0xfe00) == 0xfc00
                || v6
                    .to_ipv4_mapped()
                    .is_some_and(|v4| v4.is_loopback() || v4.is_private())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip_of(peer: &str, xff: Option<&str>) -> Option<IpAddr> {
        let mut ext = Extensions::new();
        ext.insert(ConnectInfo(SocketAddr::new(peer.parse().unwrap(), 1234)));
        let mut headers = HeaderMap::new();
        if let Some(x) = xff {
            headers.insert("x-forwarded-for", x.parse().unwrap());
        }
        client_ip(&ext, &headers)
    }

    #[test]
    fn forwarded_only_through_trusted_proxies() {
        let client = Some("203.0.113.9".parse().unwrap());
        // Directly connected: the header is the client's to make up, so it is ignored.
        assert_eq!(ip_of("203.0.113.9", Some("127.0.0.1")), client);
        // Through nginx on loopback (which appends the address it saw).
        assert_eq!(ip_of("127.0.0.1", Some("203.0.113.9")), client);
        // A client forging an entry ahead of the real one does not escape counting.
        assert_eq!(ip_of("127.0.0.1", Some("1.2.3.4, 203.0.113.9")), client);
        // Through two proxies of ours.
        assert_eq!(ip_of("10.0.0.2", Some("203.0.113.9, 10.0.0.1")), client);
        // Local with no header: local.
        assert_eq!(ip_of("127.0.0.1", None), Some("127.0.0.1".parse().unwrap()));
    }
}
