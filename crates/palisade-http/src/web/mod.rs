//! The web interface: server-rendered HTML (maud) that works without JavaScript, one
//! stylesheet and one small script embedded in the binary, a strict Content-Security-Policy,
//! session cookies and a CSRF token on every form. Files mirror URL paths. Every page's data
//! comes through the same `Core` services as the Mastodon API.

pub mod admin;
pub mod assets;
pub mod attachments;
pub mod auth;
pub mod compose;
pub mod ctx;
pub mod domain_blocks;
pub mod form;
pub mod home;
pub mod page;
pub mod pictures;
pub mod profile;
pub mod render;
pub mod search;
pub mod settings;
pub mod statuses;
pub mod timelines;
pub mod upload;

use axum::Router;
use axum::routing::{get, post};

use crate::AppState;

/// Forms with files: a video (99 MiB) or four images, and the text around them.
const UPLOAD_LIMIT: usize = palisade_media::limits::VIDEO_BYTES as usize + (1 << 20);

/// The profile form: an avatar and a header (8 MiB each) and the text around them.
const PROFILE_LIMIT: usize = 2 * palisade_media::limits::PROFILE_IMAGE_BYTES as usize + (1 << 20);

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(home::front))
        .route("/about", get(home::about))
        .route("/assets/palisade.css", get(assets::css))
        .route("/assets/palisade.js", get(assets::js))
        .route("/auth/sign_in", get(auth::sign_in_page).post(auth::sign_in))
        .route("/auth/sign_up", get(auth::sign_up_page).post(auth::sign_up))
        .route("/auth/sign_out", post(auth::sign_out))
        .route("/home", get(timelines::home))
        .route("/public", get(timelines::federated))
        .route("/public/local", get(timelines::local))
        .route("/notifications", get(timelines::notifications))
        .route("/bookmarks", get(timelines::bookmarks))
        .route(
            "/statuses",
            post(compose::create).layer(axum::extract::DefaultBodyLimit::max(UPLOAD_LIMIT)),
        )
        .route("/statuses/new", get(statuses::new))
        .route("/statuses/{id}", get(statuses::show_by_id))
        .route("/statuses/{id}/{action}", post(statuses::act))
        .route("/search", get(search::search))
        .route("/tags/{name}", get(profile::tag))
        .route("/@{name}", get(profile::show))
        .route("/@{name}/{id}", get(profile::status_page))
        .route(
            "/accounts/{id}/report",
            get(profile::report_page).post(profile::report),
        )
        .route("/accounts/{id}/{action}", post(profile::act))
        .route("/domain_blocks/new", get(domain_blocks::new))
        .route("/domain_blocks", post(domain_blocks::create))
        .route("/domain_blocks/unblock", post(domain_blocks::unblock))
        .merge(settings_routes())
        .merge(admin_routes())
}

fn settings_routes() -> Router<AppState> {
    use settings::{domain_blocks as db, domains, profile, severed};
    Router::new()
        .route(
            "/settings",
            get(|| async { axum::response::Redirect::to("/settings/profile") }),
        )
        .route(
            "/settings/profile",
            get(profile::show)
                .post(profile::save)
                .layer(axum::extract::DefaultBodyLimit::max(PROFILE_LIMIT)),
        )
        .route("/settings/profile/{which}/delete", post(profile::remove))
        .route("/settings/domain_blocks", get(db::list))
        .route("/settings/domain_blocks/export", get(db::export))
        .route("/settings/domain_blocks/import", post(db::import))
        .route("/settings/severed_relationships", get(severed::list))
        .route("/settings/severed_relationships/{id}/{file}", get(severed::csv))
        .route("/settings/domains", get(domains::index))
        .route("/settings/domains/{domain}", get(domains::show))
}

fn admin_routes() -> Router<AppState> {
    use admin::{audit, domain_allows as allows, domain_blocks as blocks, peers, reports, sign_ups};
    Router::new()
        .route(
            "/admin",
            get(|| async { axum::response::Redirect::to("/admin/peers") }),
        )
        .route("/admin/peers", get(peers::list))
        .route("/admin/peers/{domain}", get(peers::show))
        .route("/admin/peers/{domain}/{action}", post(peers::act))
        .route("/admin/domain_blocks", get(blocks::list).post(blocks::create))
        .route("/admin/domain_blocks/new", get(blocks::preview))
        .route("/admin/domain_blocks/export", get(blocks::export))
        .route("/admin/domain_blocks/import", post(blocks::import))
        .route(
            "/admin/domain_blocks/{id}",
            get(blocks::show).post(blocks::update),
        )
        .route("/admin/domain_blocks/{id}/delete", post(blocks::lift))
        .route("/admin/domain_allows", get(allows::list).post(allows::add))
        .route("/admin/domain_allows/{id}/delete", post(allows::remove))
        .route("/admin/federation_settings", post(allows::save_mode))
        .route("/admin/reports", get(reports::list))
        .route("/admin/reports/{id}", get(reports::show))
        .route("/admin/reports/{id}/{action}", post(reports::act))
        .route("/admin/sign_ups", get(sign_ups::list))
        .route("/admin/sign_ups/{id}/{action}", post(sign_ups::decide))
        .route("/admin/audit", get(audit::list))
}
