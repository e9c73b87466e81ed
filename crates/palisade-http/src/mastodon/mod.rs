//! The Mastodon client API. Files mirror URL paths.

mod accounts;
mod admin;
mod apps;
mod blocks_mutes;
mod domain_blocks;
mod follow_requests;
mod instance;
mod markers;
mod marks;
mod media;
mod notifications;
mod notifications_v2;
mod preferences;
mod profile;
mod reports;
mod search;
mod statuses;
mod tags;
mod timelines;

use axum::Router;

use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(accounts::routes())
        .merge(admin::routes())
        .merge(apps::routes())
        .merge(blocks_mutes::routes())
        .merge(domain_blocks::routes())
        .merge(follow_requests::routes())
        .merge(instance::routes())
        .merge(markers::routes())
        .merge(marks::routes())
        .merge(media::routes())
        .merge(notifications::routes())
        .merge(notifications_v2::routes())
        .merge(preferences::routes())
        .merge(profile::routes())
        .merge(reports::routes())
        .merge(search::routes())
        .merge(statuses::routes())
        .merge(tags::routes())
        .merge(timelines::routes())
}
