//! Local accounts: sign-up, profile edits, lookups.

use std::sync::LazyLock;

use palisade_store::{accounts, accounts::Account, ids::new_id, users};

use crate::policy::{Boundary, MemberBlocks, Subject};
use regex::Regex;
use serde::{Deserialize, Serialize};

use crate::content::{self, MentionRef, ResolvedMention};
use crate::events::Event;
use crate::settings::Registrations;
use crate::{Core, Error, Result, Validation, secrets};

static USERNAME: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[A-Za-z0-9_]{1,30}$").expect("valid username regex"));

/// Names a new account may not take (they collide with routes or impersonate staff).
const RESERVED: &[&str] = &[
    "admin",
    "administrator",
    "root",
    "support",
    "help",
    "moderator",
    "mod",
    "security",
    "staff",
    "webmaster",
    "postmaster",
    "hostmaster",
    "abuse",
    "system",
    "instance",
    "actor",
    "inbox",
    "outbox",
    "palisade",
    "mastodon",
];

pub struct NewUser {
    pub username: String,
    pub email: String,
    pub password: String,
    pub agreement: bool,
    pub locale: Option<String>,
    pub reason: Option<String>,
    pub role: String,
    /// Sign-ups through the API follow the registration mode; the CLI skips it.
    pub via_api: bool,
}

/// A profile metadata field as stored: the source and its rendered HTML.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Field {
    pub name: String,
    pub value: String,
    #[serde(default)]
    pub value_html: String,
    #[serde(default)]
    pub verified_at: Option<i64>,
}

pub fn fields_of(account: &Account) -> Vec<Field> {
    serde_json::from_str(&account.fields_json).unwrap_or_default()
}

/// Changes from `PATCH /api/v1/accounts/update_credentials`; `None` leaves a value as is.
#[derive(Default)]
pub struct ProfileChanges {
    pub avatar: Option<crate::media::UploadFile>,
    pub header: Option<crate::media::UploadFile>,
    pub avatar_description: Option<String>,
    pub header_description: Option<String>,
    pub display_name: Option<String>,
    pub note: Option<String>,
    pub fields: Option<Vec<(String, String)>>,
    pub locked: Option<bool>,
    pub bot: Option<bool>,
    pub discoverable: Option<bool>,
    pub indexable: Option<bool>,
    pub hide_collections: Option<bool>,
}

