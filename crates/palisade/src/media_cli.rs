//! `palisade admin media …` and `palisade admin emoji …`: what the media store holds, pruning
//! the remote cache, refetching an account's files, managing custom emoji. Long runs show a
//! progress bar on a terminal (and only there: scripts get plain lines).

use std::io::IsTerminal;
use std::path::PathBuf;

use clap::Subcommand;
use indicatif::{ProgressBar, ProgressStyle};
use palisade_federation::Federation;

#[derive(Subcommand)]
pub enum MediaCommand {
    /// Files and bytes stored per domain: this instance's uploads and each peer's cache.
    Usage,
    /// Delete cached remote files older than a duration (`7d`, `12h`, `2w`; a bare number
    /// is days). They are fetched again when someone needs them.
    Prune {
        #[arg(long, default_value = "7d")]
        older_than: String,
    },
    /// Fetch every remote file of an account again (avatar, header, attachments).
    Refetch {
        /// `user@domain`.
        account: String,
    },
}

#[derive(Subcommand)]
pub enum EmojiCommand {
    /// This instance's custom emoji.
    List,
    /// Add an emoji from an image file (PNG, GIF, WebP or JPEG, at most 256 KB).
    Add {
        shortcode: String,
        file: PathBuf,
        #[arg(long)]
        category: Option<String>,
    },
    /// Remove an emoji and its image.
    Remove { shortcode: String },
    /// Add every image of a folder, named by its file name (`blobcat.png` → `:blobcat:`);
    /// emoji that exist already are skipped.
    Import {
        dir: PathBuf,
        #[arg(long)]
        category: Option<String>,
    },
}

/// `7d` → milliseconds.
pub fn duration_ms(s: &str) -> Result<i64, String> {
    let s = s.trim();
    let (n, unit) = match s.find(|c: char| !c.is_ascii_digit()) {
        Some(i) => (&s[..i], &s[i..]),
        None => (s, "d"),
    };
    let n: i64 = n
        .parse()
        .map_err(|_| format!("{s:?} is not a duration like 7d, 12h or 2w"))?;
    let unit_ms = match unit {
        "m" | "min" => 60_000,
        "h" => 3_600_000,
        "d" => 86_400_000,
        "w" => 7 * 86_400_000,
        other => return Err(format!("unknown unit {other:?}: use m, h, d or w")),
    };
    n.checked_mul(unit_ms).ok_or_else(|| format!("{s} is too long"))
}

/// `1.5 MB`.
fn human(bytes: i64) -> String {
    let b = bytes as f64;
    match bytes {
        n if n >= 1 << 30 => format!("{:.1} GB", b / (1u64 << 30) as f64),
        n if n >= 1 << 20 => format!("{:.1} MB", b / (1u64 << 20) as f64),
        n if n >= 1 << 10 => format!("{:.1} KB", b / 1024.0),
        n => format!("{n} B"),
    }
}

/// A progress bar of `len` steps on a terminal; nothing otherwise.
fn bar(len: u64, what: &str) -> Option<ProgressBar> {
    if !std::io::stdout().is_terminal() {
        return None;
    }
    let pb = ProgressBar::new(len);
    if let Ok(style) = ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} ({eta})") {
        pb.set_style(style.progress_chars("=> "));
    }
    pb.set_message(what.to_owned());
    Some(pb)
}

