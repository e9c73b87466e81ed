//! `/api/v1/instance` and `/api/v2/instance`.

use palisade_core::Settings;
use palisade_core::instance::Stats;
use palisade_core::settings::Registrations;
use serde_json::{Value, json};

/// Parseable as Mastodon 4.3 by clients that gate features on the version.
pub const VERSION: &str = concat!("4.3.0 (compatible; Palisade ", env!("CARGO_PKG_VERSION"), ")");

/// Mastodon's API revision we implement (`api_versions.mastodon`); 2 is Mastodon 4.3.
pub const API_VERSION: i64 = 2;

fn streaming_url(s: &Settings) -> String {
    s.public_url
        .replacen("https://", "wss://", 1)
        .replacen("http://", "ws://", 1)
}

fn host(s: &Settings) -> String {
    s.public_url
        .split_once("://")
        .map_or(s.domain.clone(), |(_, h)| h.to_owned())
}

pub fn rules(s: &Settings) -> Vec<Value> {
    s.instance
        .rules
        .iter()
        .enumerate()
        .map(|(i, text)| json!({"id": (i + 1).to_string(), "text": text, "hint": ""}))
        .collect()
}

fn statuses_config(s: &Settings) -> Value {
    json!({
        "max_characters": s.limits.max_status_chars,
        "max_media_attachments": 4,
        "characters_reserved_per_url": 23,
    })
}

/// The upload limits clients respect, and the types accepted here (video and audio only
/// with ffmpeg installed).
fn media_config(types: &[&str]) -> Value {
    use palisade_media::limits;
    json!({
        "supported_mime_types": types,
        "description_limit": limits::DESCRIPTION_CHARS,
        "image_size_limit": limits::IMAGE_BYTES,
        "image_matrix_limit": limits::IMAGE_MATRIX,
        "video_size_limit": limits::VIDEO_BYTES,
        "video_frame_rate_limit": limits::VIDEO_FRAME_RATE as i64,
        "video_matrix_limit": limits::VIDEO_MATRIX,
    })
}

fn polls_config() -> Value {
    use palisade_core::polls::{MAX_EXPIRATION_S, MAX_OPTION_CHARS, MAX_OPTIONS, MIN_EXPIRATION_S};
    json!({
        "max_options": MAX_OPTIONS,
        "max_characters_per_option": MAX_OPTION_CHARS,
        "min_expiration": MIN_EXPIRATION_S,
        "max_expiration": MAX_EXPIRATION_S,
    })
}

pub fn instance_v1(s: &Settings, stats: &Stats, contact: Option<Value>, types: &[&str]) -> Value {
    json!({
        "uri": host(s),
        "title": s.instance.title,
        "short_description": s.instance.description,
        "description": s.instance.description,
        "email": s.instance.contact_email,
        "version": VERSION,
        "urls": {"streaming_api": streaming_url(s)},
        "stats": {
            "user_count": stats.user_count,
            "status_count": stats.status_count,
            "domain_count": stats.domain_count,
        },
        "thumbnail": Value::Null,
        "languages": s.instance.languages,
        "registrations": s.registrations != Registrations::Closed,
        "approval_required": s.registrations == Registrations::Approval,
        "invites_enabled": false,
        "configuration": {
            "accounts": {"max_featured_tags": palisade_core::featured_tags::MAX_FEATURED_TAGS},
            "statuses": statuses_config(s),
            "media_attachments": media_config(types),
            "polls": polls_config(),
        },
        "contact_account": contact,
        "rules": rules(s),
    })
}

pub fn instance_v2(
    s: &Settings,
    stats: &Stats,
    contact: Option<Value>,
    vapid_key: &str,
    types: &[&str],
) -> Value {
    json!({
        "domain": host(s),
        "title": s.instance.title,
        "version": VERSION,
        "source_url": "https://github.com/palisade-social/palisade",
        "description": s.instance.description,
        "usage": {"users": {"active_month": stats.active_month}},
        "thumbnail": {
            "url": format!("{}/headers/original/missing.png", s.public_url),
            "description": format!("{} banner", s.instance.title),
            "blurhash": Value::Null,
            "versions": {},
        },
        "icon": [],
        "languages": s.instance.languages,
        "configuration": {
            "urls": {
                "streaming": streaming_url(s),
                "status": Value::Null,
                "about": format!("{}/about", s.public_url),
                "privacy_policy": Value::Null,
                "terms_of_service": Value::Null,
            },
            "vapid": {"public_key": vapid_key},
            "accounts": {
                "max_display_name_length": 30,
                "max_note_length": s.limits.max_note_chars,
                "max_avatar_description_length": 150,
                "max_header_description_length": 150,
                "max_featured_tags": palisade_core::featured_tags::MAX_FEATURED_TAGS,
                "max_pinned_statuses": 5,
                "max_profile_fields": s.limits.max_profile_fields,
                "profile_field_name_limit": 255,
                "profile_field_value_limit": 255,
            },
            "statuses": statuses_config(s),
            "media_attachments": media_config(types),
            "polls": polls_config(),
            "translation": {"enabled": false},
            "timelines_access": {
                "live_feeds": {"local": "public", "remote": "public"},
                "hashtag_feeds": {"local": "public", "remote": "public"},
                "trending_link_feeds": {"local": "public", "remote": "public"},
            },
            "limited_federation": false,
        },
        "registrations": {
            "enabled": s.registrations != Registrations::Closed,
            "approval_required": s.registrations == Registrations::Approval,
            "reason_required": false,
            "message": Value::Null,
            "min_age": Value::Null,
            "url": Value::Null,
        },
        "api_versions": {"mastodon": API_VERSION},
        "contact": {"email": s.instance.contact_email, "account": contact},
        "rules": rules(s),
    })
}
