//! Who may call a route, as declared where it is registered, and the middleware that
//! enforces the token part of it before any handler (or body parsing) runs: a missing or bad
//! token is 401, a token without the scope 403, a member on a staff route 403 — in that
//! order, as Mastodon answers. Handlers still check what only they can (an app-only token
//! where a user is needed, the owner of an object, a session, a signature).

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{FromRequestParts, MatchedPath, Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use palisade_core::Error;

use super::Rule;
use crate::AppState;
use crate::error::ApiError;
use crate::extract::MaybeAuth;

/// What kind of caller a route admits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Anyone; no token is read (documents, ActivityPub GETs, assets, OAuth, sign-up).
    Public,
    /// Anyone; a token, when sent, must be valid (401) and carry one of the scopes (403).
    Optional,
    /// A valid token (401) with one of the scopes (403); none listed: any valid token.
    Token,
    /// A token with one of the scopes, of a moderator, an admin or the owner (403
    /// "This action is not allowed" for members).
    Moderator,
    /// A token with one of the scopes, of an admin or the owner.
    Admin,
    /// An HTTP signature, verified by the handler (401 without a valid one).
    Signed,
    /// Streaming: a token in the header, the query or the WebSocket protocol, checked by the
    /// handler (401 without one that resolves); the scopes are the ones the stream needs.
    Stream,
    /// A public stream: open without a token; a token, when sent, is checked like `Stream`'s.
    PublicStream,
    /// A web page or form for signed-in members (session cookie): visitors are sent to the
    /// sign-in page; checked by the page.
    Session,
    /// A web page for moderators (403 page for members).
    SessionModerator,
    /// A web form for admins (403 page for members and moderators).
    SessionAdmin,
}

/// A route's declared access.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Access {
    pub kind: Kind,
    /// The token must carry one of these (or a scope covering one).
    pub scopes: &'static [&'static str],
    /// The path's `{id}` names an object of one member, private to them (a list, a filter, a
    /// private status…): for any other member, staff included, it does not exist (404).
    pub owned: bool,
}

impl Access {
    /// The path's `{id}` names a private object of one member: others get 404.
    pub const fn owned(self) -> Access {
        Access { owned: true, ..self }
    }

    const fn of(kind: Kind, scopes: &'static [&'static str]) -> Access {
        Access {
            kind,
            scopes,
            owned: false,
        }
    }
}

pub const fn public() -> Access {
    Access::of(Kind::Public, &[])
}
pub const fn optional(scopes: &'static [&'static str]) -> Access {
    Access::of(Kind::Optional, scopes)
}
pub const fn token(scopes: &'static [&'static str]) -> Access {
    Access::of(Kind::Token, scopes)
}
pub const fn moderators(scopes: &'static [&'static str]) -> Access {
    Access::of(Kind::Moderator, scopes)
}
pub const fn admins(scopes: &'static [&'static str]) -> Access {
    Access::of(Kind::Admin, scopes)
}
pub const fn signed() -> Access {
    Access::of(Kind::Signed, &[])
}
pub const fn stream(scopes: &'static [&'static str]) -> Access {
    Access::of(Kind::Stream, scopes)
}
pub const fn public_stream(scopes: &'static [&'static str]) -> Access {
    Access::of(Kind::PublicStream, scopes)
}
pub const fn session() -> Access {
    Access::of(Kind::Session, &[])
}
pub const fn session_moderator() -> Access {
    Access::of(Kind::SessionModerator, &[])
}
pub const fn session_admin() -> Access {
    Access::of(Kind::SessionAdmin, &[])
}

/// The access table, by method and matched path.
#[derive(Clone)]
pub struct Guard {
    state: AppState,
    table: Arc<HashMap<(Method, &'static str), Access>>,
}

impl Guard {
    pub fn new(state: AppState, rules: &[Rule]) -> Guard {
        let table = rules
            .iter()
            .map(|r| ((r.method.clone(), r.path), r.access))
            .collect();
        Guard {
            state,
            table: Arc::new(table),
        }
    }
}

/// Enforces the token part of a route's access before its handler runs.
pub async fn middleware(State(guard): State<Guard>, req: Request, next: Next) -> Response {
    let method = match *req.method() {
        Method::HEAD => Method::GET,
        ref m => m.clone(),
    };
    let access = req
        .extensions()
        .get::<MatchedPath>()
        .and_then(|p| guard.table.get(&(method, p.as_str())))
        .copied();
    let Some(access) = access else {
        return next.run(req).await;
    };
    if !matches!(
        access.kind,
        Kind::Optional | Kind::Token | Kind::Moderator | Kind::Admin
    ) {
        return next.run(req).await;
    }
    let (mut parts, body) = req.into_parts();
    // The viewer is kept in the request's extensions: the handler's `Auth` reuses it.
    let viewer = match MaybeAuth::from_request_parts(&mut parts, &guard.state).await {
        Ok(MaybeAuth(v)) => v,
        Err(e) => return e.into_response(),
    };
    if let Err(e) = check(access, viewer.as_ref()) {
        return e.into_response();
    }
    next.run(Request::from_parts(parts, body)).await
}

fn check(access: Access, viewer: Option<&palisade_core::auth::Viewer>) -> Result<(), ApiError> {
    let Some(viewer) = viewer else {
        if access.kind == Kind::Optional {
            return Ok(());
        }
        return Err(ApiError(Error::Unauthorized(
            "The access token is invalid".into(),
        )));
    };
    if !access.scopes.is_empty() {
        viewer.require_scope(access.scopes)?;
    }
    let staff = match access.kind {
        Kind::Moderator => viewer.is_moderator(),
        Kind::Admin => viewer.is_admin(),
        _ => true,
    };
    if !staff {
        return Err(ApiError(Error::Forbidden("This action is not allowed".into())));
    }
    Ok(())
}
