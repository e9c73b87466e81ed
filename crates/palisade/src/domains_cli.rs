//! `palisade admin domain-block …`, `domain-allow …` and `audit`: the instance's domain
//! policies from the command line, with the same preview and audit trail as the admin API.
//! Actions taken here are logged without an account (the CLI runs as the machine's admin).

use std::io::{BufRead, IsTerminal, Read, Write};

use clap::{Args, Subcommand};
use palisade_core::Core;
use palisade_core::model::{DomainBlock, Severity};
use palisade_core::moderation::{BlockParams, Preview};
use palisade_http::entities::iso;

#[derive(Subcommand)]
pub enum BlockCommand {
    /// Every block, strictest first.
    List,
    /// What a block would touch, without changing anything.
    Preview {
        domain: String,
        #[arg(long, default_value = "suspend", value_parser = parse_severity)]
        severity: Severity,
    },
    /// Block a domain (and its subdomains) after showing what it would touch.
    Add {
        domain: String,
        #[command(flatten)]
        settings: BlockSettings,
        /// Only show the preview; change nothing.
        #[arg(long)]
        preview: bool,
        /// Confirm without asking (needed when not on a terminal).
        #[arg(long, short)]
        yes: bool,
    },
    /// Change a block; what is not given stays as it is.
    Update {
        domain: String,
        #[command(flatten)]
        settings: BlockSettings,
        #[arg(long)]
        preview: bool,
        #[arg(long, short)]
        yes: bool,
    },
    /// Lift a block. A suspension lifted within its grace period restores severed follows.
    Remove {
        domain: String,
        #[arg(long, short)]
        yes: bool,
    },
    /// Print the blocks as Mastodon's CSV.
    Export,
    /// Import a Mastodon CSV (a file, or - for standard input).
    Import {
        file: String,
        /// Only say what would change.
        #[arg(long)]
        dry_run: bool,
    },
}

#[derive(Args)]
pub struct BlockSettings {
    /// noop, silence (Mastodon's "limit") or suspend. A new block defaults to silence.
    #[arg(long, value_parser = parse_severity)]
    severity: Option<Severity>,
    /// Fetch none of its media.
    #[arg(long, num_args = 0..=1, default_missing_value = "true")]
    reject_media: Option<bool>,
    /// Drop its reports.
    #[arg(long, num_args = 0..=1, default_missing_value = "true")]
    reject_reports: Option<bool>,
    /// Shown in the public block list.
    #[arg(long)]
    public_comment: Option<String>,
    /// For moderators only.
    #[arg(long)]
    private_comment: Option<String>,
    /// Show the domain partly hidden in the public list.
    #[arg(long, num_args = 0..=1, default_missing_value = "true")]
    obfuscate: Option<bool>,
    /// Lift the block by itself after this long: 12h, 30d (0 removes an expiry).
    #[arg(long, value_parser = parse_duration)]
    expires_in: Option<i64>,
}

impl BlockSettings {
    fn params(self, domain: &str) -> BlockParams {
        BlockParams {
            domain: domain.to_owned(),
            severity: self.severity,
            reject_media: self.reject_media,
            reject_reports: self.reject_reports,
            private_comment: self.private_comment,
            public_comment: self.public_comment,
            obfuscate: self.obfuscate,
            expires_in: self.expires_in,
        }
    }
}

#[derive(Subcommand)]
pub enum AllowCommand {
    List,
    /// Allow a domain (only matters in limited-federation mode).
    Add {
        domain: String,
    },
    Remove {
        domain: String,
    },
}

/// Seconds in `90s`, `15m`, `12h`, `30d` or a plain number of seconds.
fn parse_severity(s: &str) -> Result<Severity, String> {
    Severity::parse(s).ok_or_else(|| "must be noop, silence or suspend".to_owned())
}

fn parse_duration(s: &str) -> Result<i64, String> {
    let (digits, unit) = s.trim().split_at(
        s.trim()
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(s.trim().len()),
    );
    let n: i64 = digits
        .parse()
        .map_err(|_| format!("{s:?} is not a duration like 12h or 30d"))?;
    let scale = match unit {
        "" | "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        _ => return Err(format!("unknown unit {unit:?}: use s, m, h or d")),
    };
    n.checked_mul(scale).ok_or_else(|| "too long".into())
}

fn err(e: palisade_core::Error) -> String {
    e.to_string()
}

fn flags(b: &DomainBlock) -> String {
    let mut f = Vec::new();
    if b.reject_media {
        f.push("reject_media");
    }
    if b.reject_reports {
        f.push("reject_reports");
    }
    if b.obfuscate {
        f.push("obfuscate");
    }
    if f.is_empty() { "-".into() } else { f.join(",") }
}

