//! Where files live: a local folder by default (`./data/media`), or an S3-compatible bucket
//! for instances whose web processes run on several machines. Keys are relative paths such
//! as `media/123/ab12cd34/original.jpg`; the URL clients see is a base plus the key.

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use bytes::Bytes;
use futures_util::stream::BoxStream;
use object_store::aws::AmazonS3Builder;
use object_store::local::LocalFileSystem;
use object_store::{
    Attribute, Attributes, GetOptions, GetRange, ObjectStore, ObjectStoreExt, PutMultipartOptions,
    PutOptions, PutPayload, WriteMultipart, path::Path as Key,
};
use serde::{Deserialize, Serialize};
use tokio::io::AsyncReadExt;

use crate::{MediaError, Result};

/// `[media.s3]`: an S3-compatible bucket.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(default, deny_unknown_fields)]
pub struct S3Config {
    pub bucket: String,
    /// e.g. `https://s3.eu-central-1.amazonaws.com` or `http://127.0.0.1:9000` (MinIO,
    /// s3s-fs). Empty: AWS for `region`.
    pub endpoint: String,
    pub region: String,
    pub access_key_id: String,
    pub secret_access_key: String,
    /// Path-style requests (`endpoint/bucket/key`), as most self-hosted servers need.
    pub path_style: bool,
    /// Allow an `http://` endpoint (test servers only).
    pub allow_http: bool,
    /// A folder inside the bucket for every key (empty: the bucket's root).
    pub prefix: String,
}

/// Which backend, and its settings.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum StorageConfig {
    /// A folder on this machine.
    Local(PathBuf),
    S3(S3Config),
}

impl Default for StorageConfig {
    fn default() -> Self {
        StorageConfig::Local(PathBuf::from("data/media"))
    }
}

/// A stored file being read: its size and a stream of its bytes (the asked range only).
pub struct Reading {
    /// The whole file's size.
    pub size: u64,
    /// The bytes sent.
    pub range: Range<u64>,
    pub body: BoxStream<'static, Result<Bytes, object_store::Error>>,
}

/// The media store. Cheap to clone.
#[derive(Clone, Debug)]
pub struct Storage {
    /// `Err` holds why the configured store could not be set up: every operation fails.
    store: Result<Arc<dyn ObjectStore>, String>,
    /// S3 keeps each object's content type (a CDN then serves it right); files do not.
    s3: bool,
    description: String,
}

/// Files larger than this are uploaded in parts.
const MULTIPART_FROM: u64 = 8 * 1024 * 1024;

fn storage_err(e: object_store::Error) -> MediaError {
    MediaError::Storage(e.to_string())
}

fn key(k: &str) -> Result<Key> {
    Key::parse(k).map_err(|e| MediaError::Storage(format!("bad key {k:?}: {e}")))
}

impl Storage {
    pub fn new(config: &StorageConfig) -> Result<Storage> {
        match config {
            StorageConfig::Local(dir) => {
                std::fs::create_dir_all(dir)
                    .map_err(|e| MediaError::Storage(format!("cannot create {}: {e}", dir.display())))?;
                let store = LocalFileSystem::new_with_prefix(dir).map_err(storage_err)?;
                Ok(Storage {
                    store: Ok(Arc::new(store)),
                    s3: false,
                    description: format!("local folder {}", dir.display()),
                })
            }
            StorageConfig::S3(s3) => {
                let mut b = AmazonS3Builder::new()
                    .with_bucket_name(&s3.bucket)
                    .with_region(if s3.region.is_empty() {
                        "us-east-1"
                    } else {
                        &s3.region
                    })
                    .with_access_key_id(&s3.access_key_id)
                    .with_secret_access_key(&s3.secret_access_key)
                    .with_allow_http(s3.allow_http)
                    .with_virtual_hosted_style_request(!s3.path_style);
                if !s3.endpoint.is_empty() {
                    b = b.with_endpoint(&s3.endpoint);
                }
                let store = b.build().map_err(storage_err)?;
                let prefix = s3.prefix.trim_matches('/');
                let store: Arc<dyn ObjectStore> = if prefix.is_empty() {
                    Arc::new(store)
                } else {
                    Arc::new(object_store::prefix::PrefixStore::new(store, key(prefix)?))
                };
                Ok(Storage {
                    store: Ok(store),
                    s3: true,
                    description: format!("S3 bucket {} at {}", s3.bucket, s3.endpoint),
                })
            }
        }
    }

