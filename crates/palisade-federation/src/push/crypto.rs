//! Web Push message encryption and VAPID, in-house on aws-lc-rs: RFC 8291 (`aes128gcm`,
//! RFC 8188 content coding) for subscriptions made with `standard`, the older
//! `aesgcm` draft (draft-ietf-webpush-encryption-04) that Mastodon 4.3 and its apps use
//! otherwise, and RFC 8292 VAPID (an ES256 JWT).

use aws_lc_rs::aead::{AES_128_GCM, Aad, LessSafeKey, Nonce, UnboundKey};
use aws_lc_rs::agreement::{self, ECDH_P256, PrivateKey, UnparsedPublicKey};
use aws_lc_rs::encoding::AsBigEndian;
use aws_lc_rs::hkdf::{HKDF_SHA256, KeyType, Salt};
use aws_lc_rs::rand::{SecureRandom, SystemRandom};
use aws_lc_rs::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, KeyPair};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;

/// A message ready to POST: its body and the headers that describe its encryption.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Encrypted {
    pub body: Vec<u8>,
    /// `aes128gcm` or `aesgcm`.
    pub content_encoding: &'static str,
    /// `aesgcm` only: the `Encryption` (salt) and `Crypto-Key` (dh) header values.
    pub encryption: Option<String>,
    pub crypto_key_dh: Option<String>,
}

#[derive(Debug, thiserror::Error)]
#[error("web push crypto: {0}")]
pub struct CryptoError(pub String);

fn err(what: &str) -> CryptoError {
    CryptoError(what.to_owned())
}

struct Len(usize);

impl KeyType for Len {
    fn len(&self) -> usize {
        self.0
    }
}

fn hkdf(salt: &[u8], ikm: &[u8], info: &[&[u8]], len: usize) -> Result<Vec<u8>, CryptoError> {
    let prk = Salt::new(HKDF_SHA256, salt).extract(ikm);
    let okm = prk.expand(info, Len(len)).map_err(|_| err("hkdf expand"))?;
    let mut out = vec![0u8; len];
    okm.fill(&mut out).map_err(|_| err("hkdf fill"))?;
    Ok(out)
}

fn seal(key: &[u8], nonce: &[u8], mut data: Vec<u8>) -> Result<Vec<u8>, CryptoError> {
    let key = LessSafeKey::new(UnboundKey::new(&AES_128_GCM, key).map_err(|_| err("aes key"))?);
    let nonce = Nonce::try_assume_unique_for_key(nonce).map_err(|_| err("nonce"))?;
    key.seal_in_place_append_tag(nonce, Aad::empty(), &mut data)
        .map_err(|_| err("seal"))?;
    Ok(data)
}

/// The shared secret with the subscriber, and our ephemeral public key.
fn agree(ua_public: &[u8], ours: &PrivateKey) -> Result<(Vec<u8>, Vec<u8>), CryptoError> {
    let as_public = ours
        .compute_public_key()
        .map_err(|_| err("public key"))?
        .as_ref()
        .to_vec();
    let secret = agreement::agree(
        ours,
        UnparsedPublicKey::new(&ECDH_P256, ua_public),
        err("the subscription's p256dh key is not a P-256 point"),
        |s| Ok(s.to_vec()),
    )?;
    Ok((secret, as_public))
}

fn random<const N: usize>() -> Result<[u8; N], CryptoError> {
    let mut b = [0u8; N];
    SystemRandom::new().fill(&mut b).map_err(|_| err("random"))?;
    Ok(b)
}

/// Encrypts `plaintext` for a subscription's keys (`p256dh`, `auth`: raw bytes) as RFC 8291
/// `aes128gcm`.
pub fn encrypt_aes128gcm(plaintext: &[u8], ua_public: &[u8], auth: &[u8]) -> Result<Encrypted, CryptoError> {
    let ours = PrivateKey::generate(&ECDH_P256).map_err(|_| err("key generation"))?;
    encrypt_aes128gcm_with(plaintext, ua_public, auth, &ours, &random::<16>()?)
}

fn encrypt_aes128gcm_with(
    plaintext: &[u8],
    ua_public: &[u8],
    auth: &[u8],
    ours: &PrivateKey,
    salt: &[u8],
) -> Result<Encrypted, CryptoError> {
    let (secret, as_public) = agree(ua_public, ours)?;
    // RFC 8291 §3.4: IKM from the ECDH secret, keyed by the auth secret and both keys.
    let ikm = hkdf(auth, &secret, &[b"WebPush: info\0", ua_public, &as_public], 32)?;
    let cek = hkdf(salt, &ikm, &[b"Content-Encoding: aes128gcm\0"], 16)?;
    let nonce = hkdf(salt, &ikm, &[b"Content-Encoding: nonce\0"], 12)?;
    // One record: the plaintext, then the last-record delimiter 0x02.
    let mut record = plaintext.to_vec();
    record.push(2);
    let sealed = seal(&cek, &nonce, record)?;
    // RFC 8188 header: salt, record size, key id (our public key).
    let mut body = Vec::with_capacity(16 + 4 + 1 + as_public.len() + sealed.len());
    body.extend_from_slice(salt);
    body.extend_from_slice(&4096u32.to_be_bytes());
    body.push(as_public.len() as u8);
    body.extend_from_slice(&as_public);
    body.extend_from_slice(&sealed);
    Ok(Encrypted {
        body,
        content_encoding: "aes128gcm",
        encryption: None,
        crypto_key_dh: None,
    })
}