fn print_preview(p: &Preview) {
    let i = &p.impact;
    println!("{} as {}:", p.domain, p.severity);
    if let Some(b) = &p.existing {
        println!("  in force now: {} ({}, {})", b.severity, b.domain, flags(b));
    }
    println!("  accounts known there:          {}", i.accounts);
    println!("  statuses stored from there:    {}", i.statuses);
    println!("  media stored from there:       {}", i.media);
    println!("  members following accounts there: {}", i.members_following);
    println!("  accounts there following members: {}", i.followers_there);
    println!("  relationships (deduplicated):  {}", i.relationships);
    println!("  members affected:              {}", i.members_affected);
    for e in &p.effects {
        println!("  - {e}");
    }
}

/// Asks on the terminal; refuses without one unless `--yes` was given.
fn confirm(question: &str, yes: bool) -> Result<(), String> {
    if yes {
        return Ok(());
    }
    if !std::io::stdin().is_terminal() {
        return Err("not on a terminal: pass --yes to confirm".into());
    }
    print!("{question} [y/N] ");
    let _ = std::io::stdout().flush();
    let mut answer = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut answer)
        .map_err(|e| e.to_string())?;
    match answer.trim() {
        "y" | "Y" | "yes" => Ok(()),
        _ => Err("cancelled: nothing changed".into()),
    }
}

async fn find_block(core: &Core, domain: &str) -> Result<DomainBlock, String> {
    let wanted = palisade_core::policy::normalize_domain(domain)
        .ok_or_else(|| format!("{domain:?} is not a valid domain"))?;
    core.domain_blocks_admin()
        .await
        .map_err(err)?
        .into_iter()
        .find(|b| b.domain == wanted)
        .ok_or_else(|| format!("{wanted} has no block"))
}

fn print_block(b: &DomainBlock) {
    println!(
        "{:<32} {:<8} {:<32} {:<20} {}",
        b.domain,
        b.severity,
        flags(b),
        b.expires_at.map(iso).unwrap_or_else(|| "-".into()),
        b.public_comment.as_deref().unwrap_or("")
    );
}

pub async fn block(core: &Core, command: BlockCommand) -> Result<(), String> {
    match command {
        BlockCommand::List => {
            println!(
                "{:<32} {:<8} {:<32} {:<20} PUBLIC COMMENT",
                "DOMAIN", "SEVERITY", "FLAGS", "EXPIRES"
            );
            let mut blocks = core.domain_blocks_admin().await.map_err(err)?;
            blocks.sort_by_key(|b| std::cmp::Reverse(b.severity));
            blocks.iter().for_each(print_block);
        }
        BlockCommand::Preview { domain, severity } => {
            print_preview(&core.preview_domain_block(&domain, severity).await.map_err(err)?);
        }
        BlockCommand::Add {
            domain,
            settings,
            preview,
            yes,
        } => {
            let severity = settings.severity.unwrap_or(Severity::Silence);
            print_preview(&core.preview_domain_block(&domain, severity).await.map_err(err)?);
            if preview {
                return Ok(());
            }
            confirm(&format!("Block {domain} ({severity})?"), yes)?;
            let b = core
                .create_domain_block(None, settings.params(&domain))
                .await
                .map_err(err)?;
            println!("blocked {} ({}, {})", b.domain, b.severity, flags(&b));
        }
        BlockCommand::Update {
            domain,
            settings,
            preview,
            yes,
        } => {
            let before = find_block(core, &domain).await?;
            let severity = settings.severity.unwrap_or(before.severity);
            print_preview(
                &core
                    .preview_domain_block(&before.domain, severity)
                    .await
                    .map_err(err)?,
            );
            if preview {
                return Ok(());
            }
            confirm(
                &format!("Change the block of {} to {severity}?", before.domain),
                yes,
            )?;
            let b = core
                .update_domain_block(None, before.id, settings.params(&before.domain))
                .await
                .map_err(err)?;
            println!("{} is now {} ({})", b.domain, b.severity, flags(&b));
        }
        BlockCommand::Remove { domain, yes } => {
            let b = find_block(core, &domain).await?;
            confirm(&format!("Lift the {} block of {}?", b.severity, b.domain), yes)?;
            let lifted = core.delete_domain_block(None, b.id).await.map_err(err)?;
            println!("lifted the block of {}", b.domain);
            if lifted.purged {
                println!("its grace period had ended: its data was purged and is not restored");
            } else if lifted.restored_relationships > 0 {
                println!("restored {} severed relationships", lifted.restored_relationships);
            }
        }
        BlockCommand::Export => print!("{}", core.export_instance_blocklist().await.map_err(err)?),
        BlockCommand::Import { file, dry_run } => {
            let mut csv = String::new();
            if file == "-" {
                std::io::stdin()
                    .read_to_string(&mut csv)
                    .map_err(|e| e.to_string())?;
            } else {
                csv = std::fs::read_to_string(&file).map_err(|e| format!("{file}: {e}"))?;
            }
            let (report, summary) = if dry_run {
                let preview = core.preview_blocklist_import(&csv).await.map_err(err)?;
                let summary = preview.summary();
                (preview.lines, summary)
            } else {
                let lines = core
                    .import_instance_blocklist(None, &csv, false)
                    .await
                    .map_err(err)?;
                (lines, None)
            };
            for line in &report {
                let reach = line.reach().map(|r| format!(" ({r})")).unwrap_or_default();
                println!(
                    "{:<10} {:<32} {:<8} {}{reach}",
                    line.change, line.domain, line.severity, line.detail
                );
            }
            if let Some(s) = summary {
                println!("{s}");
            }
            let changed = report
                .iter()
                .filter(|l| l.change == "create" || l.change == "update")
                .count();
            match dry_run {
                true => println!("dry run: {changed} blocks would change; nothing was written"),
                false => println!("{changed} blocks changed"),
            }
        }
    }
    Ok(())
}

