//! Server-rendered pages. For now the landing page; the web interface grows here.

use axum::Router;
use axum::extract::State;
use axum::response::Html;
use axum::routing::get;
use palisade_core::content::escape;

use crate::AppState;
use crate::error::ApiResult;

pub fn routes() -> Router<AppState> {
    Router::new().route("/", get(home)).route("/about", get(home))
}

async fn home(State(st): State<AppState>) -> ApiResult<Html<String>> {
    let s = &st.core.settings;
    let stats = st.core.stats().await?;
    Ok(Html(format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\">\
         <title>{title}</title></head><body><h1>{title}</h1><p>{description}</p>\
         <p>{users} members · {statuses} posts · {domains} known servers</p>\
         <p>Use any Mastodon app with <code>{url}</code>.</p></body></html>",
        title = escape(&s.instance.title),
        description = escape(&s.instance.description),
        users = stats.user_count,
        statuses = stats.status_count,
        domains = stats.domain_count,
        url = escape(&s.public_url),
    )))
}
