//! When a domain block covers a domain: the one rule, in Rust and in the SQL generated from
//! it. A block covers its host and every subdomain; a block without a port covers every port
//! (`threads.net` covers `threads.net:8443`), one with a port only that port; case and a
//! trailing dot (`Threads.net.`) change nothing. `policy` decides with [`covers`]; queries
//! filter with [`covers_sql`] or [`literal_covers_sql`]; `tests/api/domains.rs` proves that
//! both forms agree on both databases.

use crate::Result;
use crate::accounts::escape_like;
use crate::db::{Exec, q};

/// (block, domain, covered): the rule's cases, for the tests of both forms.
pub const CASES: &[(&str, &str, bool)] = &[
    ("threads.net", "threads.net", true),
    ("threads.net", "www.threads.net", true),
    ("threads.net", "Eu.Threads.net", true),
    ("threads.net", "notthreads.net", false),
    ("threads.net", "threads.net.evil.example", false),
    ("www.threads.net", "threads.net", false),
    // Neither a port nor a trailing dot gets around a block.
    ("threads.net", "threads.net:8443", true),
    ("threads.net", "threads.net.", true),
    ("threads.net", "eu.threads.net.:443", true),
    // A block naming a port covers that port only.
    ("127.0.0.9:3000", "127.0.0.9:3000", true),
    ("127.0.0.9:3000", "127.0.0.9:4000", false),
    ("127.0.0.9:3000", "127.0.0.9", false),
    ("example.com:8443", "a.example.com:8443", true),
    ("example.com:8443", "a.example.com:443", false),
    // Names with LIKE wildcards in them match only themselves.
    ("a_b.example", "axb.example", false),
    ("a_b.example", "a_b.example", true),
];

/// A domain as (host in lowercase without trailing dot, port if any).
pub fn host_and_port(domain: &str) -> (String, Option<&str>) {
    let (host, port) = match domain.rsplit_once(':') {
        Some((h, p)) if !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) => (h, Some(p)),
        _ => (domain, None),
    };
    (host.trim_end_matches('.').to_lowercase(), port)
}

/// Whether a block of `blocked` covers `domain`.
pub fn covers(blocked: &str, domain: &str) -> bool {
    let (bh, bp) = host_and_port(blocked);
    let (dh, dp) = host_and_port(domain);
    if bp.is_some() && bp != dp {
        return false;
    }
    !bh.is_empty() && (dh == bh || dh.ends_with(&format!(".{bh}")))
}

/// The names a block covering `domain` may have: the host and each parent, bare (any port)
/// and with the domain's port. A lookup by these names finds every block that covers it.
pub fn covering_names(domain: &str) -> Vec<String> {
    let (host, port) = host_and_port(domain);
    let mut names = Vec::new();
    let mut rest = host.as_str();
    loop {
        if let Some(p) = port {
            names.push(format!("{rest}:{p}"));
        }
        names.push(rest.to_owned());
        match rest.split_once('.') {
            Some((_, parent)) if !parent.is_empty() => rest = parent,
            _ => break,
        }
    }
    names
}

/// `col` as [`host_and_port`] would write it: lowercase, no trailing dot before the port or
/// at the end.
fn normalized(col: &str) -> String {
    format!("rtrim(replace(lower({col}), '.:', ':'), '.')")
}

/// SQL true when the block in column `block_col` covers the domain in `domain_col`. Blocks
/// are stored normalised (lowercase host, letters, digits, dots, dashes: no LIKE wildcards),
/// so they can be used as patterns.
pub fn covers_sql(block_col: &str, domain_col: &str) -> String {
    let d = normalized(domain_col);
    format!(
        "({d} = {block_col} OR {d} LIKE '%.' || {block_col} \
          OR ({block_col} NOT LIKE '%:%' AND ({d} LIKE {block_col} || ':%' OR {d} LIKE '%.' || {block_col} || ':%')))"
    )
}

/// SQL true when the block bound at `$n`..`$n+3` ([`literal_args`]) covers the domain in
/// `domain_col`.
pub fn literal_covers_sql(domain_col: &str, n: usize) -> String {
    let d = normalized(domain_col);
    format!(
        "({d} = ${n} OR {d} LIKE ${} ESCAPE '\\' OR {d} LIKE ${} ESCAPE '\\' OR {d} LIKE ${} ESCAPE '\\')",
        n + 1,
        n + 2,
        n + 3
    )
}

/// The four arguments of [`literal_covers_sql`] for a block of `blocked`: the name, its
/// subdomains, and both on any port (patterns that cannot match when the block names a port).
pub fn literal_args(blocked: &str) -> [String; 4] {
    let (host, port) = host_and_port(blocked);
    match port {
        Some(p) => {
            let d = format!("{host}:{p}");
            let e = escape_like(&d);
            // A `/` never occurs in a domain: these two patterns match nothing.
            [d, format!("%.{e}"), "/".into(), "/".into()]
        }
        None => {
            let e = escape_like(&host);
            [
                host.clone(),
                format!("%.{e}"),
                format!("{e}:%"),
                format!("%.{e}:%"),
            ]
        }
    }
}

/// What each SQL form says of `blocked` covering `domain`: (column form, literal form).
/// For the test that holds them to [`covers`].
pub async fn covers_in_sql<'a>(ex: impl Into<Exec<'a>>, blocked: &str, domain: &str) -> Result<(bool, bool)> {
    let row = q(format!(
        "SELECT CAST(CASE WHEN {} THEN 1 ELSE 0 END AS BIGINT) AS by_column, \
         CAST(CASE WHEN {} THEN 1 ELSE 0 END AS BIGINT) AS by_literal \
         FROM (SELECT CAST($1 AS TEXT) AS b, CAST($2 AS TEXT) AS d) t",
        covers_sql("t.b", "t.d"),
        literal_covers_sql("t.d", 3)
    ))
    .bind(blocked)
    .bind(domain)
    .bind_all(literal_args(blocked))
    .fetch_one(ex)
    .await?;
    Ok((row.i64("by_column")? == 1, row.i64("by_literal")? == 1))
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_rule() {
        for (block, domain, expected) in super::CASES {
            assert_eq!(super::covers(block, domain), *expected, "{block} covers {domain}");
        }
    }
}
