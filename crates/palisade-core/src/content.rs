//! Plain text as typed by a local user, turned into the HTML that Mastodon produces: links,
//! mentions and hashtags linked; paragraphs and line breaks kept; everything else escaped.

use std::sync::LazyLock;

use regex::Regex;

static MENTION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)@([a-z0-9_]+(?:[a-z0-9_.-]*[a-z0-9_])?)(?:@([a-z0-9](?:[a-z0-9.-]*[a-z0-9])?(?::\d+)?))?",
    )
    .expect("valid mention regex")
});

static HASHTAG: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"#([\p{L}\p{N}_]*[\p{L}_][\p{L}\p{N}_]*)").expect("valid hashtag regex"));

/// A mention as written: `@user` or `@user@domain`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct MentionRef {
    pub username: String,
    pub domain: Option<String>,
}

/// What a mention points at once resolved.
#[derive(Clone, Debug)]
pub struct ResolvedMention {
    pub username: String,
    pub domain: Option<String>,
    pub url: String,
    pub account_id: i64,
}

/// The result of rendering: HTML plus what it references.
#[derive(Clone, Debug, Default)]
pub struct Rendered {
    pub html: String,
    pub mention_ids: Vec<i64>,
    pub tags: Vec<String>,
}

#[derive(Debug)]
enum Token<'t> {
    Text(&'t str),
    Link(&'t str),
    Mention(&'t str, MentionRef),
    Tag(&'t str, &'t str),
}

fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Splits text into tokens; links win over mentions and hashtags inside them.
fn tokenize(text: &str) -> Vec<Token<'_>> {
    let mut spans: Vec<(usize, usize, Token<'_>)> = Vec::new();
    let mut finder = linkify::LinkFinder::new();
    finder.kinds(&[linkify::LinkKind::Url]);
    for link in finder.links(text) {
        let s = link.as_str();
        if s.starts_with("http://") || s.starts_with("https://") {
            spans.push((link.start(), link.end(), Token::Link(s)));
        }
    }
    let overlaps = |spans: &[(usize, usize, Token<'_>)], a: usize, b: usize| {
        spans.iter().any(|(s, e, _)| a < *e && *s < b)
    };
    for m in MENTION.captures_iter(text) {
        let whole = m.get(0).expect("group 0 always matches");
        let before = text[..whole.start()].chars().next_back();
        if before.is_some_and(|c| is_word(c) || c == '=' || c == '/') {
            continue;
        }
        if overlaps(&spans, whole.start(), whole.end()) {
            continue;
        }
        let mention = MentionRef {
            username: m[1].to_owned(),
            domain: m.get(2).map(|d| d.as_str().to_lowercase()),
        };
        spans.push((
            whole.start(),
            whole.end(),
            Token::Mention(whole.as_str(), mention),
        ));
    }
    for m in HASHTAG.captures_iter(text) {
        let whole = m.get(0).expect("group 0 always matches");
        let before = text[..whole.start()].chars().next_back();
        if before.is_some_and(|c| is_word(c) || c == '=' || c == '/' || c == ')' || c == '#') {
            continue;
        }
        if overlaps(&spans, whole.start(), whole.end()) {
            continue;
        }
        let name = m.get(1).expect("group 1 always matches").as_str();
        if !crate::tags::is_tag_name(name) {
            continue;
        }
        spans.push((whole.start(), whole.end(), Token::Tag(whole.as_str(), name)));
    }
    spans.sort_by_key(|(s, _, _)| *s);
    let mut out = Vec::new();
    let mut pos = 0;
    for (start, end, token) in spans {
        if start > pos {
            out.push(Token::Text(&text[pos..start]));
        }
        out.push(token);
        pos = end;
    }
    if pos < text.len() {
        out.push(Token::Text(&text[pos..]));
    }
    out
}

/// Length as Mastodon counts it toward the limit: every link counts as 23 characters and a
/// remote mention as its `@user` part (what `characters_reserved_per_url` announces).
pub fn counted_length(text: &str) -> usize {
    tokenize(text)
        .iter()
        .map(|t| match t {
            Token::Link(_) => 23,
            Token::Mention(_, m) => m.username.chars().count() + 1,
            Token::Text(s) | Token::Tag(s, _) => s.chars().count(),
        })
        .sum()
}

/// The mentions written in `text`, in order, without duplicates.
pub fn mentions(text: &str) -> Vec<MentionRef> {
    let mut out: Vec<MentionRef> = Vec::new();
    for t in tokenize(text) {
        if let Token::Mention(_, m) = t
            && !out
                .iter()
                .any(|o| o.username.eq_ignore_ascii_case(&m.username) && o.domain == m.domain)
        {
            out.push(m);
        }
    }
    out
}

/// Renders a status or a profile note. `resolve` maps a written mention to an account;
/// unresolved mentions stay plain text. `base_url` is this instance's public URL.
pub fn render(
    text: &str,
    base_url: &str,
    resolve: &dyn Fn(&MentionRef) -> Option<ResolvedMention>,
) -> Rendered {
    let mut out = Rendered::default();
    let text = text.replace("\r\n", "\n");
    let text = text.trim_matches('\n');
    if text.trim().is_empty() {
        return out;
    }
    let mut html = String::from("<p>");
    for token in tokenize(text) {
        match token {
            Token::Text(t) => push_text(&mut html, t),
            Token::Link(url) => push_link(&mut html, url),
            Token::Mention(raw, m) => match resolve(&m) {
                Some(r) => {
                    if !out.mention_ids.contains(&r.account_id) {
                        out.mention_ids.push(r.account_id);
                    }
                    html.push_str(&format!(
                        "<span class=\"h-card\" translate=\"no\"><a href=\"{}\" class=\"u-url mention\">@<span>{}</span></a></span>",
                        escape(&r.url),
                        escape(&r.username)
                    ));
                }
                None => push_text(&mut html, raw),
            },
            Token::Tag(_, name) => {
                if !out.tags.iter().any(|t| t.to_lowercase() == name.to_lowercase()) {
                    out.tags.push(name.to_owned());
                }
                html.push_str(&format!(
                    "<a href=\"{}/tags/{}\" class=\"mention hashtag\" rel=\"tag\">#<span>{}</span></a>",
                    base_url,
                    escape(&name.to_lowercase()),
                    escape(name)
                ));
            }
        }
    }
    html.push_str("</p>");
    out.html = html;
    out
}

/// Renders a single-line value (a profile field): links only, no paragraphs.
pub fn render_inline(text: &str) -> String {
    let mut html = String::new();
    for token in tokenize(text.trim()) {
        match token {
            Token::Link(url) => push_link(&mut html, url),
            Token::Text(t) | Token::Mention(t, _) | Token::Tag(t, _) => html.push_str(&escape(t)),
        }
    }
    html
}

fn push_text(html: &mut String, text: &str) {
    let escaped = escape(text);
    let mut first = true;
    for para in escaped.split("\n\n") {
        if !first {
            html.push_str("</p><p>");
        }
        first = false;
        html.push_str(&para.trim_matches('\n').replace('\n', "<br />"));
    }
}

/// Mastodon's link shape: the scheme hidden, long paths cut after 30 characters.
fn push_link(html: &mut String, url: &str) {
    let (scheme, rest) = url.split_once("://").map_or(("", url), |(s, r)| (s, r));
    let (prefix, rest) = match rest.strip_prefix("www.") {
        Some(r) => (format!("{scheme}://www."), r),
        None => (format!("{scheme}://"), rest),
    };
    let cut = rest.char_indices().nth(30).map(|(i, _)| i);
    let (shown, hidden, class) = match cut {
        Some(i) => (&rest[..i], &rest[i..], "ellipsis"),
        None => (rest, "", ""),
    };
    html.push_str(&format!(
        "<a href=\"{}\" target=\"_blank\" rel=\"nofollow noopener\" translate=\"no\"><span class=\"invisible\">{}</span><span class=\"{}\">{}</span><span class=\"invisible\">{}</span></a>",
        escape(url),
        escape(&prefix),
        class,
        escape(shown),
        escape(hidden)
    ));
}

/// Escapes text for HTML content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// The text of sanitized HTML (statuses' content): tags dropped, paragraphs and line breaks
/// as newlines, the common entities decoded. For matching filters and writing push messages.
pub fn html_to_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        out.push_str(&decode_entities(&rest[..lt]));
        let Some(gt) = rest[lt..].find('>') else {
            rest = "";
            break;
        };
        let tag = rest[lt + 1..lt + gt].trim().to_ascii_lowercase();
        if tag.starts_with("br") || (tag.starts_with("/p") && !out.is_empty()) {
            out.push('\n');
        }
        rest = &rest[lt + gt + 1..];
    }
    out.push_str(&decode_entities(rest));
    out.trim().to_owned()
}

fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_owned();
    }
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&apos;", "'")
        .replace("&nbsp;", " ")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_becomes_text() {
        assert_eq!(
            html_to_text("<p>I love <a href=\"x\">#anime</a> &amp; more</p><p>second<br>line</p>"),
            "I love #anime & more\nsecond\nline"
        );
    }

    fn alice(m: &MentionRef) -> Option<ResolvedMention> {
        (m.username == "alice" && m.domain.is_none()).then(|| ResolvedMention {
            username: "alice".into(),
            domain: None,
            url: "https://ex.test/@alice".into(),
            account_id: 7,
        })
    }

    #[test]
    fn escapes_and_keeps_paragraphs() {
        let r = render("a <b>&\nline\n\nnext", "https://ex.test", &alice);
        assert_eq!(r.html, "<p>a &lt;b&gt;&amp;<br />line</p><p>next</p>");
    }

    #[test]
    fn links_mentions_and_tags() {
        let r = render(
            "hi @alice and @bob see https://example.com/x #Rust",
            "https://ex.test",
            &alice,
        );
        assert_eq!(r.mention_ids, vec![7]);
        assert_eq!(r.tags, vec!["Rust".to_string()]);
        assert!(r.html.contains("class=\"u-url mention\">@<span>alice</span>"));
        assert!(r.html.contains("@bob"), "unresolved mention stays text");
        assert!(r.html.contains("href=\"https://example.com/x\""));
        assert!(r.html.contains("href=\"https://ex.test/tags/rust\""));
    }

    #[test]
    fn not_mentions_inside_emails_or_urls() {
        assert!(mentions("mail me at bob@alice.test").is_empty());
        assert!(mentions("https://ex.test/@alice").is_empty());
        assert_eq!(
            mentions("@Carol@Remote.Test hi @carol@remote.test"),
            vec![MentionRef {
                username: "Carol".into(),
                domain: Some("remote.test".into())
            }]
        );
    }

    #[test]
    fn links_count_as_23() {
        let text = format!("see https://example.com/{} and @bob@far.example", "x".repeat(200));
        assert_eq!(counted_length(&text), 4 + 23 + 5 + 4);
    }

    #[test]
    fn long_links_are_shortened() {
        let r = render(
            "https://example.com/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
            "https://ex.test",
            &alice,
        );
        assert!(r.html.contains("class=\"ellipsis\""));
    }

    #[test]
    fn hostile_html_is_inert() {
        let r = render("<script>alert(1)</script>\"'", "https://ex.test", &alice);
        assert!(!r.html.contains("<script"));
        assert!(r.html.contains("&quot;&#39;"));
    }
}
