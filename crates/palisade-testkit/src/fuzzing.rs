//! What each fuzz target does with its input, and the properties it checks. The libFuzzer
//! targets in `fuzz/fuzz_targets/` call these; `tests/fuzz_corpus.rs` replays the committed
//! corpus through the same functions in every `cargo test`. Every function must return for
//! any input; a panic is a bug (an `assert!` here is a property that must always hold).

use std::time::{Duration, SystemTime};

use axum::http::{HeaderMap, HeaderName, HeaderValue};
use palisade_core::content::{self, MentionRef, ResolvedMention};
use palisade_federation::signatures::{self, SignedRequest};
use palisade_federation::{nodeinfo, sanitize, vocab};
use serde_json::Value;

/// What a target does with one input.
pub type Target = fn(&[u8]);

/// The targets by name (the folder names under `fuzz/corpus/`).
pub const TARGETS: &[(&str, Target)] = &[
    ("signature", signature),
    ("digest", digest),
    ("activity", activity),
    ("sanitize", sanitize_html),
    ("content", status_text),
    ("params", params),
    ("csv_blocklist", csv_blocklist),
    ("discovery", discovery),
    ("media_file", media_file),
    ("html_page", html_page),
];

/// Splits fuzz input into lines (header lines, then an empty line, then the body).
fn lines(data: &[u8]) -> (Vec<&str>, &[u8]) {
    let text = std::str::from_utf8(data).unwrap_or("");
    let (head, body) = match text.split_once("\n\n") {
        Some((h, b)) => (h, b.as_bytes()),
        None => (text, &[][..]),
    };
    (head.lines().collect(), body)
}

/// Signature headers (draft-cavage `Signature`, RFC 9421 `Signature-Input`/`Signature`,
/// `Digest`, `Content-Digest`, `Date`…): parsed and checked against the request.
pub fn signature(data: &[u8]) {
    let (head, body) = lines(data);
    let mut headers = HeaderMap::new();
    for line in head.iter().skip(1) {
        if let Some((name, value)) = line.split_once(':')
            && let (Ok(n), Ok(v)) = (
                HeaderName::from_bytes(name.trim().as_bytes()),
                HeaderValue::from_str(value.trim()),
            )
        {
            headers.append(n, v);
        }
    }
    let request_line = head.first().copied().unwrap_or("POST /inbox");
    let (method, path) = request_line.split_once(' ').unwrap_or(("POST", "/inbox"));
    let req = SignedRequest {
        method,
        path_and_query: path,
        authority: "palisade.test",
        scheme: "https",
        headers: &headers,
        body,
    };
    // A fixed "now" near the Date headers the corpus uses.
    let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_767_225_600);
    let _ = signatures::inspect(&req, now);
}

/// `Digest` and `Content-Digest` values against a body.
pub fn digest(data: &[u8]) {
    let (head, body) = lines(data);
    for value in head {
        let _ = signatures::check_digest(value, body);
        let _ = signatures::check_content_digest(value, body);
    }
}

/// An incoming activity, however odd: every reading the inbox and handlers do.
pub fn activity(data: &[u8]) {
    let Ok(v) = serde_json::from_slice::<Value>(data) else {
        return;
    };
    let _ = vocab::id_of(&v);
    let _ = vocab::kind(&v);
    let _ = vocab::audience(&v);
    let _ = vocab::timestamp_ms(&v, "published");
    let _ = vocab::text(&v, "content");
    let _ = palisade_federation::inbox::ordering_key(&v);
    if let Some(object) = v.get("object") {
        let _ = vocab::ids(object);
        let _ = vocab::first(object).map(vocab::kind);
        let _ = palisade_federation::parse_actor(object);
    }
    let _ = palisade_federation::parse_actor(&v);
    for field in ["id", "actor", "attributedTo", "inReplyTo"] {
        if let Some(id) = v.get(field).and_then(vocab::id_of) {
            let _ = vocab::host_of(&id);
            let _ = vocab::same_origin(&id, "https://palisade.test/users/a");
        }
    }
}

