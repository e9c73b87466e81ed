//! Web Push deliveries: one job per message, encrypted for the subscription and signed
//! with the instance's VAPID key, sent through the guarded fetch client. A push service
//! that says the subscription is gone (404, 410) has it removed; one that is busy or down
//! (429, 5xx, no answer) gets the message again with backoff, five tries in all.

pub mod crypto;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use palisade_core::push::{PushJob, PushMessage, VapidKeys};
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use reqwest::{Method, Url};

use crate::context::{FedResult, Federation};
use crate::outbound::{Outcome, backoff_ms};

/// Tries per message before it is given up.
const MAX_TRIES: i64 = 5;
/// How long a push service keeps an undelivered message (Mastodon's 48 hours).
const TTL_SECONDS: &str = "172800";

impl Federation {
    /// Makes sure the instance has a VAPID key pair (generated on first start; whatever is
    /// stored wins when processes start together).
    pub async fn ensure_vapid_keys(&self) -> FedResult<VapidKeys> {
        if let Some(k) = self.core.vapid_keys().await? {
            return Ok(k);
        }
        let (private, public) =
            crypto::generate_vapid().map_err(|e| crate::FedError::Invalid(e.to_string()))?;
        Ok(self
            .core
            .install_vapid_keys(VapidKeys { private, public })
            .await?)
    }

    /// Sends one Web Push message; says what to do with its job.
    pub async fn deliver_push(&self, job: &PushJob, attempts: i64) -> Outcome {
        let message = match self.core.push_message(job).await {
            Ok(Some(m)) => m,
            Ok(None) => return Outcome::Delivered,
            Err(e) if e.is_temporary() => return retry(attempts, e.to_string()),
            Err(e) => return Outcome::GiveUp { error: e.to_string() },
        };
        let keys = match self.ensure_vapid_keys().await {
            Ok(k) => k,
            Err(e) => return retry(attempts, e.to_string()),
        };
        let (url, headers, body) = match self.prepare_push(&message, &keys) {
            Ok(p) => p,
            Err(error) => return Outcome::GiveUp { error },
        };
        match self.fetcher.send(Method::POST, &url, headers, Some(body)).await {
            Ok(r) if r.status.is_success() => Outcome::Delivered,
            Ok(r) if r.status.as_u16() == 404 || r.status.as_u16() == 410 => {
                if let Err(e) = self.core.drop_push_subscription(message.subscription_id).await {
                    return retry(attempts, e.to_string());
                }
                tracing::info!(endpoint = %message.endpoint, status = %r.status, "push subscription gone; removed");
                Outcome::Delivered
            }
            Ok(r) if r.status.as_u16() == 429 || r.status.is_server_error() => {
                retry(attempts, format!("push service answered {}", r.status))
            }
            Ok(r) => Outcome::GiveUp {
                error: format!("push service answered {}", r.status),
            },
            // The failure class leads the message, as in deliveries.
            Err(e) if e.class.is_temporary() => retry(attempts, format!("{}: {}", e.class.name(), e.message)),
            Err(e) => Outcome::GiveUp {
                error: format!("{}: {}", e.class.name(), e.message),
            },
        }
    }

    /// The request for a message: URL, headers (encryption, VAPID, TTL) and body.
    fn prepare_push(&self, m: &PushMessage, keys: &VapidKeys) -> Result<(Url, HeaderMap, Vec<u8>), String> {
        let url = Url::parse(&m.endpoint).map_err(|e| format!("bad endpoint {}: {e}", m.endpoint))?;
        let decode = |s: &str| {
            B64.decode(s.trim_end_matches('='))
                .map_err(|e| format!("bad subscription key: {e}"))
        };
        let (ua, auth) = (decode(&m.p256dh)?, decode(&m.auth)?);
        let sealed = if m.standard {
            crypto::encrypt_aes128gcm(m.payload.as_bytes(), &ua, &auth)
        } else {
            crypto::encrypt_aesgcm(m.payload.as_bytes(), &ua, &auth)
        }
        .map_err(|e| e.to_string())?;
        let audience = match url.port() {
            Some(p) => format!("{}://{}:{p}", url.scheme(), url.host_str().unwrap_or("")),
            None => format!("{}://{}", url.scheme(), url.host_str().unwrap_or("")),
        };
        let settings = &self.core.settings;
        let subject = if settings.instance.contact_email.is_empty() {
            settings.public_url.clone()
        } else {
            format!("mailto:{}", settings.instance.contact_email)
        };
        let now = palisade_core::model::now_ms() / 1000;
        let mut headers = HeaderMap::new();
        let mut put = |name: &'static str, value: String| {
            if let Ok(v) = HeaderValue::from_str(&value) {
                headers.insert(HeaderName::from_static(name), v);
            }
        };
        put("ttl", TTL_SECONDS.into());
        put("urgency", "normal".into());
        put("content-type", "application/octet-stream".into());
        put("content-encoding", sealed.content_encoding.into());
        if m.standard {
            let auth = crypto::vapid_header(&keys.private, &keys.public, &audience, &subject, now)
                .map_err(|e| e.to_string())?;
            put("authorization", auth);
        } else {
            let jwt = crypto::vapid_jwt(&keys.private, &keys.public, &audience, &subject, now)
                .map_err(|e| e.to_string())?;
            put("authorization", format!("WebPush {jwt}"));
            put(
                "crypto-key",
                format!(
                    "{};p256ecdsa={}",
                    sealed.crypto_key_dh.clone().unwrap_or_default(),
                    keys.public
                ),
            );
            put("encryption", sealed.encryption.clone().unwrap_or_default());
        }
        Ok((url, headers, sealed.body))
    }
}

fn retry(attempts: i64, error: String) -> Outcome {
    if attempts + 1 < MAX_TRIES {
        Outcome::Retry {
            after_ms: backoff_ms(attempts),
            error,
        }
    } else {
        Outcome::GiveUp { error }
    }
}
