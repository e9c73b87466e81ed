//! Mastodon's rate limits: a fixed five-minute window per token (authenticated) or per IP
//! (anonymous), with `X-RateLimit-*` headers on every API response and 429 past the limit.
//! Loopback clients are exempt, as in Mastodon; the headers are still sent.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime};

use axum::extract::{Request, State};
use axum::http::{HeaderValue, header::AUTHORIZATION};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use palisade_core::settings::Limits;

use crate::AppState;
use crate::entities::iso;
use crate::error::ApiError;

const WINDOW: Duration = Duration::from_secs(300);
/// Sign-ups are counted per IP over half an hour, as Mastodon throttles them.
const SIGNUP_WINDOW: Duration = Duration::from_secs(1800);

pub struct RateLimiter {
    authenticated: u32,
    anonymous: u32,
    signups: u32,
    buckets: Mutex<HashMap<String, (Instant, u32)>>,
}

impl RateLimiter {
    pub fn new(limits: &Limits) -> RateLimiter {
        RateLimiter {
            authenticated: limits.rate_limit_authenticated,
            anonymous: limits.rate_limit_anonymous,
            signups: limits.rate_limit_signups,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Counts a request; returns (limit, remaining, seconds until reset, allowed).
    fn hit(&self, key: String, limit: u32, exempt: bool) -> (u32, u32, u64, bool) {
        self.hit_in(key, limit, exempt, WINDOW)
    }

    fn hit_in(&self, key: String, limit: u32, exempt: bool, window: Duration) -> (u32, u32, u64, bool) {
        let now = Instant::now();
        let Ok(mut buckets) = self.buckets.lock() else {
            return (limit, limit, window.as_secs(), true);
        };
        if buckets.len() > 100_000 {
            buckets.retain(|_, (start, _)| now.duration_since(*start) < SIGNUP_WINDOW);
        }
        let entry = buckets.entry(key).or_insert((now, 0));
        if now.duration_since(entry.0) >= window {
            *entry = (now, 0);
        }
        let reset = window.saturating_sub(now.duration_since(entry.0)).as_secs();
        if exempt {
            return (limit, limit, reset, true);
        }
        entry.1 = entry.1.saturating_add(1);
        let allowed = entry.1 <= limit;
        (limit, limit.saturating_sub(entry.1), reset, allowed)
    }
}

impl RateLimiter {
    /// Counts a sign-up from `ip`; `false` once the IP has used its allowance.
    pub fn allow_signup(&self, ip: Option<IpAddr>) -> bool {
        let key = format!("signup:{}", ip.map(|i| i.to_string()).unwrap_or_default());
        self.hit_in(key, self.signups, is_loopback(ip), SIGNUP_WINDOW).3
    }
}

/// Sign-in attempts per IP per five minutes on the web page, as Mastodon throttles them.
/// Loopback is not exempt here: a password guesser on the same machine is still one.
pub const SIGN_IN_LIMIT: u32 = 25;

impl RateLimiter {
    /// Counts a sign-in attempt from `ip`; `false` once the IP has used its allowance.
    pub fn allow_sign_in(&self, ip: Option<IpAddr>) -> bool {
        let key = format!("signin:{}", ip.map(|i| i.to_string()).unwrap_or_default());
        self.hit_in(key, SIGN_IN_LIMIT, false, WINDOW).3
    }
}

fn is_loopback(ip: Option<IpAddr>) -> bool {
    // In-process tests have no peer address; treat them as local.
    ip.is_none_or(|ip| ip.is_loopback())
}

pub async fn middleware(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let path = req.uri().path();
    if !(path.starts_with("/api/") || path.starts_with("/oauth/")) {
        return next.run(req).await;
    }
    let ip = crate::extract::client_ip::client_ip(req.extensions(), req.headers());
    // OAuth endpoints (where passwords are tried) always count per IP: a made-up bearer
    // header must not buy a fresh allowance.
    let token = req
        .headers()
        .get(AUTHORIZATION)
        .filter(|_| path.starts_with("/api/"))
        .and_then(|v| v.to_str().ok())
        .map(palisade_core::secrets::hash_token);
    let limiter = &state.limiter;
    let (key, limit) = match token {
        Some(t) => (format!("t:{t}"), limiter.authenticated),
        None => (
            format!("ip:{}", ip.map(|i| i.to_string()).unwrap_or_default()),
            limiter.anonymous,
        ),
    };
    let (limit, remaining, reset_secs, allowed) = limiter.hit(key, limit, is_loopback(ip));
    let mut response = if allowed {
        next.run(req).await
    } else {
        ApiError(palisade_core::Error::RateLimited).into_response()
    };
    let reset = SystemTime::now() + Duration::from_secs(reset_secs);
    let reset_ms = reset
        .duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0);
    let headers = response.headers_mut();
    for (name, value) in [
        ("x-ratelimit-limit", limit.to_string()),
        ("x-ratelimit-remaining", remaining.to_string()),
        ("x-ratelimit-reset", iso(reset_ms)),
    ] {
        if let Ok(v) = HeaderValue::from_str(&value) {
            headers.insert(name, v);
        }
    }
    response
}
