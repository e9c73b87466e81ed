use palisade_core::model::App;
use serde::Serialize;

/// An OAuth application; `client_id` and `client_secret` only when the app is created.
#[derive(Serialize)]
pub struct Application {
    pub id: String,
    pub name: String,
    pub website: Option<String>,
    pub scopes: Vec<String>,
    pub redirect_uri: String,
    pub redirect_uris: Vec<String>,
    pub vapid_key: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_secret: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_secret_expires_at: Option<i64>,
}

/// `vapid_key`: the instance's Web Push key, which clients subscribe with.
pub fn application(app: &App, with_secret: bool, vapid_key: &str) -> Application {
    let uris: Vec<String> = app.redirect_uris.split('\n').map(str::to_owned).collect();
    Application {
        id: app.id.to_string(),
        name: app.name.clone(),
        website: app.website.clone(),
        scopes: app.scopes.split(' ').map(str::to_owned).collect(),
        redirect_uri: uris.join("\n"),
        redirect_uris: uris,
        vapid_key: vapid_key.to_owned(),
        client_id: with_secret.then(|| app.client_id.clone()),
        client_secret: with_secret.then(|| app.client_secret.clone()),
        client_secret_expires_at: with_secret.then_some(0),
    }
}
