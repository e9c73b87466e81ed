//! Account and CredentialAccount.

use palisade_core::accounts::{acct, fields_of};
use palisade_core::model::Account as Row;
use palisade_core::model::User;
use palisade_core::urls::Urls;
use serde::Serialize;
use serde_json::{Value, json};

use super::{date, iso, midnight};

#[derive(Serialize)]
pub struct Field {
    pub name: String,
    pub value: String,
    pub verified_at: Option<String>,
}

#[derive(Serialize)]
pub struct Account {
    pub id: String,
    pub username: String,
    pub acct: String,
    pub display_name: String,
    pub locked: bool,
    pub bot: bool,
    pub discoverable: bool,
    pub indexable: bool,
    pub group: bool,
    pub created_at: String,
    pub note: String,
    pub url: String,
    pub uri: String,
    pub avatar: String,
    pub avatar_static: String,
    pub avatar_description: String,
    pub header: String,
    pub header_static: String,
    pub header_description: String,
    pub followers_count: i64,
    pub following_count: i64,
    pub statuses_count: i64,
    pub last_status_at: Option<String>,
    pub hide_collections: bool,
    pub noindex: bool,
    pub emojis: Vec<super::CustomEmoji>,
    pub roles: Vec<Value>,
    pub fields: Vec<Field>,
}

pub fn account(a: &Row, urls: &Urls<'_>) -> Account {
    // Every image is served by this instance (remote ones through its cache), so that no
    // member's device ever contacts another server; without one, the default image.
    let avatar = a
        .avatar_path
        .as_deref()
        .map(|p| urls.served(p))
        .unwrap_or_else(|| urls.default_avatar());
    let header = a
        .header_path
        .as_deref()
        .map(|p| urls.served(p))
        .unwrap_or_else(|| urls.default_header());
    Account {
        id: a.id.to_string(),
        username: a.username.clone(),
        acct: acct(a),
        display_name: a.display_name.clone(),
        locked: a.locked,
        bot: a.bot,
        discoverable: a.discoverable,
        indexable: a.indexable,
        group: false,
        created_at: midnight(a.created_at),
        note: a.note_html.clone(),
        url: a.url.clone(),
        uri: a.uri.clone(),
        avatar_static: avatar.clone(),
        avatar,
        avatar_description: a.avatar_description.clone(),
        header_static: header.clone(),
        header,
        header_description: a.header_description.clone(),
        followers_count: a.followers_count,
        following_count: a.following_count,
        statuses_count: a.statuses_count,
        last_status_at: a.last_status_at.map(date),
        hide_collections: a.hide_collections,
        noindex: !a.indexable,
        emojis: palisade_core::emojis::account_emojis(&a.emojis_json)
            .iter()
            .map(|e| super::emoji_ref(e, urls))
            .collect(),
        roles: Vec::new(),
        fields: fields_of(a)
            .into_iter()
            .map(|f| Field {
                name: f.name,
                value: if f.value_html.is_empty() {
                    f.value
                } else {
                    f.value_html
                },
                verified_at: f.verified_at.map(iso),
            })
            .collect(),
    }
}

/// The signed-in user's own account, with `source` and `role`.
#[derive(Serialize)]
pub struct CredentialAccount {
    #[serde(flatten)]
    pub account: Account,
    pub source: Value,
    pub role: Value,
}

pub fn credential_account(
    a: &Row,
    user: &User,
    urls: &Urls<'_>,
    follow_requests_count: i64,
) -> CredentialAccount {
    let settings: Value = serde_json::from_str(&user.settings_json).unwrap_or(Value::Null);
    let fields: Vec<Value> = fields_of(a)
        .into_iter()
        .map(|f| json!({"name": f.name, "value": f.value, "verified_at": f.verified_at.map(iso)}))
        .collect();
    CredentialAccount {
        account: account(a, urls),
        source: json!({
            "privacy": settings.get("default_privacy").and_then(Value::as_str).unwrap_or("public"),
            "sensitive": settings.get("default_sensitive").and_then(Value::as_bool).unwrap_or(false),
            "language": settings.get("default_language").and_then(Value::as_str),
            "note": a.note_source,
            "fields": fields,
            "follow_requests_count": follow_requests_count,
            "hide_collections": a.hide_collections,
            "discoverable": a.discoverable,
            "indexable": a.indexable,
            "attribution_domains": settings.get("attribution_domains").cloned().unwrap_or_else(|| json!([])),
        }),
        role: role(&user.role),
    }
}

/// Mastodon's built-in roles: permission bits as Mastodon defines them.
fn role(name: &str) -> Value {
    let (id, label, permissions) = match name {
        "owner" => ("3", "Owner", "1"),
        "admin" => ("2", "Admin", "983036"),
        "moderator" => ("1", "Moderator", "1308"),
        _ => ("-99", "", "65536"),
    };
    json!({"id": id, "name": label, "permissions": permissions, "color": "", "highlighted": name != "user"})
}