pub async fn allow(core: &Core, command: AllowCommand) -> Result<(), String> {
    match command {
        AllowCommand::List => {
            for (_, domain, created) in core.domain_allows().await.map_err(err)? {
                println!("{domain:<32} {}", iso(created));
            }
        }
        AllowCommand::Add { domain } => {
            let (_, domain, _) = core.allow_domain(None, &domain).await.map_err(err)?;
            println!("allowed {domain}");
        }
        AllowCommand::Remove { domain } => {
            let wanted = palisade_core::policy::normalize_domain(&domain)
                .ok_or_else(|| format!("{domain:?} is not a valid domain"))?;
            let (id, ..) = core
                .domain_allows()
                .await
                .map_err(err)?
                .into_iter()
                .find(|(_, d, _)| *d == wanted)
                .ok_or_else(|| format!("{wanted} is not allowed"))?;
            core.disallow_domain(None, id).await.map_err(err)?;
            println!("{wanted} is no longer allowed");
        }
    }
    Ok(())
}

/// Bookkeeping fields left out of the audit summary.
const INTERNAL: &[&str] = &["id", "created_at", "updated_at", "severance_event_id"];

/// A before/after pair in a line: the fields that changed (`severity: silence -> suspend`),
/// or the settings of what was created or removed.
fn describe_change(before: Option<&str>, after: Option<&str>) -> String {
    let parse = |s: Option<&str>| s.and_then(|s| serde_json::from_str::<serde_json::Value>(s).ok());
    let show = |v: &serde_json::Value| match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let fields = |v: &serde_json::Value| -> Vec<(String, serde_json::Value)> {
        match v.as_object() {
            Some(o) => o
                .iter()
                .filter(|(k, v)| !INTERNAL.contains(&k.as_str()) && !v.is_null() && **v != false)
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
            None => vec![("value".into(), v.clone())],
        }
    };
    match (parse(before), parse(after)) {
        (Some(b), Some(a)) => {
            let keys = a
                .as_object()
                .map(|o| o.keys().cloned().collect::<Vec<_>>())
                .unwrap_or_default();
            keys.iter()
                .filter(|k| !INTERNAL.contains(&k.as_str()) && b.get(k.as_str()) != a.get(k.as_str()))
                .map(|k| {
                    let old = b.get(k.as_str()).map(show).unwrap_or_default();
                    let new = a.get(k.as_str()).map(show).unwrap_or_default();
                    format!("{k}: {old} -> {new}")
                })
                .collect::<Vec<_>>()
                .join(", ")
        }
        (None, Some(a)) => fields(&a)
            .iter()
            .map(|(k, v)| format!("{k}={}", show(v)))
            .collect::<Vec<_>>()
            .join(" "),
        (Some(b), None) => format!(
            "was {}",
            fields(&b)
                .iter()
                .map(|(k, v)| format!("{k}={}", show(v)))
                .collect::<Vec<_>>()
                .join(" ")
        ),
        (None, None) => String::new(),
    }
}

/// The audit log, newest first.
pub async fn audit(core: &Core, limit: i64) -> Result<(), String> {
    println!(
        "{:<24} {:<16} {:<22} {:<28} CHANGE",
        "WHEN", "WHO", "ACTION", "TARGET"
    );
    for a in core.audit_log(limit, None).await.map_err(err)? {
        let who = match a.account_id {
            Some(id) => core
                .account(id)
                .await
                .map(|acc| acc.username)
                .unwrap_or_else(|_| id.to_string()),
            None => "command-line".into(),
        };
        let change = describe_change(a.before_json.as_deref(), a.after_json.as_deref());
        println!(
            "{:<24} {:<16} {:<22} {:<28} {}",
            iso(a.created_at),
            who,
            a.action,
            a.target,
            change
        );
    }
    Ok(())
}
