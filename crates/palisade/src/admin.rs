//! `palisade admin …`.

use clap::Subcommand;
use palisade_core::Core;
use palisade_core::accounts::NewUser;

use crate::config::Config;
use crate::serve::open_database;

#[derive(Subcommand)]
pub enum AdminCommand {
    /// Local users.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Access tokens for scripts.
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
    /// Delivery health of every known peer, with the reason of the last failure.
    Peers,
    /// One peer in detail; with an action flag, act on its deliveries.
    Peer {
        domain: String,
        /// Make its queued deliveries due now.
        #[arg(long)]
        retry_now: bool,
        /// Forget its failures (and its unavailability).
        #[arg(long)]
        clear_failures: bool,
        /// Stop delivering to it (deliveries wait).
        #[arg(long)]
        pause: bool,
        /// Deliver to it again.
        #[arg(long)]
        resume: bool,
    },
    /// Instance domain blocks (noop, silence, suspend), with an impact preview.
    DomainBlock {
        #[command(subcommand)]
        command: crate::domains_cli::BlockCommand,
    },
    /// Domains allowed in limited-federation mode.
    DomainAllow {
        #[command(subcommand)]
        command: crate::domains_cli::AllowCommand,
    },
    /// The moderation audit log, newest first.
    Audit {
        #[arg(long, default_value = "50")]
        limit: i64,
    },
    /// Announcements shown to members in their apps.
    Announcement {
        #[command(subcommand)]
        command: crate::announcements_cli::AnnouncementCommand,
    },
    /// The media store: usage, pruning the remote cache, refetching an account's files.
    Media {
        #[command(subcommand)]
        command: crate::media_cli::MediaCommand,
    },
    /// Custom emoji: list, add, remove, import a folder.
    Emoji {
        #[command(subcommand)]
        command: crate::media_cli::EmojiCommand,
    },
    /// Fixtures for third-party test suites.
    Seed {
        #[command(subcommand)]
        command: SeedCommand,
    },
}

#[derive(Subcommand)]
pub enum UserCommand {
    /// Create a user (no e-mail confirmation, approved at once).
    Create {
        username: String,
        #[arg(long)]
        email: String,
        /// Password; a random one is generated and printed when omitted.
        #[arg(long)]
        password: Option<String>,
        /// user, moderator, admin or owner.
        #[arg(long, default_value = "user")]
        role: String,
    },
    /// List users.
    List,
    /// Give a user a role (default: admin).
    Promote {
        username: String,
        #[arg(long, default_value = "admin")]
        role: String,
    },
    /// Suspend a user (`--undo` lifts the suspension).
    Suspend {
        username: String,
        #[arg(long)]
        undo: bool,
    },
    /// Approve a user who signed up while registrations needed approval.
    Approve { username: String },
    /// Set a new password (random when omitted; printed).
    ResetPassword {
        username: String,
        #[arg(long)]
        password: Option<String>,
    },
}

#[derive(Subcommand)]
pub enum TokenCommand {
    /// Create an access token for a user and print it.
    Create {
        username: String,
        #[arg(long, default_value = "read write follow")]
        scopes: String,
    },
}

#[derive(Subcommand)]
pub enum SeedCommand {
    /// The users, app and tokens that Mastodon.py's upstream tests expect.
    Mastodonpy,
}

pub async fn run(config: Config, command: AdminCommand) -> Result<(), String> {
    let db = open_database(&config).await?;
    // Through the federation outbox, so that what an admin changes reaches other servers.
    let fed = crate::serve::federation(&config, db.clone()).await?;
    let result = match command {
        AdminCommand::Media { command } => crate::media_cli::media(&fed, command).await,
        AdminCommand::Emoji { command } => crate::media_cli::emoji(&fed, command).await,
        other => dispatch(&fed.core, other).await,
    };
    db.close().await;
    result
}

async fn dispatch(core: &Core, command: AdminCommand) -> Result<(), String> {
    let err = |e: palisade_core::Error| e.to_string();
    match command {
        AdminCommand::User { command } => match command {
            UserCommand::Create {
                username,
                email,
                password,
                role,
            } => {
                if !palisade_core::admin::ROLES.contains(&role.as_str()) {
                    return Err(format!("unknown role {role:?}"));
                }
                let generated = password.is_none();
                let password = password.unwrap_or_else(|| palisade_core::secrets::random_token(18));
                let (account, _) = core
                    .create_user(NewUser {
                        username,
                        email,
                        password: password.clone(),
                        agreement: true,
                        locale: None,
                        reason: None,
                        role,
                        via_api: false,
                    })
                    .await
                    .map_err(err)?;
                println!("created {} (id {})", account.username, account.id);
                if generated {
                    println!("password: {password}");
                }
            }
            UserCommand::List => {
                println!(
                    "{:<20} {:<32} {:<10} {:<8} CREATED",
                    "USERNAME", "EMAIL", "ROLE", "STATE"
                );
                for (user, username) in core.list_users().await.map_err(err)? {
                    let state = if user.disabled {
                        "disabled"
                    } else if !user.approved {
                        "pending"
                    } else {
                        "active"
                    };
                    println!(
                        "{:<20} {:<32} {:<10} {:<8} {}",
                        username,
                        user.email,
                        user.role,
                        state,
                        palisade_http::entities::iso(user.created_at)
                    );
                }
            }
            UserCommand::Promote { username, role } => {
                core.set_role(&username, &role).await.map_err(err)?;
                println!("{username} is now {role}");
            }
            UserCommand::Suspend { username, undo } => {
                core.set_suspended(&username, !undo).await.map_err(err)?;
                println!(
                    "{username} is {}",
                    if undo { "no longer suspended" } else { "suspended" }
                );
            }
            UserCommand::Approve { username } => {
                core.approve_user(&username).await.map_err(err)?;
                println!("{username} is approved");
            }
            UserCommand::ResetPassword { username, password } => {
                let pw = core.reset_password(&username, password).await.map_err(err)?;
                println!("new password for {username}: {pw}");
            }
        },
        AdminCommand::Token {
            command: TokenCommand::Create { username, scopes },
        } => {
            println!(
                "{}",
                core.create_user_token(&username, &scopes).await.map_err(err)?
            );
        }
        AdminCommand::Seed {
            command: SeedCommand::Mastodonpy,
        } => crate::seed::mastodonpy(core).await?,
        AdminCommand::Media { .. } | AdminCommand::Emoji { .. } => {
            return Err("media commands run with federation (see `run`)".into());
        }
        AdminCommand::Peers => crate::peers_cli::list(core).await?,
        AdminCommand::Announcement { command } => crate::announcements_cli::run(core, command).await?,
        AdminCommand::DomainBlock { command } => crate::domains_cli::block(core, command).await?,
        AdminCommand::DomainAllow { command } => crate::domains_cli::allow(core, command).await?,
        AdminCommand::Audit { limit } => crate::domains_cli::audit(core, limit).await?,
        AdminCommand::Peer {
            domain,
            retry_now,
            clear_failures,
            pause,
            resume,
        } => {
            if retry_now {
                println!(
                    "{} queued deliveries are due now",
                    core.retry_peer_now(&domain).await.map_err(err)?
                );
            }
            if clear_failures {
                core.clear_peer_failures(&domain).await.map_err(err)?;
                println!("failures of {domain} cleared");
            }
            if pause || resume {
                core.pause_peer(&domain, pause).await.map_err(err)?;
                println!(
                    "delivery to {domain} {}",
                    if pause { "paused" } else { "resumed" }
                );
            }
            crate::peers_cli::show(core, &domain).await?;
        }
    }
    Ok(())
}
