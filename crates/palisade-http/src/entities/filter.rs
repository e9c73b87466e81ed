//! Filter (v2), FilterKeyword, FilterStatus, FilterResult, and the v1 Filter.

use palisade_core::filters::{FilterMatch, FilterView};
use palisade_core::model::{Filter, FilterKeyword, FilteredStatus};
use serde_json::{Value, json};

use super::iso;

fn base(f: &Filter) -> Value {
    json!({
        "id": f.id.to_string(),
        "title": f.title,
        "context": f.context,
        "expires_at": f.expires_at.map(iso),
        "filter_action": f.action,
    })
}

pub fn filter(v: &FilterView) -> Value {
    let mut out = base(&v.filter);
    out["keywords"] = Value::Array(v.keywords.iter().map(filter_keyword).collect());
    out["statuses"] = Value::Array(v.statuses.iter().map(filter_status).collect());
    out
}

pub fn filter_keyword(k: &FilterKeyword) -> Value {
    json!({"id": k.id.to_string(), "keyword": k.keyword, "whole_word": k.whole_word})
}

pub fn filter_status(s: &FilteredStatus) -> Value {
    json!({"id": s.id.to_string(), "status_id": s.status_id.to_string()})
}

/// Why a status matched, on the status (`filtered`): the filter without its rules.
pub fn filter_result(m: &FilterMatch) -> Value {
    json!({
        "filter": base(&m.filter),
        "keyword_matches": m.keyword_matches,
        "status_matches": m.status_matches,
    })
}

/// A v1 filter: one keyword of a v2 filter.
pub fn filter_v1(k: &FilterKeyword, f: &Filter) -> Value {
    json!({
        "id": k.id.to_string(),
        "phrase": k.keyword,
        "context": f.context,
        "whole_word": k.whole_word,
        "expires_at": f.expires_at.map(iso),
        "irreversible": f.action == "hide",
    })
}
