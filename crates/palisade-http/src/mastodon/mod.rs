//! The Mastodon client API. Files mirror URL paths.

mod accounts;
mod admin;
mod announcements;
mod apps;
mod blocks_mutes;
mod conversations;
mod domain_blocks;
mod featured_tags;
mod filters_v1;
mod filters_v2;
mod follow_requests;
mod instance;
mod lists;
mod markers;
mod marks;
mod media;
mod notification_requests;
mod notifications;
mod notifications_v2;
mod polls;
mod preferences;
mod profile;
mod push;
mod reports;
mod scheduled_statuses;
mod search;
mod statuses;
mod tags;
mod timelines;
mod trends;

pub(crate) use domain_blocks::severance_json;

use crate::routes::Routes;

pub fn routes() -> Routes {
    Routes::new()
        .merge(accounts::routes())
        .merge(admin::routes())
        .merge(announcements::routes())
        .merge(apps::routes())
        .merge(conversations::routes())
        .merge(featured_tags::routes())
        .merge(filters_v1::routes())
        .merge(filters_v2::routes())
        .merge(lists::routes())
        .merge(notification_requests::routes())
        .merge(polls::routes())
        .merge(push::routes())
        .merge(scheduled_statuses::routes())
        .merge(trends::routes())
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
