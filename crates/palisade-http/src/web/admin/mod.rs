//! `/admin/…`: by role. Moderators read every page; only admins act (every action goes
//! through a core service that writes the audit log). Members get 403.

pub mod audit;
pub mod chart;
pub mod domain_allows;
pub mod domain_blocks;
pub mod peers;
pub mod reports;
pub mod sign_ups;

use axum::http::StatusCode;
use axum::response::Response;
use maud::{Markup, html};
use palisade_core::auth::Viewer;

use super::ctx::Ctx;
use super::page::{error_page, require_member};

/// The viewer if a moderator (reads) or an admin (`act`); else a sign-in redirect or 403.
#[allow(clippy::result_large_err)] // the page to answer with, used at once
pub fn staff(ctx: &Ctx, act: bool) -> Result<&Viewer, Response> {
    let v = require_member(ctx)?;
    let allowed = if act { v.is_admin() } else { v.is_moderator() };
    if !allowed {
        let what = if act {
            "Only admins can do this."
        } else {
            "Only moderators and admins can open the admin pages."
        };
        return Err(error_page(StatusCode::FORBIDDEN, what));
    }
    Ok(v)
}

pub fn actor(v: &Viewer) -> Option<i64> {
    v.account.as_ref().map(|a| a.id)
}

pub fn tabs(current: &str) -> Markup {
    let items = [
        ("/admin/peers", "Peers"),
        ("/admin/domain_blocks", "Domain policies"),
        ("/admin/domain_allows", "Allows & publishing"),
        ("/admin/reports", "Reports"),
        ("/admin/sign_ups", "Sign-ups"),
        ("/admin/audit", "Audit log"),
    ];
    html! {
        nav aria-label="Administration" {
            ul.tabs { @for (href, label) in items {
                li { a href=(href) aria-current=[(current.starts_with(href)).then_some("page")] { (label) } }
            } }
        }
    }
}
