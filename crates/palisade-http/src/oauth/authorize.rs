//! `/oauth/authorize`: the page where a user lets an app act for them. Signed in to the web
//! interface, they only approve (the form carries the session's CSRF token); otherwise the
//! page asks for the password, which a forged submission would have to know.

use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use palisade_core::content::escape;
use palisade_core::oauth::OOB;
use serde::Deserialize;

use palisade_core::secrets::constant_time_eq;

use crate::error::ApiResult;
use crate::extract::{ClientIp, Params};
use crate::web::ctx::Ctx;
use crate::{AppState, de};

#[derive(Deserialize, Default)]
pub struct AuthorizeParams {
    #[serde(default, deserialize_with = "de::opt_string")]
    response_type: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    client_id: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    redirect_uri: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    scope: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    state: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    code_challenge: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    code_challenge_method: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    login: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    password: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    decision: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    authenticity_token: Option<String>,
}

fn page_response(status: StatusCode, body: String) -> Response {
    let mut resp = (status, Html(body)).into_response();
    let h = resp.headers_mut();
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        // No form-action: Chromium applies it to the redirect to the app after the submit.
        HeaderValue::from_static("default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    resp
}

fn layout(title: &str, inner: &str) -> String {
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\">\
         <title>{}</title><style>body{{font-family:system-ui,sans-serif;max-width:28rem;margin:3rem auto;padding:0 1rem;color:#222}}\
         label{{display:block;margin:.8rem 0 .2rem}}input[type=text],input[type=password]{{width:100%;padding:.5rem;box-sizing:border-box}}\
         button{{margin:1rem .5rem 0 0;padding:.5rem 1rem}}code{{font-size:1.1rem;word-break:break-all}}.error{{color:#b00}}</style></head>\
         <body>{inner}</body></html>",
        escape(title)
    )
}

fn error_page(message: &str) -> Response {
    page_response(
        StatusCode::BAD_REQUEST,
        layout(
            "Authorization failed",
            &format!(
                "<h1>Authorization failed</h1><p class=\"error\">{}</p>",
                escape(message)
            ),
        ),
    )
}

fn hidden(name: &str, value: &Option<String>) -> String {
    value
        .as_ref()
        .map(|v| format!("<input type=\"hidden\" name=\"{name}\" value=\"{}\">", escape(v)))
        .unwrap_or_default()
}

fn form(
    st: &AppState,
    ctx: &Ctx,
    p: &AuthorizeParams,
    app_name: &str,
    scopes: &str,
    error: Option<&str>,
) -> String {
    let fields = [
        hidden("response_type", &p.response_type),
        hidden("client_id", &p.client_id),
        hidden("redirect_uri", &p.redirect_uri),
        hidden("scope", &p.scope),
        hidden("state", &p.state),
        hidden("code_challenge", &p.code_challenge),
        hidden("code_challenge_method", &p.code_challenge_method),
    ]
    .concat();
    let error = error
        .map(|e| format!("<p class=\"error\">{}</p>", escape(e)))
        .unwrap_or_default();
    layout(
        "Authorize application",
        &format!(
            "<h1>{instance}</h1><p><strong>{app}</strong> wants to use your account with these permissions: <code>{scopes}</code></p>{error}\
             <form method=\"post\" action=\"/oauth/authorize\">{fields}{who}\
             <button type=\"submit\" name=\"decision\" value=\"approve\">Authorize</button>\
             <button type=\"submit\" name=\"decision\" value=\"deny\" formnovalidate>Deny</button></form>",
            instance = escape(&st.core.settings.instance.title),
            who = match ctx.account() {
                Some(a) => format!(
                    "<input type=\"hidden\" name=\"authenticity_token\" value=\"{}\"><p>You are signed in as <strong>@{}</strong>.</p>",
                    escape(&ctx.csrf),
                    escape(&a.username)
                ),
                None => "<label for=\"login\">E-mail address or username</label><input type=\"text\" id=\"login\" name=\"login\" autocomplete=\"username\" required>\
                    <label for=\"password\">Password</label><input type=\"password\" id=\"password\" name=\"password\" autocomplete=\"current-password\" required>"
                    .to_owned(),
            },
            app = escape(app_name),
            scopes = escape(scopes),
        ),
    )
}