/// Remote HTML: the result has no script, no event handler, no `javascript:` URL, and
/// cleaning it again changes nothing.
pub fn sanitize_html(data: &[u8]) {
    let html = String::from_utf8_lossy(data);
    let clean = sanitize::clean(&html);
    let lower = clean.to_ascii_lowercase();
    assert!(!lower.contains("<script"), "script survived: {clean}");
    assert!(!has_script_url(&lower), "javascript: URL survived: {clean}");
    assert!(!has_event_handler(&lower), "event handler survived: {clean}");
    assert_eq!(sanitize::clean(&clean), clean, "cleaning is not idempotent");
    let _ = sanitize::plain(&html);
}

/// The attributes (name, value) of every tag of `html`, read as a browser would: values in
/// quotes may hold blanks, `=` and `on…` text without being attributes themselves.
fn attributes(html: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for tag in html.split('<').skip(1) {
        let mut chars = tag.chars().peekable();
        // The tag name.
        while chars
            .peek()
            .is_some_and(|c| !c.is_whitespace() && *c != '>' && *c != '/')
        {
            chars.next();
        }
        loop {
            while chars.peek().is_some_and(|c| c.is_whitespace() || *c == '/') {
                chars.next();
            }
            if chars.peek().is_none_or(|c| *c == '>') {
                break;
            }
            let mut name = String::new();
            while let Some(&c) = chars.peek() {
                if c.is_whitespace() || c == '=' || c == '>' || c == '/' {
                    break;
                }
                name.push(c);
                chars.next();
            }
            let mut value = String::new();
            if chars.peek() == Some(&'=') {
                chars.next();
                match chars.peek().copied() {
                    Some(q @ ('"' | '\'')) => {
                        chars.next();
                        for c in chars.by_ref() {
                            if c == q {
                                break;
                            }
                            value.push(c);
                        }
                    }
                    _ => {
                        while let Some(&c) = chars.peek() {
                            if c.is_whitespace() || c == '>' {
                                break;
                            }
                            value.push(c);
                            chars.next();
                        }
                    }
                }
            }
            if name.is_empty() {
                chars.next();
            } else {
                out.push((name, value));
            }
        }
    }
    out
}

/// An attribute whose value is a script URL (browsers skip leading blanks and controls).
fn has_script_url(html: &str) -> bool {
    attributes(html).iter().any(|(_, value)| {
        let v = value.trim_start_matches(|c: char| c.is_whitespace() || c.is_control());
        v.starts_with("javascript:") || v.starts_with("vbscript:") || v.starts_with("data:text/html")
    })
}

/// An `on…` attribute (an event handler).
fn has_event_handler(html: &str) -> bool {
    attributes(html).iter().any(|(name, _)| name.starts_with("on"))
}

/// A member's status text: mentions, links and hashtags; what comes out is escaped HTML.
pub fn status_text(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let resolve = |m: &MentionRef| {
        Some(ResolvedMention {
            username: m.username.clone(),
            domain: m.domain.clone(),
            url: format!("https://palisade.test/@{}", m.username),
            account_id: 1,
        })
    };
    let rendered = content::render(&text, "https://palisade.test", &resolve);
    let lower = rendered.html.to_ascii_lowercase();
    assert!(!lower.contains("<script"), "{}", rendered.html);
    assert!(!has_script_url(&lower), "{}", rendered.html);
    let _ = content::counted_length(&text);
    let _ = content::mentions(&text);
    let _ = content::render_inline(&text);
}

/// Rails-style parameters (`a[b][]=c`) from a query string, then the size checks.
pub fn params(data: &[u8]) {
    let query = String::from_utf8_lossy(data);
    let parsed = palisade_http::extract::parse_query(&query);
    let _ = palisade_http::extract::check_params(&parsed);
}

/// An uploaded block list (admins') and domain list (members').
pub fn csv_blocklist(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    for row in palisade_core::csv::read_csv(&text) {
        let _ = palisade_core::policy::normalize_domain(&row.domain);
    }
    let (domains, _) = palisade_core::csv::read_domain_list(&text);
    for d in domains {
        assert!(palisade_core::policy::normalize_domain(&d).as_deref() == Some(d.as_str()));
    }
}