impl Core {
    /// Creates a local account and its user. Validation and wording follow Mastodon.
    pub async fn create_user(&self, new: NewUser) -> Result<(Account, users::User)> {
        let settings = &self.settings;
        if new.via_api && settings.registrations == Registrations::Closed {
            return Err(Error::Forbidden("Registrations are closed on this server".into()));
        }
        let email = new.email.trim();
        let mut v = Validation::default();
        if new.username.is_empty() {
            v.fail("username", "ERR_BLANK", "can't be blank");
        } else if !USERNAME.is_match(&new.username) {
            v.fail(
                "username",
                "ERR_INVALID",
                "must contain only letters, numbers and underscores",
            );
        } else if new.via_api && RESERVED.contains(&new.username.to_lowercase().as_str()) {
            v.fail("username", "ERR_RESERVED", "is reserved");
        } else if accounts::by_username(&self.db, &new.username, None)
            .await?
            .is_some()
        {
            v.fail("username", "ERR_TAKEN", "has already been taken");
        }
        if email.is_empty() {
            v.fail("email", "ERR_BLANK", "can't be blank");
        } else if !valid_email(email) {
            v.fail("email", "ERR_INVALID", "is invalid");
        } else if users::by_email(&self.db, email).await?.is_some() {
            v.fail("email", "ERR_TAKEN", "has already been taken");
        }
        if new.password.is_empty() {
            v.fail("password", "ERR_BLANK", "can't be blank");
        } else if new.password.chars().count() < 8 {
            v.fail(
                "password",
                "ERR_TOO_SHORT",
                "is too short (minimum is 8 characters)",
            );
        } else if new.password.len() > 72 {
            v.fail(
                "password",
                "ERR_TOO_LONG",
                "is too long (maximum is 72 characters)",
            );
        }
        v.check(
            !new.via_api || new.agreement,
            "agreement",
            "ERR_ACCEPTED",
            "must be accepted",
        );
        v.finish()?;
        let password_hash = secrets::hash_password_blocking(new.password.clone()).await?;
        let urls = self.urls();
        let account_id = new_id();
        let username = new.username.clone();
        let account = accounts::NewLocalAccount {
            id: account_id,
            display_name: String::new(),
            uri: urls.actor(&username),
            url: urls.profile(&username),
            inbox_url: urls.inbox(&username),
            shared_inbox_url: urls.shared_inbox(),
            outbox_url: urls.outbox(&username),
            followers_url: urls.followers(&username),
            following_url: urls.following(&username),
            featured_url: urls.featured(&username),
            username,
        };
        let approved = !(new.via_api && settings.registrations == Registrations::Approval);
        let mut tx = self.db.begin().await?;
        accounts::insert_local(&mut tx, &account)
            .await
            .map_err(|e| match e {
                palisade_store::StoreError::Conflict(_) => {
                    Error::field("username", "ERR_TAKEN", "has already been taken")
                }
                other => other.into(),
            })?;
        users::insert(
            &mut tx,
            &users::NewUser {
                id: new_id(),
                account_id,
                email,
                password_hash: &password_hash,
                role: &new.role,
                approved,
                locale: new.locale.as_deref().unwrap_or("en"),
                reason: new.reason.as_deref(),
            },
        )
        .await?;
        tx.commit().await?;
        let account = accounts::by_id(&self.db, account_id)
            .await?
            .ok_or_else(Error::not_found)?;
        let user = users::by_account_id(&self.db, account_id)
            .await?
            .ok_or_else(Error::not_found)?;
        Ok((account, user))
    }

    /// An account that may be shown: not suspended, not on a suspended domain.
    pub async fn account(&self, id: i64) -> Result<Account> {
        let account = accounts::by_id(&self.db, id)
            .await?
            .filter(|a| a.suspended_at.is_none())
            .ok_or_else(Error::not_found)?;
        if self
            .policies()
            .await?
            .refused(crate::policy::Boundary::Timeline, account.domain.as_deref())
        {
            return Err(Error::not_found());
        }
        Ok(account)
    }

    /// `@user`, `user` or `user@domain` (our own domain means local).
    pub async fn lookup_account(&self, acct: &str) -> Result<Account> {
        let acct = acct.trim().trim_start_matches('@');
        let (username, domain) = match acct.split_once('@') {
            Some((u, d)) if d.eq_ignore_ascii_case(&self.settings.domain) => (u, None),
            Some((u, d)) => (u, Some(d)),
            None => (acct, None),
        };
        accounts::by_username(&self.db, username, domain)
            .await?
            .filter(|a| a.suspended_at.is_none())
            .map(|a| a.id)
            .ok_or_else(Error::not_found)
            .map(|id| self.account(id))?
            .await
    }

