//! A small, forgiving HTML tag reader: start tags with their attributes (entities decoded),
//! and the text of `<title>`. Enough to find `rel="me"` links, OpenGraph `<meta>` tags and
//! the links of a status; it never builds a tree and never fails.

/// A start tag: its lowercase name and attributes (lowercase names, decoded values).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tag {
    pub name: String,
    pub attrs: Vec<(String, String)>,
}

impl Tag {
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// Whether a space-separated attribute (`rel`, `class`) has `token`.
    pub fn has_token(&self, attr: &str, token: &str) -> bool {
        self.attr(attr)
            .is_some_and(|v| v.split_ascii_whitespace().any(|t| t.eq_ignore_ascii_case(token)))
    }
}

/// Every start tag of `html`, in order (`<script>` and `<style>` contents skipped).
pub fn tags(html: &str) -> Vec<Tag> {
    let mut out = Vec::new();
    let b = html.as_bytes();
    let mut i = 0;
    while let Some(rel) = html[i..].find('<') {
        i += rel + 1;
        if html[i..].starts_with("!--") {
            i = html[i..].find("-->").map_or(b.len(), |e| i + e + 3);
            continue;
        }
        let start = i;
        while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'-') {
            i += 1;
        }
        if i == start {
            continue;
        }
        let name = html[start..i].to_ascii_lowercase();
        let (attrs, end) = attributes(html, i);
        i = end;
        if name == "script" || name == "style" {
            let close = format!("</{name}");
            i = find_ci(html, i, &close).unwrap_or(b.len());
        }
        out.push(Tag { name, attrs });
    }
    out
}

/// The text of the first `<title>`, entities decoded and whitespace collapsed.
pub fn title(html: &str) -> Option<String> {
    let open = find_ci(html, 0, "<title")?;
    let start = html[open..].find('>')? + open + 1;
    let end = find_ci(html, start, "</title")?;
    let text = decode(&html[start..end]);
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    (!text.is_empty()).then_some(text)
}

fn find_ci(hay: &str, from: usize, needle: &str) -> Option<usize> {
    let lower = hay.get(from..)?.to_ascii_lowercase();
    lower.find(&needle.to_ascii_lowercase()).map(|p| p + from)
}

/// Attributes from `i` to the end of the tag; returns them and the index after `>`.
fn attributes(html: &str, mut i: usize) -> (Vec<(String, String)>, usize) {
    let b = html.as_bytes();
    let mut attrs = Vec::new();
    loop {
        while i < b.len() && (b[i].is_ascii_whitespace() || b[i] == b'/') {
            i += 1;
        }
        if i >= b.len() {
            return (attrs, i);
        }
        if b[i] == b'>' {
            return (attrs, i + 1);
        }
        let start = i;
        while i < b.len() && !b[i].is_ascii_whitespace() && !matches!(b[i], b'=' | b'>' | b'/') {
            i += 1;
        }
        let name = html[start..i].to_ascii_lowercase();
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        let mut value = String::new();
        if i < b.len() && b[i] == b'=' {
            i += 1;
            while i < b.len() && b[i].is_ascii_whitespace() {
                i += 1;
            }
            if i < b.len() && (b[i] == b'"' || b[i] == b'\'') {
                let quote = b[i];
                let vstart = i + 1;
                let vend = html[vstart..]
                    .bytes()
                    .position(|c| c == quote)
                    .map_or(b.len(), |p| vstart + p);
                value = decode(&html[vstart..vend]);
                i = (vend + 1).min(b.len());
            } else {
                let vstart = i;
                while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'>' {
                    i += 1;
                }
                value = decode(&html[vstart..i]);
            }
        }
        if !name.is_empty() {
            attrs.push((name, value));
        }
    }
}

/// Decodes the common character references (`&amp;`, `&#39;`, `&#x2F;` …).
pub fn decode(s: &str) -> String {
    if !s.contains('&') {
        return s.to_owned();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(p) = rest.find('&') {
        out.push_str(&rest[..p]);
        rest = &rest[p..];
        let end = rest.find(';').filter(|e| *e <= 10);
        let decoded = end.and_then(|e| {
            let entity = &rest[1..e];
            let c = match entity {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some('\u{a0}'),
                _ => entity
                    .strip_prefix("#x")
                    .or_else(|| entity.strip_prefix("#X"))
                    .and_then(|h| u32::from_str_radix(h, 16).ok())
                    .or_else(|| entity.strip_prefix('#').and_then(|d| d.parse().ok()))
                    .and_then(char::from_u32),
            };
            c.map(|c| (c, e))
        });
        match decoded {
            Some((c, e)) => {
                out.push(c);
                rest = &rest[e + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The `href` of every `<a>` in order.
pub fn links(html: &str) -> Vec<Tag> {
    tags(html).into_iter().filter(|t| t.name == "a").collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_tags_and_attributes() {
        let html = r#"<html><head><title> My &amp; page </title>
            <meta property="og:title" content='Hello &quot;you&quot;'>
            <link rel="me authn" href="https://a.test/@x">
            <!-- <a rel="me" href="https://evil.test/"> -->
            <script>var s = "<a rel='me' href='https://evil.test/'>";</script>
            </head><body><a href=https://b.test/x rel=me>b</a><A HREF="/rel" CLASS="u-url mention">m</A>"#;
        let t = tags(html);
        let names: Vec<&str> = t.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "html", "head", "title", "meta", "link", "script", "body", "a", "a"
            ]
        );
        assert_eq!(t[3].attr("content"), Some("Hello \"you\""));
        assert!(t[4].has_token("rel", "me"));
        assert_eq!(t[7].attr("href"), Some("https://b.test/x"));
        assert!(t[8].has_token("class", "mention"));
        assert_eq!(title(html).as_deref(), Some("My & page"));
        assert!(
            !tags(html)
                .iter()
                .any(|t| t.attr("href") == Some("https://evil.test/"))
        );
    }

    #[test]
    fn never_fails_on_garbage() {
        for s in [
            "<",
            "<<a",
            "<a href=\"x",
            "<a href='",
            "&#xffffffff;",
            "<title>x",
            "<a =x>",
            "é<é>",
        ] {
            let _ = tags(s);
            let _ = title(s);
            let _ = decode(s);
        }
        assert_eq!(decode("a&#39;b&#x2F;c&bogus;&"), "a'b/c&bogus;&");
    }
}