pub async fn media(fed: &Federation, command: MediaCommand) -> Result<(), String> {
    let core = &fed.core;
    let err = |e: palisade_core::Error| e.to_string();
    match command {
        MediaCommand::Usage => {
            let usage = core.media_usage().await.map_err(err)?;
            println!(
                "{:<40} {:>8} {:>12} {:>12}",
                "ORIGIN", "FILES", "STORED", "NOT CACHED"
            );
            let (mut local, mut remote) = (0i64, 0i64);
            for u in &usage {
                let origin = u.domain.clone().unwrap_or_else(|| "(this instance)".into());
                println!(
                    "{origin:<40} {:>8} {:>12} {:>12}",
                    u.files,
                    human(u.bytes),
                    u.not_cached
                );
                match u.domain {
                    Some(_) => remote += u.bytes,
                    None => local += u.bytes,
                }
            }
            println!(
                "local uploads: {}; cached remote files: {}",
                human(local),
                human(remote)
            );
            println!("storage: {}", core.storage().describe());
        }
        MediaCommand::Prune { older_than } => {
            let ms = duration_ms(&older_than)?;
            let total = core.count_prunable_media(ms).await.map_err(err)?;
            let pb = bar(total as u64, "pruning");
            let (mut files, mut bytes) = (0u64, 0i64);
            loop {
                let batch = core.prunable_media(ms).await.map_err(err)?;
                if batch.is_empty() {
                    break;
                }
                for m in &batch {
                    let r = core.prune_cached(m).await.map_err(err)?;
                    files += r.files;
                    bytes += r.bytes;
                    if let Some(pb) = &pb {
                        pb.inc(1);
                    }
                }
            }
            if let Some(pb) = pb {
                pb.finish_and_clear();
            }
            println!(
                "pruned {total} cached remote files older than {older_than}: {files} files, {} freed",
                human(bytes)
            );
        }
        MediaCommand::Refetch { account } => {
            let r = core.media_to_refetch(&account).await.map_err(err)?;
            let pb = bar(r.media.len() as u64, "refetching");
            let (mut ok, mut failed) = (0, 0);
            for m in &r.media {
                match fed.refetch_remote_media(m).await {
                    Ok(_) => ok += 1,
                    Err(e) => {
                        failed += 1;
                        let line = format!("{}: {e}", m.remote_url.clone().unwrap_or_default());
                        match &pb {
                            Some(pb) => pb.println(line),
                            None => eprintln!("{line}"),
                        }
                    }
                }
                if let Some(pb) = &pb {
                    pb.inc(1);
                }
            }
            if let Some(pb) = pb {
                pb.finish_and_clear();
            }
            println!(
                "{}: {ok} files fetched again, {failed} failed",
                palisade_core::accounts::acct(&r.account)
            );
        }
    }
    Ok(())
}

pub async fn emoji(fed: &Federation, command: EmojiCommand) -> Result<(), String> {
    let core = &fed.core;
    let err = |e: palisade_core::Error| e.to_string();
    let read = |p: &PathBuf| std::fs::read(p).map_err(|e| format!("cannot read {}: {e}", p.display()));
    match command {
        EmojiCommand::List => {
            for e in core.custom_emojis().await.map_err(err)? {
                println!(":{}: {}", e.shortcode, e.category.unwrap_or_default());
            }
        }
        EmojiCommand::Add {
            shortcode,
            file,
            category,
        } => {
            let e = core
                .add_emoji(&shortcode, read(&file)?, category.as_deref())
                .await
                .map_err(err)?;
            println!("added :{}:", e.shortcode);
        }
        EmojiCommand::Remove { shortcode } => {
            core.remove_emoji(&shortcode).await.map_err(err)?;
            println!("removed :{}:", shortcode.trim_matches(':'));
        }
        EmojiCommand::Import { dir, category } => {
            let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
                .map_err(|e| format!("cannot read {}: {e}", dir.display()))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| {
                    p.extension().and_then(|x| x.to_str()).is_some_and(|x| {
                        matches!(
                            x.to_ascii_lowercase().as_str(),
                            "png" | "gif" | "webp" | "jpg" | "jpeg"
                        )
                    })
                })
                .collect();
            files.sort();
            let pb = bar(files.len() as u64, "importing");
            let (mut added, mut skipped) = (0, 0);
            for f in &files {
                let code = f.file_stem().and_then(|s| s.to_str()).unwrap_or("").to_owned();
                let result = match read(f) {
                    Ok(data) => core
                        .add_emoji(&code, data, category.as_deref())
                        .await
                        .map_err(err),
                    Err(e) => Err(e),
                };
                match result {
                    Ok(_) => added += 1,
                    Err(e) => {
                        skipped += 1;
                        let line = format!("{}: {e}", f.display());
                        match &pb {
                            Some(pb) => pb.println(line),
                            None => eprintln!("{line}"),
                        }
                    }
                }
                if let Some(pb) = &pb {
                    pb.inc(1);
                }
            }
            if let Some(pb) = pb {
                pb.finish_and_clear();
            }
            println!("imported {added} emoji, skipped {skipped}");
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn durations() {
        assert_eq!(super::duration_ms("7d"), Ok(7 * 86_400_000));
        assert_eq!(super::duration_ms("12h"), Ok(12 * 3_600_000));
        assert_eq!(super::duration_ms("2w"), Ok(14 * 86_400_000));
        assert_eq!(super::duration_ms("3"), Ok(3 * 86_400_000));
        assert!(super::duration_ms("7y").is_err());
        assert!(super::duration_ms("soon").is_err());
        assert_eq!(super::human(1536), "1.5 KB");
    }
}
