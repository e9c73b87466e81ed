//! Mastodon's block-list CSV (`#domain,#severity,#reject_media,#reject_reports,
//! #public_comment,#obfuscate`, the header optional, columns in any order) and members' domain
//! lists (one domain per line, or a CSV with the domain first). Pure parsing: any text gives
//! rows, never an error or a panic (fuzzed: `fuzz/fuzz_targets/csv_blocklist.rs`).

use crate::policy::normalize_domain;

pub const CSV_HEADER: &str = "#domain,#severity,#reject_media,#reject_reports,#public_comment,#obfuscate";

/// One line of a block list, as written (the domain is checked by the importer).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CsvRow {
    pub domain: String,
    /// `suspend` when the column is missing or empty (Mastodon's default for imports).
    pub severity: String,
    pub reject_media: bool,
    pub reject_reports: bool,
    pub public_comment: String,
    pub obfuscate: bool,
}

/// Reads a block list's rows (blank lines skipped).
pub fn read_csv(text: &str) -> Vec<CsvRow> {
    let mut lines = text.lines().map(str::trim).filter(|l| !l.is_empty()).peekable();
    let header: Vec<String> = match lines.peek() {
        Some(h) if h.starts_with('#') => {
            let h = split_csv(h);
            lines.next();
            h.iter()
                .map(|c| c.trim().trim_start_matches('#').to_owned())
                .collect()
        }
        _ => CSV_HEADER
            .split(',')
            .map(|c| c.trim_start_matches('#').to_owned())
            .collect(),
    };
    let col = |name: &str| header.iter().position(|h| h == name);
    lines
        .map(|line| {
            let cells = split_csv(line);
            let cell = |name: &str| {
                col(name)
                    .and_then(|i| cells.get(i))
                    .map(|s| s.trim().to_owned())
                    .unwrap_or_default()
            };
            let flag = |name: &str| matches!(cell(name).as_str(), "true" | "1" | "TRUE" | "True");
            CsvRow {
                domain: cell("domain"),
                severity: Some(cell("severity"))
                    .filter(|s| !s.is_empty())
                    .unwrap_or_else(|| "suspend".into()),
                reject_media: flag("reject_media"),
                reject_reports: flag("reject_reports"),
                public_comment: cell("public_comment"),
                obfuscate: flag("obfuscate"),
            }
        })
        .collect()
}

/// A member's list of domains: the valid ones (normalised, each once, in order) and how many
/// lines were not a domain. Lines starting with `#` are comments.
pub fn read_domain_list(text: &str) -> (Vec<String>, usize) {
    let mut wanted = Vec::new();
    let mut invalid = 0;
    for line in text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
    {
        let first = line.split(',').next().unwrap_or("").trim_matches('"');
        match normalize_domain(first) {
            Some(d) if !wanted.contains(&d) => wanted.push(d),
            Some(_) => {}
            None => invalid += 1,
        }
    }
    (wanted, invalid)
}

/// A cell, quoted when it must be.
pub fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

/// Splits one CSV line, honouring quotes.
fn split_csv(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                cur.push('"');
                chars.next();
            }
            ('"', _) => quoted = !quoted,
            (',', false) => out.push(std::mem::take(&mut cur)),
            _ => cur.push(c),
        }
    }
    out.push(cur);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_with_and_without_header() {
        let rows = read_csv(
            "#domain,#severity,#public_comment\nbad.example,silence,\"spam, lots\"\n\nworse.example,,x",
        );
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].public_comment, "spam, lots");
        assert_eq!(rows[0].severity, "silence");
        assert_eq!(rows[1].severity, "suspend");
        let rows = read_csv("bad.example,silence,true");
        assert_eq!(rows[0].domain, "bad.example");
        assert!(rows[0].reject_media);
        assert_eq!(
            read_domain_list("a.example\n# c\nnot a domain\nA.example\nb.example,x"),
            (vec!["a.example".into(), "b.example".into()], 1)
        );
    }
}
