//! The activities stand-in peers send: a public `Create(Note)` by a remote actor that
//! mentions a local member, shaped like Mastodon's.

use serde_json::{Value, json};

const PUBLIC: &str = "https://www.w3.org/ns/activitystreams#Public";

/// Note number `seq` by `actor`, mentioning the local member `mention_uri` (`@handle`).
pub fn create_note(actor: &str, seq: usize, mention_uri: &str, handle: &str) -> Value {
    let id = format!("{actor}/statuses/{seq}");
    let published = httpdate_iso();
    let to = json!([PUBLIC]);
    let cc = json!([format!("{actor}/followers"), mention_uri]);
    json!({
        "@context": ["https://www.w3.org/ns/activitystreams", {"sensitive": "as:sensitive"}],
        "id": format!("{id}/activity"),
        "type": "Create",
        "actor": actor,
        "published": published,
        "to": to,
        "cc": cc,
        "object": {
            "id": id,
            "type": "Note",
            "attributedTo": actor,
            "published": published,
            "url": id,
            "to": to,
            "cc": cc,
            "sensitive": false,
            "content": format!(
                "<p><span class=\"h-card\"><a href=\"{mention_uri}\" class=\"u-url mention\">@<span>{handle}</span></a></span> \
                 note number {seq} from a stand-in peer, about as long as an ordinary post.</p>"
            ),
            "tag": [{"type": "Mention", "href": mention_uri, "name": format!("@{handle}")}],
        }
    })
}

/// The current time as ISO 8601 (seconds), as ActivityPub dates are written.
fn httpdate_iso() -> String {
    let now = time::OffsetDateTime::now_utc()
        .replace_nanosecond(0)
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    now.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notes_have_unique_ids_on_the_actors_server() {
        let note = create_note(
            "http://s1.test:1/users/u1",
            7,
            "http://127.0.0.1:2/users/bench",
            "bench",
        );
        assert_eq!(note["object"]["id"], "http://s1.test:1/users/u1/statuses/7");
        assert_eq!(note["id"], "http://s1.test:1/users/u1/statuses/7/activity");
        assert!(note["published"].as_str().unwrap().ends_with('Z'));
    }
}