pub async fn page(
    State(st): State<AppState>,
    ctx: Ctx,
    Params(p): Params<AuthorizeParams>,
) -> ApiResult<Response> {
    if p.response_type.as_deref() != Some("code") {
        return Ok(error_page("Only response_type=code is supported."));
    }
    if p.code_challenge.is_some() && p.code_challenge_method.as_deref().is_some_and(|m| m != "S256") {
        return Ok(error_page("Only the S256 code challenge method is supported."));
    }
    let redirect = p.redirect_uri.clone().unwrap_or_default();
    match st
        .core
        .check_authorize_request(
            p.client_id.as_deref().unwrap_or(""),
            &redirect,
            p.scope.as_deref(),
        )
        .await
    {
        Ok((app, scopes)) => Ok(page_response(
            StatusCode::OK,
            form(&st, &ctx, &p, &app.name, &scopes.to_space_separated(), None),
        )),
        Err(e) => Ok(error_page(&e.to_string())),
    }
}

pub async fn submit(
    State(st): State<AppState>,
    ClientIp(ip): ClientIp,
    ctx: Ctx,
    Params(p): Params<AuthorizeParams>,
) -> ApiResult<Response> {
    let redirect = p.redirect_uri.clone().unwrap_or_default();
    let (app, scopes) = match st
        .core
        .check_authorize_request(
            p.client_id.as_deref().unwrap_or(""),
            &redirect,
            p.scope.as_deref(),
        )
        .await
    {
        Ok(ok) => ok,
        Err(e) => return Ok(error_page(&e.to_string())),
    };
    let with_state = |mut url: String| {
        if let Some(s) = &p.state {
            url.push_str(&format!("&state={}", urlencode(s)));
        }
        url
    };
    let sep = if redirect.contains('?') { '&' } else { '?' };
    if p.decision.as_deref() == Some("deny") {
        if redirect == OOB {
            return Ok(page_response(
                StatusCode::OK,
                layout("Denied", "<h1>Authorization denied</h1>"),
            ));
        }
        return Ok(Redirect::to(&with_state(format!("{redirect}{sep}error=access_denied"))).into_response());
    }
    let challenge = p.code_challenge.clone().filter(|c| !c.is_empty());
    let by_session = match (&ctx.viewer, &p.authenticity_token) {
        (Some(v), Some(t)) if p.login.is_none() && constant_time_eq(t, &ctx.csrf) => Some(v),
        (_, Some(_)) if p.login.is_none() => {
            return Ok(page_response(
                StatusCode::FORBIDDEN,
                layout(
                    "Authorization failed",
                    "<h1>Authorization failed</h1><p class=\"error\">The form has expired: go back and reload the page.</p>",
                ),
            ));
        }
        _ => None,
    };
    let code = if let Some(viewer) = by_session {
        st.core
            .authorize_signed_in(viewer, &app, &scopes, &redirect, challenge)
            .await?
    } else {
        // Password guesses count as sign-in attempts (25 per address per 5 minutes).
        if !st.limiter.allow_sign_in(ip) {
            return Ok(page_response(
                StatusCode::TOO_MANY_REQUESTS,
                form(
                    &st,
                    &ctx,
                    &p,
                    &app.name,
                    &scopes.to_space_separated(),
                    Some("Too many sign-in attempts from your address: wait five minutes and try again."),
                ),
            ));
        }
        match st
            .core
            .authorize(
                &app,
                &scopes,
                &redirect,
                challenge,
                p.login.as_deref().unwrap_or(""),
                p.password.as_deref().unwrap_or(""),
            )
            .await
        {
            Ok(code) => code,
            Err(palisade_core::Error::Forbidden(m)) => {
                return Ok(page_response(
                    StatusCode::FORBIDDEN,
                    form(&st, &ctx, &p, &app.name, &scopes.to_space_separated(), Some(&m)),
                ));
            }
            Err(_) => {
                return Ok(page_response(
                    StatusCode::UNAUTHORIZED,
                    form(
                        &st,
                        &ctx,
                        &p,
                        &app.name,
                        &scopes.to_space_separated(),
                        Some("Invalid e-mail address, username or password."),
                    ),
                ));
            }
        }
    };
    if redirect == OOB {
        return Ok(page_response(
            StatusCode::OK,
            layout(
                "Authorization code",
                &format!(
                    "<h1>Authorization code</h1><p>Copy this code and paste it into the application:</p><p><code id=\"code\">{}</code></p>",
                    escape(&code)
                ),
            ),
        ));
    }
    Ok(Redirect::to(&with_state(format!("{redirect}{sep}code={}", urlencode(&code)))).into_response())
}

fn urlencode(s: &str) -> String {
    serde_urlencoded::to_string([("", s)])
        .map(|e| e[1..].to_owned())
        .unwrap_or_default()
}
