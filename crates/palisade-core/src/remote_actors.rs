//! A remote actor as it arrives (fetched, or in an Update): its profile and keys are
//! stored, its `icon` and `image` become media records served through this instance, its
//! emoji are recorded, and its profile links are checked by this instance (any mark the
//! other server claims is ignored; our own marks stay while a field is unchanged).

use palisade_store::account_media::{self, ProfileImage};
use palisade_store::accounts::{self, Account, RemoteProfile};

use crate::accounts::{Field, fields_of};
use crate::links::{carry_marks, field_link};
use crate::media::{MediaJob, RemoteEmoji};
use crate::{Core, Error, Result};

/// An actor document, read.
#[derive(Clone, Debug, Default)]
pub struct RemoteActor {
    pub profile: RemoteProfile,
    /// Further keys (id, PEM) besides the main one.
    pub extra_keys: Vec<(String, String)>,
    pub emojis: Vec<RemoteEmoji>,
    pub avatar_description: String,
    pub header_description: String,
}

impl Core {
    /// Stores (or refreshes) a remote actor with its media and links; returns its account.
    pub async fn receive_remote_actor(&self, actor: RemoteActor) -> Result<Account> {
        let RemoteActor {
            mut profile,
            extra_keys,
            emojis,
            avatar_description,
            header_description,
        } = actor;
        let before = accounts::by_uri(&self.db, &profile.uri).await?;
        let old_fields = before.as_ref().map(fields_of).unwrap_or_default();
        let mut fields: Vec<Field> = serde_json::from_str(&profile.fields_json).unwrap_or_default();
        for f in fields.iter_mut() {
            f.verified_at = None;
        }
        carry_marks(&old_fields, &mut fields);
        profile.fields_json = serde_json::to_string(&fields).map_err(|e| Error::Internal(e.to_string()))?;
        let links_changed = old_fields
            .iter()
            .map(|f| field_link(&f.value_html))
            .ne(fields.iter().map(|f| field_link(&f.value_html)));
        let account = self.store_remote_actor(&profile, &extra_keys).await?;
        let id = account.id;
        self.refresh_remote_profile_images(
            &account,
            [
                (
                    ProfileImage::Avatar,
                    profile.avatar_url.as_deref(),
                    avatar_description.as_str(),
                ),
                (
                    ProfileImage::Header,
                    profile.header_url.as_deref(),
                    header_description.as_str(),
                ),
            ],
        )
        .await?;
        if let Some(domain) = account.domain.as_deref()
            && (!emojis.is_empty() || account.emojis_json != "[]")
        {
            let known = self.remote_emojis(domain, &emojis).await?;
            account_media::set_emojis_json(&self.db, id, &Core::emojis_json(&known)).await?;
        }
        let has_links = fields.iter().any(|f| field_link(&f.value_html).is_some());
        if has_links && (links_changed || before.is_none()) {
            self.queue_media_job(&MediaJob::VerifyLinks { account_id: id })
                .await?;
        }
        accounts::by_id(&self.db, id).await?.ok_or_else(Error::not_found)
    }
}
