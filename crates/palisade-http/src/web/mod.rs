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
pub mod edit;
pub mod focus;
pub mod follow_requests;
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

use crate::routes::{Routes, get, post, public, session, session_admin, session_moderator};

/// Forms with files: a video (99 MiB) or four images, and the text around them.
const UPLOAD_LIMIT: usize = palisade_media::limits::VIDEO_BYTES as usize + (1 << 20);

/// The profile form: an avatar and a header (8 MiB each) and the text around them.
const PROFILE_LIMIT: usize = 2 * palisade_media::limits::PROFILE_IMAGE_BYTES as usize + (1 << 20);

pub fn routes() -> Routes {
    Routes::new()
        .route("/", get(public(), home::front))
        .route("/about", get(public(), home::about))
        .route("/assets/palisade.css", get(public(), assets::css))
        .route("/assets/palisade.js", get(public(), assets::js))
        .route(
            "/auth/sign_in",
            get(public(), auth::sign_in_page).post(public(), auth::sign_in),
        )
        .route(
            "/auth/sign_up",
            get(public(), auth::sign_up_page).post(public(), auth::sign_up),
        )
        .route("/auth/sign_out", post(public(), auth::sign_out))
        .route("/home", get(session(), timelines::home))
        .route("/public", get(public(), timelines::federated))
        .route("/public/local", get(public(), timelines::local))
        .route("/notifications", get(session(), timelines::notifications))
        .route("/bookmarks", get(session(), timelines::bookmarks))
        .route("/follow_requests", get(session(), follow_requests::list))
        .route(
            "/statuses",
            post(session(), compose::create).body_limit(UPLOAD_LIMIT),
        )
        .route("/statuses/new", get(session(), statuses::new))
        .route("/statuses/{id}", get(public(), statuses::show_by_id))
        .route(
            "/statuses/{id}/edit",
            get(session(), edit::page)
                .post(session(), edit::save)
                .body_limit(UPLOAD_LIMIT),
        )
        .route("/statuses/{id}/{action}", post(session(), statuses::act))
        .route("/search", get(public(), search::search))
        .route("/tags/{name}", get(public(), profile::tag))
        .route("/@{name}", get(public(), profile::show))
        .route("/@{name}/{id}", get(public(), profile::status_page))
        .route(
            "/accounts/{id}/report",
            get(session(), profile::report_page).post(session(), profile::report),
        )
        .route("/accounts/{id}/{action}", post(session(), profile::act))
        .route("/domain_blocks/new", get(session(), domain_blocks::new))
        .route("/domain_blocks", post(session(), domain_blocks::create))
        .route("/domain_blocks/unblock", post(session(), domain_blocks::unblock))
        .merge(settings_routes())
        .merge(admin_routes())
}

fn settings_routes() -> Routes {
    use settings::{domain_blocks as db, domains, profile, severed};
    Routes::new()
        .route(
            "/settings",
            get(public(), || async {
                axum::response::Redirect::to("/settings/profile")
            }),
        )
        .route(
            "/settings/profile",
            get(session(), profile::show)
                .post(session(), profile::save)
                .body_limit(PROFILE_LIMIT),
        )
        .route(
            "/settings/profile/{which}/delete",
            post(session(), profile::remove),
        )
        .route("/settings/domain_blocks", get(session(), db::list))
        .route("/settings/domain_blocks/export", get(session(), db::export))
        .route("/settings/domain_blocks/import", post(session(), db::import))
        .route("/settings/severed_relationships", get(session(), severed::list))
        .route(
            "/settings/severed_relationships/{id}/{file}",
            get(session(), severed::csv),
        )
        .route("/settings/domains", get(session(), domains::index))
        .route("/settings/domains/{domain}", get(session(), domains::show))
}

fn admin_routes() -> Routes {
    use admin::{audit, domain_allows as allows, domain_blocks as blocks, peers, reports, sign_ups};
    Routes::new()
        .route(
            "/admin",
            get(public(), || async {
                axum::response::Redirect::to("/admin/peers")
            }),
        )
        .route("/admin/peers", get(session_moderator(), peers::list))
        .route("/admin/peers/{domain}", get(session_moderator(), peers::show))
        .route(
            "/admin/peers/{domain}/{action}",
            post(session_admin(), peers::act),
        )
        .route(
            "/admin/domain_blocks",
            get(session_moderator(), blocks::list).post(session_admin(), blocks::create),
        )
        .route(
            "/admin/domain_blocks/new",
            get(session_moderator(), blocks::preview),
        )
        .route(
            "/admin/domain_blocks/export",
            get(session_moderator(), blocks::export),
        )
        .route(
            "/admin/domain_blocks/import",
            post(session_admin(), blocks::import),
        )
        .route(
            "/admin/domain_blocks/{id}",
            get(session_moderator(), blocks::show).post(session_admin(), blocks::update),
        )
        .route(
            "/admin/domain_blocks/{id}/delete",
            post(session_admin(), blocks::lift),
        )
        .route(
            "/admin/domain_allows",
            get(session_moderator(), allows::list).post(session_admin(), allows::add),
        )
        .route(
            "/admin/domain_allows/{id}/delete",
            post(session_admin(), allows::remove),
        )
        .route(
            "/admin/federation_settings",
            post(session_admin(), allows::save_mode),
        )
        .route("/admin/reports", get(session_moderator(), reports::list))
        .route("/admin/reports/{id}", get(session_moderator(), reports::show))
        .route(
            "/admin/reports/{id}/{action}",
            post(session_admin(), reports::act),
        )
        .route("/admin/sign_ups", get(session_moderator(), sign_ups::list))
        .route(
            "/admin/sign_ups/{id}/{action}",
            post(session_admin(), sign_ups::decide),
        )
        .route("/admin/audit", get(session_moderator(), audit::list))
}
