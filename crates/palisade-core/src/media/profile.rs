//! Avatars and headers: uploaded ones are cropped and resized (400×400, 1500×500) and
//! stripped like any upload; remote ones are records of the actor's `icon` and `image`,
//! served through this instance. Accounts without one show the default image.

use palisade_media::image::Shape;
use palisade_media::temp::random_token;
use palisade_media::{MediaError, limits};
use palisade_store::account_media::{self as accounts, ProfileImage};
use palisade_store::accounts::Account;
use palisade_store::media::{self as store, Media};
use palisade_store::{Tx, ids::new_id, now_ms};

use super::jobs::MediaJob;
use super::media_error;
use super::process::{Handling, detect_file, keys_of};
use super::uploads::UploadFile;
use crate::auth::Viewer;
use crate::events::Event;
use crate::{Core, Error, Result};

/// Avatar and header changes of `update_credentials`.
#[derive(Default)]
pub struct ProfileImages {
    pub avatar: Option<UploadFile>,
    pub header: Option<UploadFile>,
    pub avatar_description: Option<String>,
    pub header_description: Option<String>,
}

fn shape(which: ProfileImage) -> Shape {
    match which {
        ProfileImage::Avatar => Shape::Avatar,
        ProfileImage::Header => Shape::Header,
    }
}

impl Core {
    /// Processes and stores an uploaded avatar or header; the record is inserted later, in
    /// the profile's transaction ([`Core::install_profile_image`]).
    pub(crate) async fn prepare_profile_image(
        &self,
        account_id: i64,
        which: ProfileImage,
        file: &UploadFile,
    ) -> Result<Media> {
        let field = which.name();
        if file.size > limits::PROFILE_IMAGE_BYTES {
            return Err(Error::invalid(format!(
                "Validation failed: {} file size must be less than {}",
                capitalized(field),
                limits::megabytes(limits::PROFILE_IMAGE_BYTES)
            )));
        }
        let format = detect_file(file.file.path()).await.map_err(media_error)?;
        if !format.is_native_image() {
            return Err(media_error(MediaError::Unsupported(format!(
                "{} must be a JPEG, PNG, WebP or GIF image",
                capitalized(field)
            ))));
        }
        let id = new_id();
        let prefix = format!("media/{id}/{}", random_token(8));
        let out = self
            .process_into(
                file.file.path(),
                format,
                shape(which),
                &prefix,
                Handling::Upload,
                false,
            )
            .await
            .map_err(media_error)?;
        let now = now_ms();
        Ok(Media {
            id,
            account_id: Some(account_id),
            purpose: field.into(),
            kind: "image".into(),
            state: "ready".into(),
            content_type: Some(out.content_type.into()),
            file_key: Some(out.file_key),
            preview_key: out.preview_key,
            file_size: out.size,
            blurhash: out.blurhash,
            meta_json: out.meta.to_string(),
            created_at: now,
            updated_at: now,
            ..Default::default()
        })
    }

    /// Checks the descriptions and processes the files of `images` (before the profile's
    /// transaction); on failure nothing stays stored.
    pub(crate) async fn prepare_profile_images(
        &self,
        account_id: i64,
        images: &ProfileImages,
    ) -> Result<Vec<Media>> {
        for d in [&images.avatar_description, &images.header_description]
            .into_iter()
            .flatten()
        {
            if d.chars().count() > 150 {
                return Err(Error::field(
                    "description",
                    "ERR_TOO_LONG",
                    "is too long (maximum is 150 characters)",
                ));
            }
        }
        let mut prepared = Vec::new();
        for (which, file) in [
            (ProfileImage::Avatar, &images.avatar),
            (ProfileImage::Header, &images.header),
        ] {
            if let Some(f) = file {
                match self.prepare_profile_image(account_id, which, f).await {
                    Ok(m) => prepared.push(m),
                    Err(e) => {
                        self.discard_prepared(&prepared).await;
                        return Err(e);
                    }
                }
            }
        }
        Ok(prepared)
    }

