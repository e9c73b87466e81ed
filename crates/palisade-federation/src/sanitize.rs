//! Remote HTML, cleaned to what Mastodon keeps: paragraphs, line breaks, links, mentions and
//! hashtags, a few inline styles of emphasis, lists, quotes and code. Everything else (scripts,
//! styles, images, event handlers, javascript: links) is removed.

use std::collections::HashSet;
use std::sync::LazyLock;

static CLEANER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut b = ammonia::Builder::empty();
    b.add_tags([
        "p",
        "br",
        "span",
        "a",
        "del",
        "s",
        "pre",
        "code",
        "em",
        "strong",
        "b",
        "i",
        "u",
        "ul",
        "ol",
        "li",
        "blockquote",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "sup",
        "sub",
    ])
    .add_tag_attributes("a", ["href", "translate"])
    .add_tag_attributes("span", ["translate"])
    .add_tag_attributes("ol", ["start", "reversed"])
    .add_tag_attributes("li", ["value"])
    .url_schemes(HashSet::from([
        "http", "https", "dat", "dweb", "ipfs", "ipns", "ssb", "gopher", "xmpp", "magnet", "gemini",
    ]))
    .link_rel(Some("nofollow noopener noreferrer"))
    .allowed_classes(std::collections::HashMap::from([
        (
            "a",
            HashSet::from([
                "mention",
                "hashtag",
                "u-url",
                "h-card",
                "status-link",
                "unhandled-link",
            ]),
        ),
        (
            "span",
            HashSet::from(["h-card", "invisible", "ellipsis", "mention", "hashtag"]),
        ),
    ]))
    .strip_comments(true);
    b
});

/// Cleans remote HTML. The result is stable: cleaning it again changes nothing (what a
/// browser parses from it is what was cleaned).
pub fn clean(html: &str) -> String {
    // Some trees the parser builds from broken markup (links inside links, after the
    // adoption agency algorithm) serialize to HTML that parses differently: cleaning is
    // repeated until it no longer changes anything (once more in practice).
    let mut out = clean_once(html);
    for _ in 0..3 {
        let again = clean_once(&out);
        if again == out {
            break;
        }
        out = again;
    }
    out
}

fn clean_once(html: &str) -> String {
    // A newline right after `<pre>` is dropped by every HTML parser, so one that belongs
    // to the text must be written twice (as the HTML standard serializes it); the cleaner's
    // serializer writes it once, and cleaning again would eat it. `<pre>` carries no
    // attribute here, and a `<` in text is escaped, so the tag is matched exactly.
    CLEANER.clean(html).to_string().replace("<pre>\n", "<pre>\n\n")
}

/// Plain text of a display name or similar field: tags removed, entities decoded by the
/// cleaner, whitespace collapsed.
pub fn plain(text: &str) -> String {
    let stripped = ammonia::Builder::empty().clean(text).to_string();
    stripped
        .replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_html_is_removed() {
        let out = clean(
            r#"<p onclick="x()">hi <script>alert(1)</script><a href="javascript:alert(1)">j</a> <a href="https://ok.example/" class="mention evil">@ok</a><img src=x onerror=y><style>p{}</style></p>"#,
        );
        assert!(
            !out.contains("script")
                && !out.contains("onclick")
                && !out.contains("javascript")
                && !out.contains("<img")
        );
        assert!(
            out.contains(
                r#"<a href="https://ok.example/" class="mention" rel="nofollow noopener noreferrer">@ok</a>"#
            ),
            "{out}"
        );
        assert_eq!(plain("<b>Al</b>ice &amp; co"), "Alice & co");
    }

    /// Found by the `sanitize` fuzz target: a text starting with a newline inside `<pre>`.
    #[test]
    fn a_newline_opening_pre_survives_cleaning_twice() {
        let once = clean("<pre>\n\ncode</pre>");
        assert_eq!(once, "<pre>\n\ncode</pre>");
        assert_eq!(clean(&once), once);
        assert_eq!(clean("<pre>\ncode</pre>"), "<pre>code</pre>");
    }

    /// Found by the `sanitize` fuzz target: broken markup that leaves a link inside a link.
    #[test]
    fn links_inside_links_come_out_stable() {
        let input = String::from_utf8_lossy(include_bytes!(
            "../../../fuzz/corpus/sanitize/regression-nested-links"
        ))
        .into_owned();
        let once = clean(&input);
        assert_eq!(clean(&once), once);
    }
}
