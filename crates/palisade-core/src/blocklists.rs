//! Publishing and importing domain block lists in Mastodon's CSV format
//! (`#domain,#severity,#reject_media,#reject_reports,#public_comment,#obfuscate`), and the
//! public list of `/api/v1/instance/domain_blocks`.

use palisade_store::domain_policies::{self as store, DomainBlock, Impact};
use palisade_store::{Severity, accounts, domains};

use crate::csv::{CsvRow, csv_field, read_csv};
use crate::moderation::BlockParams;
use crate::policy::normalize_domain;
use crate::settings::BlocklistVisibility;
use crate::{Core, Result};

pub use crate::csv::CSV_HEADER;

/// What an import would do (or did) with one line.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct ImportLine {
    pub domain: String,
    /// `create`, `update`, `unchanged`, `skip` (a stricter block covers it) or `invalid`.
    pub change: String,
    pub severity: String,
    pub detail: String,
    /// In a preview, what the line's new severity reaches here (accounts, statuses, and
    /// for a suspension the relationships it ends), when it covers a domain known here and
    /// makes that domain's policy stricter.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub impact: Option<Impact>,
}

/// A preview of an import: each line, and what its new suspensions reach together.
#[derive(Clone, Debug, serde::Serialize)]
pub struct ImportPreview {
    pub lines: Vec<ImportLine>,
    /// The lines that suspend a domain known here, counted together: a member tied to two
    /// of those domains is one member, a subdomain listed beside its parent counts once.
    pub suspensions: Impact,
}

impl ImportLine {
    /// The line's impact in words, when it has one.
    pub fn reach(&self) -> Option<String> {
        let i = self.impact.as_ref()?;
        Some(match Severity::parse(&self.severity) {
            Some(Severity::Suspend) => format!(
                "ends {} relationships of {} members; hides {} accounts and {} statuses",
                i.relationships, i.members_affected, i.accounts, i.statuses
            ),
            _ => format!("limits {} accounts and their {} statuses", i.accounts, i.statuses),
        })
    }
}

impl ImportPreview {
    /// What the import's suspensions do together, in words (`None`: they touch nothing here).
    pub fn summary(&self) -> Option<String> {
        let s = &self.suspensions;
        (s.accounts > 0).then(|| {
            format!(
                "Its suspensions end {} relationships of {} members (each is told), and hide {} accounts, {} statuses and {} media files.",
                s.relationships, s.members_affected, s.accounts, s.statuses, s.media
            )
        })
    }
}

/// The domain as the public sees it: with `obfuscate`, letters in the middle become `*`.
pub fn public_domain(b: &DomainBlock) -> String {
    if !b.obfuscate {
        return b.domain.clone();
    }
    let chars: Vec<char> = b.domain.chars().collect();
    let len = chars.len();
    chars
        .iter()
        .enumerate()
        .map(|(i, c)| {
            if *c == '.' || i < len / 4 || i >= len - len / 4 {
                *c
            } else {
                '*'
            }
        })
        .collect()
}

impl Core {
    /// The instance's blocks as Mastodon's CSV (obfuscated domains are exported in full: the
    /// file is for other admins).
    pub async fn export_instance_blocklist(&self) -> Result<String> {
        let mut out = format!("{CSV_HEADER}\n");
        for b in self.domain_blocks_admin().await? {
            out.push_str(&format!(
                "{},{},{},{},{},{}\n",
                csv_field(&b.domain),
                b.severity,
                b.reject_media,
                b.reject_reports,
                csv_field(b.public_comment.as_deref().unwrap_or("")),
                b.obfuscate
            ));
        }
        Ok(out)
    }

