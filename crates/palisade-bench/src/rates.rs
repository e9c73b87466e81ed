//! The yardsticks every benchmark divides by: how many RSA-2048 signatures this machine
//! verifies on one core and makes on all cores, measured with the crypto the server uses
//! (aws-lc-rs, through palisade-federation's key types) just before the benchmark runs.

use std::time::{Duration, Instant};

use palisade_federation::keys::{self, KeyStrength, PublicKey, SigningKey};

use crate::Result;

const MESSAGE: &[u8] = b"(request-target): post /inbox\nhost: example.test\ndate: Tue, 07 Jun 2014 20:51:35 GMT\ndigest: SHA-256=X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=";

/// An RSA-2048 key pair for measuring (and for signing stand-in deliveries).
pub fn key_pair() -> Result<(SigningKey, String)> {
    let (private, public) = keys::generate_rsa()?;
    Ok((SigningKey::from_pem(&private)?, public))
}

/// Verifications per second on one core, as the inbox does them (the key parsed from DER
/// for each check, as `PublicKey::verify` does).
pub fn verify_rate(for_how_long: Duration) -> Result<f64> {
    let (key, public) = key_pair()?;
    let public = PublicKey::from_pem(&public)?;
    let sig = key.sign(MESSAGE)?;
    let at = Instant::now();
    let mut n = 0u64;
    while at.elapsed() < for_how_long {
        for _ in 0..100 {
            if public.verify(MESSAGE, &sig, KeyStrength::Modern) {
                n += 1;
            }
        }
    }
    Ok(n as f64 / at.elapsed().as_secs_f64())
}

/// Signatures per second on all cores together.
pub fn sign_rate(for_how_long: Duration) -> Result<(f64, usize)> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let keys = (0..threads)
        .map(|_| key_pair().map(|(k, _)| k))
        .collect::<Result<Vec<_>>>()?;
    let at = Instant::now();
    let total: u64 = std::thread::scope(|s| {
        let handles: Vec<_> = keys
            .iter()
            .map(|key| {
                s.spawn(move || {
                    let mut n = 0u64;
                    while at.elapsed() < for_how_long {
                        if key.sign(MESSAGE).is_ok() {
                            n += 1;
                        }
                    }
                    n
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap_or(0)).sum()
    });
    Ok((total as f64 / at.elapsed().as_secs_f64(), threads))
}

/// Both rates, off the async runtime.
pub async fn measure(for_how_long: Duration) -> Result<(f64, f64, usize)> {
    tokio::task::spawn_blocking(move || {
        let verify = verify_rate(for_how_long)?;
        let (sign, cores) = sign_rate(for_how_long)?;
        Ok((verify, sign, cores))
    })
    .await
    .map_err(|e| crate::BenchError(e.to_string()))?
}

pub async fn run() -> Result<()> {
    let (verify, sign, cores) = measure(Duration::from_secs(2)).await?;
    println!(
        "rates: RSA-2048 verify {verify:.0}/s on one core; sign {sign:.0}/s on {cores} cores ({:.0}/s per core)",
        sign / cores as f64
    );
    Ok(())
}
