//! `palisade admin announcement …`: announcements members see in their apps.

use clap::Subcommand;
use palisade_core::Core;
use palisade_core::announcements::NewAnnouncement;
use palisade_http::entities::iso;

#[derive(Subcommand)]
pub enum AnnouncementCommand {
    /// Publish an announcement (when it starts: now, or at `--starts-at`).
    Create {
        /// The text (links, hashtags and paragraphs are formatted as in posts).
        text: String,
        /// When it starts, e.g. 2025-01-31T09:00:00Z (default: now).
        #[arg(long)]
        starts_at: Option<String>,
        /// When it ends; after that apps no longer show it.
        #[arg(long)]
        ends_at: Option<String>,
        /// The dates are whole days.
        #[arg(long)]
        all_day: bool,
    },
    /// Every announcement, newest first.
    List,
    /// Take an announcement down (apps hear of it at once).
    Delete { id: i64 },
}

fn time(field: &str, value: Option<String>) -> Result<Option<i64>, String> {
    match value {
        None => Ok(None),
        Some(v) => palisade_http::de::timestamp_ms(&v)
            .map(Some)
            .ok_or_else(|| format!("--{field}: not a date and time: {v:?} (e.g. 2025-01-31T09:00:00Z)")),
    }
}

pub async fn run(core: &Core, command: AnnouncementCommand) -> Result<(), String> {
    let err = |e: palisade_core::Error| e.to_string();
    match command {
        AnnouncementCommand::Create {
            text,
            starts_at,
            ends_at,
            all_day,
        } => {
            let a = core
                .create_announcement(NewAnnouncement {
                    text,
                    starts_at: time("starts-at", starts_at)?,
                    ends_at: time("ends-at", ends_at)?,
                    all_day,
                })
                .await
                .map_err(err)?;
            let when = a.starts_at.map_or("now".to_owned(), iso);
            println!("announcement {} will be published {when}", a.id);
        }
        AnnouncementCommand::List => {
            println!("{:<20} {:<26} {:<26} TEXT", "ID", "PUBLISHED", "ENDS");
            for a in core.all_announcements().await.map_err(err)? {
                println!(
                    "{:<20} {:<26} {:<26} {}",
                    a.id,
                    a.published_at.map_or("(not yet)".to_owned(), iso),
                    a.ends_at.map_or("-".to_owned(), iso),
                    a.text.lines().next().unwrap_or("")
                );
            }
        }
        AnnouncementCommand::Delete { id } => {
            core.delete_announcement(id).await.map_err(err)?;
            println!("announcement {id} deleted");
        }
    }
    Ok(())
}