/// WebFinger and NodeInfo documents from peers.
pub fn discovery(data: &[u8]) {
    let Ok(v) = serde_json::from_slice::<Value>(data) else {
        return;
    };
    let _ = palisade_federation::webfinger_self_link(&v);
    let _ = nodeinfo::schema_link(&v);
    let _ = nodeinfo::software_of(&v);
}

/// An uploaded or fetched file: its type from its first bytes, then, for images, the whole
/// pipeline (the pixel budget before decoding, decoding, orientation, resizing, encoding),
/// and a GIF's, PNG's or WebP's copy without metadata (animated emoji). Properties: never a panic;
/// what is stored stays within Mastodon's pixel limits and carries no EXIF block; a stripped
/// GIF, PNG or WebP keeps its frames (and size) and strips again to itself.
pub fn media_file(data: &[u8]) {
    use palisade_media::image::{Shape, process};
    use palisade_media::{limits, testdata::contains};
    let Ok(format) = palisade_media::format::detect(data) else {
        return;
    };
    let frames = palisade_media::format::gif_frames(data, 3);
    if let Some(clean) = palisade_media::gif::strip_metadata(data) {
        assert_eq!(palisade_media::format::gif_frames(&clean, 3), frames);
        assert_eq!(palisade_media::gif::strip_metadata(&clean).as_ref(), Some(&clean));
    }
    if let Some(clean) = palisade_media::apng::strip_metadata(data) {
        use palisade_media::apng;
        assert_eq!(apng::frames(&clean), apng::frames(data));
        assert_eq!(apng::size(&clean), apng::size(data));
        assert_eq!(apng::strip_metadata(&clean).as_ref(), Some(&clean));
    }
    if let Some(clean) = palisade_media::webp::strip_metadata(data) {
        use palisade_media::webp;
        assert_eq!(webp::frames(&clean), webp::frames(data));
        assert_eq!(webp::size(&clean), webp::size(data));
        assert_eq!(webp::strip_metadata(&clean).as_ref(), Some(&clean));
    }
    if !format.is_native_image() {
        return;
    }
    for shape in [Shape::Attachment, Shape::Avatar] {
        if let Ok(p) = process(data, format, shape) {
            for (img, max) in [
                (&p.original, limits::ORIGINAL_PIXELS),
                (&p.small, limits::SMALL_PIXELS),
            ] {
                assert!(u64::from(img.width) * u64::from(img.height) <= max);
                assert!(!contains(&img.bytes, b"Exif"));
            }
        }
    }
}

/// Web pages the instance reads (link previews, rel="me" checks) and the HTML of statuses
/// and profile fields: tags, titles, links; never a panic, and a `rel="me"` match only for
/// the exact profile given.
pub fn html_page(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let _ = palisade_core::html::tags(&text);
    let _ = palisade_core::html::title(&text);
    let _ = palisade_core::cards::first_link(&text);
    let _ = palisade_core::links::field_link(&text);
    let me = vec!["https://ours.test/@alice".to_owned()];
    if palisade_core::links::links_back(&text, &me) {
        assert!(text.to_ascii_lowercase().contains("ours.test/@alice"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The property checks can fail: they see real handlers and script URLs, and not text
    /// inside attribute values.
    #[test]
    fn checks_see_handlers_and_script_urls_only_where_they_are() {
        assert!(has_event_handler("<p><a onclick=\"x()\">a</a></p>"));
        assert!(has_event_handler("<img/onerror=alert(1)>"));
        assert!(!has_event_handler(
            "<a href=\"https://x.test/?q= onclick=1\">a</a>"
        ));
        assert!(!has_event_handler("<p>say onclick=hi</p>"));
        assert!(has_script_url("<a href=\" javascript:alert(1)\">a</a>"));
        assert!(has_script_url("<a href=javascript:x>a</a>"));
        assert!(!has_script_url("<p>javascript:alert(1)</p>"));
        assert!(!has_script_url(
            "<a title=\"x\" href=\"https://x.test/javascript:\">a</a>"
        ));
    }
}