    /// A store that refuses every operation with `reason` (set-up failed; the binary refuses
    /// to start in that case, this keeps library users from panicking).
    pub fn unavailable(reason: String) -> Storage {
        Storage {
            description: format!("unavailable storage ({reason})"),
            store: Err(reason),
            s3: false,
        }
    }

    fn store(&self) -> Result<&Arc<dyn ObjectStore>> {
        self.store
            .as_ref()
            .map_err(|e| MediaError::Storage(format!("storage is not available: {e}")))
    }

    /// For messages: where files go.
    pub fn describe(&self) -> &str {
        &self.description
    }

    fn put_options(&self, content_type: &str) -> PutOptions {
        let mut attributes = Attributes::new();
        if self.s3 {
            attributes.insert(Attribute::ContentType, content_type.to_owned().into());
            attributes.insert(
                Attribute::CacheControl,
                "public, max-age=31536000, immutable".into(),
            );
        }
        PutOptions {
            attributes,
            ..Default::default()
        }
    }

    pub async fn put(&self, k: &str, bytes: Vec<u8>, content_type: &str) -> Result<()> {
        self.store()?
            .put_opts(&key(k)?, PutPayload::from(bytes), self.put_options(content_type))
            .await
            .map_err(storage_err)?;
        Ok(())
    }

    /// Stores a local file, in parts when it is large.
    pub async fn put_file(&self, k: &str, path: &Path, content_type: &str) -> Result<()> {
        let size = tokio::fs::metadata(path).await?.len();
        if size < MULTIPART_FROM {
            return self.put(k, tokio::fs::read(path).await?, content_type).await;
        }
        let upload = self
            .store()?
            .put_multipart_opts(
                &key(k)?,
                PutMultipartOptions {
                    attributes: self.put_options(content_type).attributes,
                    ..Default::default()
                },
            )
            .await
            .map_err(storage_err)?;
        let mut writer = WriteMultipart::new(upload);
        let mut file = tokio::fs::File::open(path).await?;
        let mut buf = vec![0u8; 1 << 20];
        loop {
            let n = file.read(&mut buf).await?;
            if n == 0 {
                break;
            }
            writer.write(&buf[..n]);
        }
        writer.finish().await.map_err(storage_err)?;
        Ok(())
    }

    /// The whole file, or `None` when it is not there.
    pub async fn get(&self, k: &str) -> Result<Option<Bytes>> {
        match self.store()?.get(&key(k)?).await {
            Ok(r) => Ok(Some(r.bytes().await.map_err(storage_err)?)),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(storage_err(e)),
        }
    }

    /// Copies a stored file to a local path; `false` when it is not there.
    pub async fn get_to_file(&self, k: &str, path: &Path) -> Result<bool> {
        use futures_util::StreamExt;
        use tokio::io::AsyncWriteExt;
        let r = match self.store()?.get(&key(k)?).await {
            Ok(r) => r,
            Err(object_store::Error::NotFound { .. }) => return Ok(false),
            Err(e) => return Err(storage_err(e)),
        };
        let mut out = tokio::fs::File::create(path).await?;
        let mut stream = r.into_stream();
        while let Some(chunk) = stream.next().await {
            out.write_all(&chunk.map_err(storage_err)?).await?;
        }
        out.flush().await?;
        Ok(true)
    }

    /// A stream of the file (or of `range` of it); `None` when it is not there.
    pub async fn read(&self, k: &str, range: Option<Range<u64>>) -> Result<Option<Reading>> {
        let options = GetOptions {
            range: range.map(GetRange::Bounded),
            ..Default::default()
        };
        match self.store()?.get_opts(&key(k)?, options).await {
            Ok(r) => Ok(Some(Reading {
                size: r.meta.size,
                range: r.range.clone(),
                body: r.into_stream(),
            })),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(storage_err(e)),
        }
    }

    /// The size of a stored file, `None` when it is not there.
    pub async fn size(&self, k: &str) -> Result<Option<u64>> {
        match self.store()?.head(&key(k)?).await {
            Ok(m) => Ok(Some(m.size)),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(storage_err(e)),
        }
    }

