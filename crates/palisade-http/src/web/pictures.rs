//! Avatars, headers and custom emoji on the web pages. Every image is this instance's: a
//! local file, or a remote one through `/system/proxy/…` (fetched by the instance, never by
//! the reader's browser), or the default picture when an account has none. Addresses under
//! the instance's public URL are written root-relative, so a page read under another name
//! of the instance (`localhost` and `127.0.0.1`) still loads them from where it came from.

use maud::{Markup, PreEscaped, html};
use palisade_core::emojis::{EmojiRef, account_emojis};
use palisade_core::model::Account;
use palisade_core::views::StatusView;

use crate::AppState;

/// `url` as the page uses it: root-relative when it is ours (`/system/…`), else as it is
/// (a file under `media.public_base_url`, which the Content-Security-Policy allows).
pub fn page_url(st: &AppState, url: String) -> String {
    let base = st.core.settings.public_url.trim_end_matches('/');
    match url.strip_prefix(base) {
        Some(rest) if rest.starts_with('/') => rest.to_owned(),
        _ => url,
    }
}

/// The account's avatar, or the default one, as a full URL (OpenGraph tags).
pub fn avatar_absolute(st: &AppState, a: &Account) -> String {
    let urls = st.core.urls();
    match &a.avatar_path {
        Some(p) => urls.served(p),
        None => urls.default_avatar(),
    }
}

/// The account's avatar, or the default one.
pub fn avatar_url(st: &AppState, a: &Account) -> String {
    page_url(st, avatar_absolute(st, a))
}

/// The account's header, or the default one.
pub fn header_url(st: &AppState, a: &Account) -> String {
    let urls = st.core.urls();
    let url = match &a.header_path {
        Some(p) => urls.served(p),
        None => urls.default_header(),
    };
    page_url(st, url)
}

/// A small avatar next to a name (decorative: the name follows it).
pub fn avatar(st: &AppState, a: &Account) -> Markup {
    html! { img.avatar src=(avatar_url(st, a)) alt="" width="48" height="48" loading="lazy"; }
}

/// The profile page's avatar, with the member's description of it as its text.
pub fn avatar_big(st: &AppState, a: &Account) -> Markup {
    html! { img.avatar.big src=(avatar_url(st, a)) alt=(a.avatar_description) width="96" height="96"; }
}

/// The profile page's header picture (decorative unless described).
pub fn header(st: &AppState, a: &Account) -> Markup {
    html! { img.header src=(header_url(st, a)) alt=(a.header_description) width="1500" height="500"; }
}

/// Shortcodes and the addresses of their images.
pub type Emojis = Vec<(String, String)>;

fn refs(st: &AppState, list: impl IntoIterator<Item = EmojiRef>) -> Emojis {
    let urls = st.core.urls();
    list.into_iter()
        .map(|r| (r.shortcode, page_url(st, urls.served(&r.static_path))))
        .collect()
}

/// The emoji of an account's name, bio and fields.
pub fn of_account(st: &AppState, a: &Account) -> Emojis {
    refs(st, account_emojis(&a.emojis_json))
}

/// The emoji of a status' content and content warning.
pub fn of_status(st: &AppState, v: &StatusView) -> Emojis {
    refs(st, v.emojis.iter().filter_map(EmojiRef::of))
}

fn emoji_img(code: &str, url: &str) -> String {
    let alt = format!(":{code}:");
    html! { img.emoji src=(url) alt=(alt) title=(alt) width="20" height="20"; }.into_string()
}

/// Replaces the known `:shortcodes:` of `text` (already escaped, no tags) with images.
fn replace_codes(text: &str, emojis: &Emojis, out: &mut String) {
    let mut rest = text;
    while let Some(start) = rest.find(':') {
        let after = &rest[start + 1..];
        let len = after
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(after.len());
        let known = (len >= 2 && after[len..].starts_with(':'))
            .then(|| emojis.iter().find(|(c, _)| c == &after[..len]))
            .flatten();
        match known {
            Some((code, url)) => {
                out.push_str(&rest[..start]);
                out.push_str(&emoji_img(code, url));
                rest = &after[len + 1..];
            }
            None => {
                out.push_str(&rest[..=start]);
                rest = after;
            }
        }
    }
    out.push_str(rest);
}

/// Plain text (a display name, a content warning) with its emoji as images.
pub fn text(s: &str, emojis: &Emojis) -> Markup {
    let escaped = html! { (s) }.into_string();
    if emojis.is_empty() {
        return PreEscaped(escaped);
    }
    let mut out = String::with_capacity(escaped.len());
    replace_codes(&escaped, emojis, &mut out);
    PreEscaped(out)
}

/// Stored, safe HTML (content, a bio, a field's value) with the emoji of its text nodes as
/// images; tags and their attributes are left as they are.
pub fn html(stored: &str, emojis: &Emojis) -> Markup {
    if emojis.is_empty() {
        return PreEscaped(stored.to_owned());
    }
    let mut out = String::with_capacity(stored.len());
    let mut rest = stored;
    while let Some(open) = rest.find('<') {
        replace_codes(&rest[..open], emojis, &mut out);
        let tag = &rest[open..];
        let mut quote: Option<char> = None;
        let mut end = tag.len();
        for (i, c) in tag.char_indices().skip(1) {
            match (quote, c) {
                (Some(q), c) if c == q => quote = None,
                (None, '"' | '\'') => quote = Some(c),
                (None, '>') => {
                    end = i + 1;
                    break;
                }
                _ => {}
            }
        }
        out.push_str(&tag[..end]);
        rest = &tag[end..];
    }
    replace_codes(rest, emojis, &mut out);
    PreEscaped(out)
}

/// An account's name with its emoji.
pub fn name(st: &AppState, a: &Account) -> Markup {
    text(super::page::display_name(a), &of_account(st, a))
}

#[cfg(test)]
mod tests {
    fn blob() -> super::Emojis {
        vec![("blob".into(), "/system/emoji/b.png".into())]
    }

    #[test]
    fn shortcodes_in_text_become_images() {
        let out = super::text("hi :blob: and :nope: <b>", &blob()).into_string();
        assert_eq!(
            out,
            "hi <img class=\"emoji\" src=\"/system/emoji/b.png\" alt=\":blob:\" title=\":blob:\" width=\"20\" height=\"20\"> and :nope: &lt;b&gt;"
        );
        assert_eq!(super::text("a:b::blob", &blob()).into_string(), "a:b::blob");
    }

    #[test]
    fn only_text_nodes_of_html_change() {
        let stored = r#"<p><a href="https://x.test/:blob:/" title='a>:blob:'>:blob:</a> x</p>"#;
        let out = super::html(stored, &blob()).into_string();
        assert!(
            out.starts_with(r#"<p><a href="https://x.test/:blob:/" title='a>:blob:'><img class="emoji""#),
            "{out}"
        );
        assert!(out.ends_with("</a> x</p>"), "{out}");
        assert_eq!(out.matches("<img").count(), 1, "{out}");
    }
}