    /// Accounts matching a handle or name prefix, as `viewer` may see them: without
    /// suspended accounts, accounts of suspended domains or of domains the viewer blocks;
    /// with `following_only`, only accounts they follow.
    pub async fn search_accounts(
        &self,
        viewer: Option<i64>,
        query: &str,
        following_only: bool,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<Account>> {
        crate::search::check_query(query)?;
        let followed_by = viewer.filter(|_| following_only);
        let blocked = match viewer {
            Some(v) => self.member_blocks(&self.db, v).await?,
            None => MemberBlocks::default(),
        };
        let policies = self.policies().await?;
        let visible = |a: &Account| {
            a.suspended_at.is_none()
                && !policies.refused(
                    Boundary::Resolve,
                    Subject::for_member(a.domain.as_deref(), &blocked),
                )
        };
        // Offsets count visible accounts, so pages stay full and do not drift: read ahead in
        // batches (a few at most) until `offset + limit` visible ones are found.
        let wanted = (offset.max(0) + limit.max(0)) as usize;
        let batch = (wanted as i64).max(40);
        let mut shown = Vec::new();
        for round in 0..4 {
            let found = self
                .search_accounts_unfiltered(query, followed_by, batch, round * batch)
                .await?;
            let exhausted = (found.len() as i64) < batch;
            shown.extend(found.into_iter().filter(|a| visible(a)));
            if exhausted || shown.len() >= wanted {
                break;
            }
        }
        Ok(shown
            .into_iter()
            .skip(offset.max(0) as usize)
            .take(limit.max(0) as usize)
            .collect())
    }

    async fn search_accounts_unfiltered(
        &self,
        query: &str,
        followed_by: Option<i64>,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<Account>> {
        let query = query.trim().trim_start_matches('@');
        if query.is_empty() {
            return Ok(Vec::new());
        }
        let (prefix, domain) = match query.split_once('@') {
            Some((u, d)) if d.eq_ignore_ascii_case(&self.settings.domain) => (u, None),
            Some((u, d)) if !d.is_empty() => {
                // An exact handle on a known domain.
                return Ok(accounts::by_username(&self.db, u, Some(d))
                    .await?
                    .into_iter()
                    .collect());
            }
            Some((u, _)) => (u, None),
            None => (query, None),
        };
        Ok(accounts::search(&self.db, prefix, domain, followed_by, limit, offset).await?)
    }

    /// `/api/v1/directory`.
    pub async fn directory(
        &self,
        local_only: bool,
        by_activity: bool,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<Account>> {
        // Like Mastodon's, the directory leaves out limited (silenced) accounts, and here
        // also those of limited or suspended domains.
        let policies = self.policies().await?;
        Ok(
            accounts::directory(&self.db, local_only, by_activity, limit, offset)
                .await?
                .into_iter()
                .filter(|a| {
                    policies.decide(crate::policy::Boundary::Timeline, a.domain.as_deref())
                        == crate::policy::Decision::Allow
                })
                .collect(),
        )
    }

    pub async fn update_profile(&self, account: &Account, changes: ProfileChanges) -> Result<Account> {
        let limits = &self.settings.limits;
        let display_name = changes
            .display_name
            .unwrap_or_else(|| account.display_name.clone());
        if display_name.chars().count() > 30 {
            return Err(Error::field(
                "display_name",
                "ERR_TOO_LONG",
                "is too long (maximum is 30 characters)",
            ));
        }
        let note_source = changes.note.unwrap_or_else(|| account.note_source.clone());
        if note_source.chars().count() > limits.max_note_chars {
            return Err(Error::field(
                "note",
                "ERR_TOO_LONG",
                &format!("is too long (maximum is {} characters)", limits.max_note_chars),
            ));
        }
        let fields = match changes.fields {
            Some(pairs) => {
                let pairs: Vec<_> = pairs
                    .into_iter()
                    .filter(|(n, v)| !(n.trim().is_empty() && v.trim().is_empty()))
                    .collect();
                if pairs.len() > limits.max_profile_fields {
                    return Err(Error::field(
                        "fields",
                        "ERR_TOO_LONG",
                        &format!("is too long (maximum is {} fields)", limits.max_profile_fields),
                    ));
                }
                if pairs
                    .iter()
                    .any(|(n, v)| n.chars().count() > 255 || v.chars().count() > 255)
                {
                    return Err(Error::field(
                        "fields",
                        "ERR_TOO_LONG",
                        "is too long (maximum is 255 characters per name or value)",
                    ));
                }
                pairs
                    .into_iter()
                    .map(|(name, value)| Field {
                        value_html: content::render_inline(&value),
                        name: name.trim().to_owned(),
                        value: value.trim().to_owned(),
                        verified_at: None,
                    })
                    .collect()
            }
            None => fields_of(account),
        };
        let resolved = self.resolve_mentions(&content::mentions(&note_source)).await?;
        let note_html = content::render(&note_source, &self.settings.public_url, &|m| {
            find_mention(&resolved, m)
        })
        .html;
        let mut fields = fields;
        crate::links::carry_marks(&fields_of(account), &mut fields);
        let links_changed = fields_of(account)
            .iter()
            .map(|f| crate::links::field_link(&f.value_html))
            .ne(fields.iter().map(|f| crate::links::field_link(&f.value_html)));
        let mut texts: Vec<&str> = vec![&display_name, &note_source];
        for f in &fields {
            texts.push(&f.name);
            texts.push(&f.value);
        }
        let emojis_json = Core::emojis_json(&self.local_emojis_in(&texts).await?);
        // Images are processed before the transaction; if it fails, their files go.
        let images = crate::media::ProfileImages {
            avatar: changes.avatar,
            header: changes.header,
            avatar_description: changes.avatar_description,
            header_description: changes.header_description,
        };
        let prepared = self.prepare_profile_images(account.id, &images).await?;
        let update = accounts::ProfileUpdate {
            display_name,
            note_source,
            note_html,
            fields_json: serde_json::to_string(&fields).map_err(|e| Error::Internal(e.to_string()))?,
            locked: changes.locked.unwrap_or(account.locked),
            bot: changes.bot.unwrap_or(account.bot),
            discoverable: changes.discoverable.unwrap_or(account.discoverable),
            indexable: changes.indexable.unwrap_or(account.indexable),
            hide_collections: changes.hide_collections.unwrap_or(account.hide_collections),
        };
        let result = async {
            let mut tx = self.db.begin().await?;
            accounts::update_profile(&mut tx, account.id, &update).await?;
            palisade_store::account_media::set_emojis_json(&mut tx, account.id, &emojis_json).await?;
            self.install_profile_images(&mut tx, account, &prepared, &images)
                .await?;
            if links_changed {
                self.enqueue_media_job(
                    &mut tx,
                    &crate::media::MediaJob::VerifyLinks {
                        account_id: account.id,
                    },
                )
                .await?;
            }
            self.emit(
                &mut tx,
                vec![Event::ProfileUpdated {
                    account_id: account.id,
                }],
            )
            .await?;
            tx.commit().await?;
            Ok::<(), Error>(())
        }
        .await;
        if let Err(e) = result {
            self.discard_prepared(&prepared).await;
            return Err(e);
        }
        self.account(account.id).await
    }

    /// Looks up the accounts that written mentions refer to (local, or remote ones we know).
    pub async fn resolve_mentions(&self, refs: &[MentionRef]) -> Result<Vec<(MentionRef, Account)>> {
        let mut out = Vec::new();
        for r in refs.iter().take(50) {
            let domain = r
                .domain
                .as_deref()
                .filter(|d| !d.eq_ignore_ascii_case(&self.settings.domain));
            if let Some(a) = accounts::by_username(&self.db, &r.username, domain).await?
                && a.suspended_at.is_none()
            {
                out.push((r.clone(), a));
            }
        }
        Ok(out)
    }
}

/// Matches a written mention against resolved accounts.
pub fn find_mention(resolved: &[(MentionRef, Account)], m: &MentionRef) -> Option<ResolvedMention> {
    resolved
        .iter()
        .find(|(r, _)| r.username.eq_ignore_ascii_case(&m.username) && r.domain == m.domain)
        .map(|(_, a)| ResolvedMention {
            username: a.username.clone(),
            domain: a.domain.clone(),
            url: a.url.clone(),
            account_id: a.id,
        })
}

/// The handle as Mastodon's `acct` shows it: `user` for local, `user@domain` for remote.
pub fn acct(account: &Account) -> String {
    match &account.domain {
        Some(d) => format!("{}@{d}", account.username),
        None => account.username.clone(),
    }
}

fn valid_email(email: &str) -> bool {
    match email.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.is_empty()
                && !domain.contains('@')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !email.contains(char::is_whitespace)
                && email.len() <= 254
        }
        None => false,
    }
}