    /// Inside the profile's `tx`: the prepared images take over, descriptions change.
    pub(crate) async fn install_profile_images(
        &self,
        tx: &mut Tx,
        account: &Account,
        prepared: &[Media],
        images: &ProfileImages,
    ) -> Result<()> {
        for (which, description, path, current) in [
            (
                ProfileImage::Avatar,
                &images.avatar_description,
                &account.avatar_path,
                &account.avatar_description,
            ),
            (
                ProfileImage::Header,
                &images.header_description,
                &account.header_path,
                &account.header_description,
            ),
        ] {
            let new = prepared.iter().find(|m| m.purpose == which.name());
            let description = description.clone().unwrap_or_else(|| current.clone());
            if new.is_some() {
                self.install_profile_image(tx, account.id, which, new, &description)
                    .await?;
            } else if description != *current {
                accounts::set_profile_image(&mut *tx, account.id, which, path.as_deref(), &description)
                    .await?;
            }
        }
        Ok(())
    }

    /// Inside `tx`: makes `new` the account's avatar or header (or clears it with `None`),
    /// with `description`; the replaced records and files go.
    pub(crate) async fn install_profile_image(
        &self,
        tx: &mut Tx,
        account_id: i64,
        which: ProfileImage,
        new: Option<&Media>,
        description: &str,
    ) -> Result<()> {
        let old = store::of_account(&mut *tx, account_id, which.name()).await?;
        self.drop_media_records(tx, &old).await?;
        if let Some(m) = new {
            store::insert(&mut *tx, m).await?;
        }
        let path = new.and_then(|m| m.file_key.clone());
        accounts::set_profile_image(&mut *tx, account_id, which, path.as_deref(), description).await?;
        Ok(())
    }

    /// `DELETE /api/v1/profile/avatar` and `/header`: back to the default image.
    pub async fn delete_profile_image(&self, viewer: &Viewer, which: ProfileImage) -> Result<Account> {
        let me = viewer.account()?;
        let mut tx = self.db.begin().await?;
        self.install_profile_image(&mut tx, me.id, which, None, "")
            .await?;
        self.emit(&mut tx, vec![Event::ProfileUpdated { account_id: me.id }])
            .await?;
        tx.commit().await?;
        self.account(me.id).await
    }

    /// After a remote actor was stored: records for its `icon` and `image` when they
    /// changed (served through this instance, fetched ahead unless its media is rejected).
    pub(crate) async fn refresh_remote_profile_images(
        &self,
        account: &Account,
        images: [(ProfileImage, Option<&str>, &str); 2],
    ) -> Result<()> {
        let domain = account.domain.as_deref();
        let allowed = self.remote_media_allowed(domain).await?;
        let mut tx = self.db.begin().await?;
        for (which, url, description) in images {
            let old = store::of_account(&mut tx, account.id, which.name()).await?;
            let current = old
                .iter()
                .find(|m| url.is_some() && m.remote_url.as_deref() == url);
            match (current, url) {
                (Some(m), _) if allowed => {
                    let path = format!("proxy/{}/original", m.id);
                    let stale: Vec<Media> = old.iter().filter(|o| o.id != m.id).cloned().collect();
                    self.drop_media_records(&mut tx, &stale).await?;
                    accounts::set_profile_image(&mut tx, account.id, which, Some(&path), description).await?;
                }
                (_, Some(url)) if allowed => {
                    self.drop_media_records(&mut tx, &old).await?;
                    let now = now_ms();
                    let m = Media {
                        id: new_id(),
                        account_id: Some(account.id),
                        purpose: which.name().into(),
                        kind: "image".into(),
                        state: "ready".into(),
                        remote_url: Some(url.to_owned()),
                        domain: domain.map(str::to_owned),
                        meta_json: "{}".into(),
                        created_at: now,
                        updated_at: now,
                        ..Default::default()
                    };
                    store::insert(&mut tx, &m).await?;
                    let path = format!("proxy/{}/original", m.id);
                    accounts::set_profile_image(&mut tx, account.id, which, Some(&path), description).await?;
                    self.enqueue_media_job(&mut tx, &MediaJob::Fetch { media_id: m.id })
                        .await?;
                }
                _ => {
                    // No image, or the domain's media is rejected: the default shows.
                    self.drop_media_records(&mut tx, &old).await?;
                    accounts::set_profile_image(&mut tx, account.id, which, None, description).await?;
                }
            }
        }
        tx.commit().await?;
        Ok(())
    }

    /// Deletes stored files of records that never made it into the database.
    pub(crate) async fn discard_prepared(&self, prepared: &[Media]) {
        let keys: Vec<String> = prepared.iter().flat_map(keys_of).collect();
        self.delete_keys(&keys).await;
    }
}

fn capitalized(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}