    /// Deletes a file; one that is not there is not an error.
    pub async fn delete(&self, k: &str) -> Result<()> {
        match self.store()?.delete(&key(k)?).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(storage_err(e)),
        }
    }

    /// Every key under `prefix` (tests and consistency checks).
    pub async fn list(&self, prefix: &str) -> Result<Vec<String>> {
        use futures_util::StreamExt;
        let prefix = key(prefix)?;
        let mut out = Vec::new();
        let mut stream = self.store()?.list(Some(&prefix));
        while let Some(meta) = stream.next().await {
            out.push(meta.map_err(storage_err)?.location.to_string());
        }
        out.sort();
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    /// An S3 server for tests: `PALISADE_TEST_S3_ENDPOINT` (and `_BUCKET`, `_ACCESS_KEY`,
    /// `_SECRET_KEY`); `scripts/ci/s3.sh` starts s3s-fs and sets them.
    pub(crate) fn s3_from_env() -> Option<S3Config> {
        let var = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
        Some(S3Config {
            endpoint: var("PALISADE_TEST_S3_ENDPOINT")?,
            bucket: var("PALISADE_TEST_S3_BUCKET").unwrap_or_else(|| "palisade".into()),
            access_key_id: var("PALISADE_TEST_S3_ACCESS_KEY").unwrap_or_default(),
            secret_access_key: var("PALISADE_TEST_S3_SECRET_KEY").unwrap_or_default(),
            region: "us-east-1".into(),
            path_style: true,
            allow_http: true,
            prefix: format!("test-{}", crate::temp::random_token(10)),
        })
    }

    #[tokio::test]
    async fn s3_round_trip() {
        let Some(config) = s3_from_env() else {
            eprintln!("PALISADE_TEST_S3_ENDPOINT is not set: S3 not tested here (scripts/ci/s3.sh does)");
            return;
        };
        let s = Storage::new(&StorageConfig::S3(config)).unwrap();
        s.put("media/1/a/original.png", b"hello".to_vec(), "image/png")
            .await
            .unwrap();
        assert_eq!(
            &s.get("media/1/a/original.png").await.unwrap().unwrap()[..],
            b"hello"
        );
        let r = s
            .read("media/1/a/original.png", Some(1..3))
            .await
            .unwrap()
            .unwrap();
        assert_eq!((r.size, r.range), (5, 1..3));
        // Large files go up in parts.
        let big = crate::temp::TempFile::new("bin");
        std::fs::write(big.path(), vec![7u8; 9 * 1024 * 1024]).unwrap();
        s.put_file("media/2/b/original.mp4", big.path(), "video/mp4")
            .await
            .unwrap();
        assert_eq!(
            s.size("media/2/b/original.mp4").await.unwrap(),
            Some(9 * 1024 * 1024)
        );
        assert_eq!(s.list("media").await.unwrap().len(), 2);
        for k in s.list("media").await.unwrap() {
            s.delete(&k).await.unwrap();
        }
        assert!(s.get("media/1/a/original.png").await.unwrap().is_none());
        assert!(s.list("media").await.unwrap().is_empty());
    }

    #[tokio::test]
    async fn local_round_trip() {
        let dir = std::env::temp_dir().join(format!("palisade-storage-{}", crate::temp::random_token(8)));
        let s = Storage::new(&StorageConfig::Local(dir.clone())).unwrap();
        s.put("media/1/a/original.png", b"hello".to_vec(), "image/png")
            .await
            .unwrap();
        assert_eq!(
            &s.get("media/1/a/original.png").await.unwrap().unwrap()[..],
            b"hello"
        );
        assert_eq!(s.size("media/1/a/original.png").await.unwrap(), Some(5));
        let r = s
            .read("media/1/a/original.png", Some(1..3))
            .await
            .unwrap()
            .unwrap();
        assert_eq!((r.size, r.range), (5, 1..3));
        assert_eq!(s.list("media").await.unwrap(), vec!["media/1/a/original.png"]);
        s.delete("media/1/a/original.png").await.unwrap();
        s.delete("media/1/a/original.png").await.unwrap();
        assert!(s.get("media/1/a/original.png").await.unwrap().is_none());
        assert!(s.get("../etc/passwd").await.is_err());
        let _ = std::fs::remove_dir_all(dir);
    }
}