/// Encrypts `plaintext` with the older `aesgcm` coding (draft-04), as Mastodon 4.3 sends
/// to subscriptions without `standard`.
pub fn encrypt_aesgcm(plaintext: &[u8], ua_public: &[u8], auth: &[u8]) -> Result<Encrypted, CryptoError> {
    let ours = PrivateKey::generate(&ECDH_P256).map_err(|_| err("key generation"))?;
    let salt = random::<16>()?;
    let (secret, as_public) = agree(ua_public, &ours)?;
    let prk = hkdf(auth, &secret, &[b"Content-Encoding: auth\0"], 32)?;
    let mut context = b"P-256\0".to_vec();
    for key in [ua_public, as_public.as_slice()] {
        context.extend_from_slice(&(key.len() as u16).to_be_bytes());
        context.extend_from_slice(key);
    }
    let cek = hkdf(&salt, &prk, &[b"Content-Encoding: aesgcm\0", &context], 16)?;
    let nonce = hkdf(&salt, &prk, &[b"Content-Encoding: nonce\0", &context], 12)?;
    // Two bytes of padding length (none), then the message.
    let mut record = vec![0u8, 0u8];
    record.extend_from_slice(plaintext);
    let body = seal(&cek, &nonce, record)?;
    Ok(Encrypted {
        body,
        content_encoding: "aesgcm",
        encryption: Some(format!("salt={}", B64.encode(salt))),
        crypto_key_dh: Some(format!("dh={}", B64.encode(&as_public))),
    })
}

/// A new VAPID key pair: the private scalar and the public point, base64url.
pub fn generate_vapid() -> Result<(String, String), CryptoError> {
    let pair = EcdsaKeyPair::generate(&ECDSA_P256_SHA256_FIXED_SIGNING).map_err(|_| err("key generation"))?;
    let private = pair.private_key().as_be_bytes().map_err(|_| err("private key"))?;
    Ok((
        B64.encode(private.as_ref()),
        B64.encode(pair.public_key().as_ref()),
    ))
}

/// RFC 8292: `vapid t=JWT, k=KEY` for a push service (`audience`: its origin), valid 12 hours.
pub fn vapid_header(
    private: &str,
    public: &str,
    audience: &str,
    subject: &str,
    now_s: i64,
) -> Result<String, CryptoError> {
    let jwt = vapid_jwt(private, public, audience, subject, now_s)?;
    Ok(format!("vapid t={jwt}, k={public}"))
}

/// The signed JWT alone (the older `Authorization: WebPush JWT` form uses it).
pub fn vapid_jwt(
    private: &str,
    public: &str,
    audience: &str,
    subject: &str,
    now_s: i64,
) -> Result<String, CryptoError> {
    let decode = |s: &str| {
        B64.decode(s.trim_end_matches('='))
            .map_err(|_| err("VAPID key is not base64url"))
    };
    let pair = EcdsaKeyPair::from_private_key_and_public_key(
        &ECDSA_P256_SHA256_FIXED_SIGNING,
        &decode(private)?,
        &decode(public)?,
    )
    .map_err(|_| err("VAPID key pair"))?;
    let header = B64.encode(br#"{"typ":"JWT","alg":"ES256"}"#);
    let claims = serde_json::json!({"aud": audience, "exp": now_s + 12 * 3600, "sub": subject});
    let claims = B64.encode(claims.to_string());
    let signing_input = format!("{header}.{claims}");
    let sig = pair
        .sign(&SystemRandom::new(), signing_input.as_bytes())
        .map_err(|_| err("signing"))?;
    Ok(format!("{signing_input}.{}", B64.encode(sig.as_ref())))
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_lc_rs::signature::{ECDSA_P256_SHA256_FIXED, UnparsedPublicKey as SigKey};

    fn b(s: &str) -> Vec<u8> {
        B64.decode(s).unwrap()
    }

    /// RFC 8291 Appendix A: the worked example, byte for byte.
    #[test]
    fn rfc8291_appendix_a() {
        let ours =
            PrivateKey::from_private_key(&ECDH_P256, &b("yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw"))
                .unwrap();
        let got = encrypt_aes128gcm_with(
            b"When I grow up, I want to be a watermelon",
            &b("BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4"),
            &b("BTBZMqHH6r4Tts7J_aSIgg"),
            &ours,
            &b("DGv6ra1nlYgDCS1FRnbzlw"),
        )
        .unwrap();
        assert_eq!(
            B64.encode(got.body),
            "DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A_yl95bQpu6cVPTpK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_Qulcy4a-fN"
        );
    }

    #[test]
    fn vapid_jwts_verify_with_the_public_key() {
        let (private, public) = generate_vapid().unwrap();
        let jwt = vapid_jwt(
            &private,
            &public,
            "https://push.example",
            "mailto:admin@example.org",
            1_700_000_000,
        )
        .unwrap();
        let parts: Vec<&str> = jwt.split('.').collect();
        assert_eq!(parts.len(), 3);
        let claims: serde_json::Value = serde_json::from_slice(&b(parts[1])).unwrap();
        assert_eq!(claims["aud"], "https://push.example");
        assert_eq!(claims["exp"], 1_700_000_000 + 12 * 3600);
        SigKey::new(&ECDSA_P256_SHA256_FIXED, b(&public))
            .verify(format!("{}.{}", parts[0], parts[1]).as_bytes(), &b(parts[2]))
            .unwrap();
        assert!(
            vapid_header(&private, &public, "https://p", "s", 0)
                .unwrap()
                .ends_with(&format!("k={public}"))
        );
    }
}
