//! RSA key pairs for actors (aws-lc-rs), as PEM: PKCS#8 for private keys, SubjectPublicKeyInfo
//! for public keys, the forms Mastodon publishes and expects.

use aws_lc_rs::encoding::{AsDer, Pkcs8V1Der};
use aws_lc_rs::rsa::{KeyPair, KeySize};
use aws_lc_rs::signature::{self, KeyPair as _, UnparsedPublicKey};
use base64::Engine as _;

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("key generation failed")]
    Generate,
    #[error("not a PEM block of type {0}")]
    NotPem(&'static str),
    #[error("key rejected: {0}")]
    Rejected(String),
    #[error("signing failed")]
    Sign,
}

/// A new RSA-2048 key pair: (private PKCS#8 PEM, public SPKI PEM).
pub fn generate_rsa() -> Result<(String, String), KeyError> {
    let pair = KeyPair::generate(KeySize::Rsa2048).map_err(|_| KeyError::Generate)?;
    let pkcs8: Pkcs8V1Der<'_> = pair.as_der().map_err(|_| KeyError::Generate)?;
    let public = pair.public_key().as_der().map_err(|_| KeyError::Generate)?;
    Ok((
        pem("PRIVATE KEY", pkcs8.as_ref()),
        pem("PUBLIC KEY", public.as_ref()),
    ))
}

fn pem(label: &str, der: &[u8]) -> String {
    let b64 = base64::engine::general_purpose::STANDARD.encode(der);
    let mut out = format!("-----BEGIN {label}-----\n");
    for chunk in b64.as_bytes().chunks(64) {
        out.push_str(std::str::from_utf8(chunk).unwrap_or_default());
        out.push('\n');
    }
    out.push_str(&format!("-----END {label}-----\n"));
    out
}

/// The DER inside a PEM block of one of `labels`.
pub fn pem_der(pem: &str, labels: &[&'static str]) -> Result<Vec<u8>, KeyError> {
    let first = labels.first().copied().unwrap_or("KEY");
    for label in labels {
        let begin = format!("-----BEGIN {label}-----");
        let end = format!("-----END {label}-----");
        if let (Some(b), Some(e)) = (pem.find(&begin), pem.find(&end))
            && b < e
        {
            let body: String = pem[b + begin.len()..e]
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect();
            return base64::engine::general_purpose::STANDARD
                .decode(body)
                .map_err(|_| KeyError::NotPem(first));
        }
    }
    Err(KeyError::NotPem(first))
}

/// A private key ready to sign (RSASSA-PKCS1-v1_5 with SHA-256).
pub struct SigningKey {
    pair: KeyPair,
}

impl SigningKey {
    pub fn from_pem(pem: &str) -> Result<SigningKey, KeyError> {
        let der = pem_der(pem, &["PRIVATE KEY"])?;
        let pair = KeyPair::from_pkcs8(&der).map_err(|e| KeyError::Rejected(e.to_string()))?;
        Ok(SigningKey { pair })
    }

    pub fn sign(&self, message: &[u8]) -> Result<Vec<u8>, KeyError> {
        let mut sig = vec![0u8; self.pair.public_modulus_len()];
        let rng = aws_lc_rs::rand::SystemRandom::new();
        self.pair
            .sign(&signature::RSA_PKCS1_SHA256, &rng, message, &mut sig)
            .map_err(|_| KeyError::Sign)?;
        Ok(sig)
    }
}

/// Which public keys verification accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyStrength {
    /// RSA of at least 2048 bits: every real peer.
    Modern,
    /// Also 1024-bit RSA, for the draft-cavage test vectors only.
    LegacyForTests,
}

/// A parsed public key (RSA or Ed25519), cheap to keep in a cache.
#[derive(Clone, Debug)]
pub enum PublicKey {
    Rsa(Vec<u8>),
    Ed25519(Vec<u8>),
}

impl PublicKey {
    /// Parses an SPKI (or PKCS#1 "RSA PUBLIC KEY") PEM.
    pub fn from_pem(pem: &str) -> Result<PublicKey, KeyError> {
        let der = pem_der(pem, &["PUBLIC KEY", "RSA PUBLIC KEY"])?;
        // An Ed25519 SPKI is 44 bytes with the OID 1.3.101.112.
        if der.len() == 44
            && der[..12]
                == [
                    0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00,
                ]
        {
            return Ok(PublicKey::Ed25519(der[12..].to_vec()));
        }
        Ok(PublicKey::Rsa(der))
    }

    /// A raw 32-byte Ed25519 key (from a Multikey).
    pub fn ed25519(raw: &[u8]) -> Result<PublicKey, KeyError> {
        if raw.len() != 32 {
            return Err(KeyError::Rejected("an Ed25519 key has 32 bytes".into()));
        }
        Ok(PublicKey::Ed25519(raw.to_vec()))
    }

    pub fn verify(&self, message: &[u8], sig: &[u8], strength: KeyStrength) -> bool {
        match self {
            PublicKey::Rsa(der) => {
                let alg = match strength {
                    KeyStrength::Modern => &signature::RSA_PKCS1_2048_8192_SHA256,
                    KeyStrength::LegacyForTests => &signature::RSA_PKCS1_1024_8192_SHA256_FOR_LEGACY_USE_ONLY,
                };
                UnparsedPublicKey::new(alg, der).verify(message, sig).is_ok()
            }
            PublicKey::Ed25519(raw) => UnparsedPublicKey::new(&signature::ED25519, raw)
                .verify(message, sig)
                .is_ok(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_keys_sign_and_verify() {
        let (private, public) = generate_rsa().expect("generate");
        assert!(private.starts_with("-----BEGIN PRIVATE KEY-----\n"));
        assert!(public.starts_with("-----BEGIN PUBLIC KEY-----\n"));
        let key = SigningKey::from_pem(&private).expect("parse private");
        let sig = key.sign(b"hello").expect("sign");
        let pk = PublicKey::from_pem(&public).expect("parse public");
        assert!(pk.verify(b"hello", &sig, KeyStrength::Modern));
        assert!(!pk.verify(b"hellO", &sig, KeyStrength::Modern));
    }
}
