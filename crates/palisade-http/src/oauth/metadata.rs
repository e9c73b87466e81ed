use axum::Json;
use axum::extract::State;
use palisade_core::scopes;
use serde_json::{Value, json};

use crate::AppState;

/// What we support, truthfully: the password grant is listed because we offer it.
pub async fn metadata(State(st): State<AppState>) -> Json<Value> {
    let base = &st.core.settings.public_url;
    Json(json!({
        "issuer": format!("{base}/"),
        "authorization_endpoint": format!("{base}/oauth/authorize"),
        "token_endpoint": format!("{base}/oauth/token"),
        "revocation_endpoint": format!("{base}/oauth/revoke"),
        "scopes_supported": scopes::ALL,
        "response_types_supported": ["code"],
        "response_modes_supported": ["query", "fragment", "form_post"],
        "grant_types_supported": ["authorization_code", "password", "client_credentials", "refresh_token"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "none"],
        "code_challenge_methods_supported": ["S256"],
        "service_documentation": "https://docs.joinmastodon.org/",
        "app_registration_endpoint": format!("{base}/api/v1/apps"),
    }))
}
