//! `/api/v1/markers`: read positions in home and notifications.

use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use serde_json::{Map, Value, json};

use crate::entities::iso;
use crate::error::ApiResult;
use crate::extract::{Auth, Params};
use crate::routes::{Routes, get, token};
use crate::{AppState, de};

pub fn routes() -> Routes {
    Routes::new().route(
        "/api/v1/markers",
        get(token(&["read:statuses"]), show).post(token(&["write:statuses"]), update),
    )
}

#[derive(Deserialize)]
struct Query {
    #[serde(default, deserialize_with = "de::string_list")]
    timeline: Vec<String>,
}

fn render(markers: &[palisade_core::model::Marker], wanted: &[String]) -> Value {
    let mut out = Map::new();
    for m in markers
        .iter()
        .filter(|m| wanted.is_empty() || wanted.contains(&m.timeline))
    {
        out.insert(
            m.timeline.clone(),
            json!({"last_read_id": m.last_read_id.to_string(), "version": m.version, "updated_at": iso(m.updated_at)}),
        );
    }
    Value::Object(out)
}

async fn show(State(st): State<AppState>, auth: Auth, Params(p): Params<Query>) -> ApiResult<Json<Value>> {
    let viewer = auth.scoped(&["read:statuses"])?;
    let markers = st.core.markers(&viewer).await?;
    Ok(Json(render(&markers, &p.timeline)))
}

#[derive(Deserialize)]
struct Position {
    #[serde(default, deserialize_with = "de::opt_i64")]
    last_read_id: Option<i64>,
}

#[derive(Deserialize)]
struct Update {
    home: Option<Position>,
    notifications: Option<Position>,
}

async fn update(State(st): State<AppState>, auth: Auth, Params(p): Params<Update>) -> ApiResult<Json<Value>> {
    let viewer = auth.scoped(&["write:statuses"])?;
    let mut changed = Vec::new();
    for (name, pos) in [("home", p.home), ("notifications", p.notifications)] {
        if let Some(id) = pos.and_then(|p| p.last_read_id) {
            st.core.set_marker(&viewer, name, id).await?;
            changed.push(name.to_owned());
        }
    }
    let markers = st.core.markers(&viewer).await?;
    Ok(Json(render(&markers, &changed)))
}
