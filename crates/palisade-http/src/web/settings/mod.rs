//! `/settings/…`: profile, blocked domains (with CSV export and import), severed
//! relationships (with their CSV downloads), and a member's ties with one domain.

pub mod domain_blocks;
pub mod domains;
pub mod profile;
pub mod severed;

use maud::{Markup, html};

/// The settings tabs, the current one marked.
pub fn tabs(current: &str) -> Markup {
    let items = [
        ("/settings/profile", "Profile"),
        ("/settings/domain_blocks", "Blocked domains"),
        ("/settings/severed_relationships", "Severed relationships"),
        ("/settings/domains", "Domains"),
        ("/bookmarks", "Bookmarks"),
    ];
    html! {
        nav aria-label="Settings" {
            ul.tabs {
                @for (href, label) in items {
                    li { a href=(href) aria-current=[(href == current).then_some("page")] { (label) } }
                }
            }
        }
    }
}