    /// Imports a Mastodon CSV: with `dry_run`, only says what would change.
    pub async fn import_instance_blocklist(
        &self,
        actor: Option<i64>,
        csv: &str,
        dry_run: bool,
    ) -> Result<Vec<ImportLine>> {
        let mut report = Vec::new();
        for row in read_csv(csv) {
            let CsvRow {
                domain: raw_domain,
                severity,
                reject_media,
                reject_reports,
                public_comment,
                obfuscate,
            } = row;
            let Some(domain) =
                normalize_domain(&raw_domain).filter(|d| !d.eq_ignore_ascii_case(&self.settings.domain))
            else {
                report.push(ImportLine {
                    domain: raw_domain,
                    change: "invalid".into(),
                    severity,
                    detail: "not a valid domain, or this server's own".into(),
                    impact: None,
                });
                continue;
            };
            let Some(wanted) = Severity::parse(&severity) else {
                report.push(ImportLine {
                    domain,
                    change: "invalid".into(),
                    severity,
                    detail: "unknown severity".into(),
                    impact: None,
                });
                continue;
            };
            let mut params = BlockParams {
                domain: domain.clone(),
                severity: Some(wanted),
                reject_media: Some(reject_media),
                reject_reports: Some(reject_reports),
                public_comment: Some(public_comment).filter(|c| !c.is_empty()),
                obfuscate: Some(obfuscate),
                ..Default::default()
            };
            let existing = self.policies().await?.block_for(&domain).cloned();
            let (change, detail) = match &existing {
                Some(b) if b.domain == domain => {
                    // An import only tightens: the stricter severity, every flag either side
                    // sets, our own comments kept.
                    params.severity = Some(b.severity.max(wanted));
                    params.reject_media = Some(b.reject_media || reject_media);
                    params.reject_reports = Some(b.reject_reports || reject_reports);
                    params.obfuscate = Some(b.obfuscate || obfuscate);
                    if b.public_comment.is_some() {
                        params.public_comment = None;
                    }
                    let mut updated = params.clone().applied_to(b.clone())?;
                    updated.updated_at = b.updated_at;
                    if updated == *b {
                        ("unchanged", String::new())
                    } else {
                        ("update", format!("was {}", b.severity))
                    }
                }
                Some(b) if b.severity >= wanted => {
                    ("skip", format!("{} already has a {} block", b.domain, b.severity))
                }
                _ => ("create", String::new()),
            };
            if !dry_run {
                match (change, &existing) {
                    ("create", _) => {
                        self.create_domain_block(actor, params).await?;
                    }
                    ("update", Some(b)) => {
                        self.update_domain_block(actor, b.id, params).await?;
                    }
                    _ => {}
                }
            }
            report.push(ImportLine {
                domain,
                change: change.into(),
                severity,
                detail,
                impact: None,
            });
        }
        Ok(report)
    }

    /// What importing `csv` would do, line by line, with the impact of each line that makes
    /// a known domain's policy stricter (silence or suspension), and of its suspensions
    /// together. Only domains that cover one known here are counted (most of a shared list
    /// names servers this instance has never met).
    pub async fn preview_blocklist_import(&self, csv: &str) -> Result<ImportPreview> {
        let mut lines = self.import_instance_blocklist(None, csv, true).await?;
        let known = accounts::known_domains(&self.db).await?;
        let policies = self.policies().await?;
        let mut suspended = Vec::new();
        for line in &mut lines {
            let Some(wanted) = Severity::parse(&line.severity) else {
                continue;
            };
            let before = policies.block_for(&line.domain).map(|b| b.severity);
            let stricter = matches!(line.change.as_str(), "create" | "update")
                && wanted > Severity::Noop
                && before.is_none_or(|b| b < wanted);
            if !stricter || !known.iter().any(|k| domains::covers(&line.domain, k)) {
                continue;
            }
            line.impact = Some(store::impact(&self.db, &line.domain).await?);
            if wanted == Severity::Suspend {
                suspended.push(line.domain.as_str());
            }
        }
        let suspensions = store::impact_of(&self.db, &suspended).await?;
        Ok(ImportPreview { lines, suspensions })
    }

    /// `/api/v1/instance/domain_blocks`: `None` when the visibility setting hides the list
    /// from this caller.
    pub async fn public_blocklist(&self, signed_in: bool) -> Result<Option<Vec<DomainBlock>>> {
        let visible = match self.federation_mode().await?.domain_blocks_visibility {
            BlocklistVisibility::Everyone => true,
            BlocklistVisibility::Users => signed_in,
            BlocklistVisibility::Nobody => false,
        };
        if !visible {
            return Ok(None);
        }
        // As Mastodon: only blocks members would notice (silence, suspend), strictest first;
        // lapsed ones are gone.
        let now = palisade_store::now_ms();
        let mut list: Vec<DomainBlock> = self
            .domain_blocks_admin()
            .await?
            .into_iter()
            .filter(|b| b.severity != Severity::Noop && b.expires_at.is_none_or(|e| e > now))
            .collect();
        list.sort_by_key(|b| std::cmp::Reverse(b.severity));
        Ok(Some(list))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_round_trip_pieces() {
        assert_eq!(
            read_csv(r#"a.test,suspend,false,true,"hello, ""world""",false"#)[0].public_comment,
            r#"hello, "world""#
        );
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        let b = DomainBlock {
            id: 1,
            domain: "threads.example".into(),
            severity: Severity::Suspend,
            reject_media: false,
            reject_reports: false,
            private_comment: None,
            public_comment: None,
            obfuscate: true,
            expires_at: None,
            severance_event_id: None,
            created_at: 0,
            updated_at: 0,
        };
        let shown = public_domain(&b);
        assert_eq!(shown.len(), b.domain.len());
        assert!(shown.contains('*') && shown.starts_with("thr") && shown.ends_with("ple"));
    }
}
