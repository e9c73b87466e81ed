//! `/auth/sign_in`, `/auth/sign_up`, `/auth/sign_out`: browser sessions. Sign-in attempts
//! are rate-limited per IP; sign-ups follow the registration mode (open, approval, closed).

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use maud::{Markup, html};
use palisade_core::accounts::NewUser;
use palisade_core::settings::Registrations;
use serde::Deserialize;

use super::ctx::Ctx;
use super::form::Form;
use super::page::{Opts, WebResult, csrf, page, page_with, redirect, safe_back};
use crate::extract::ClientIp;
use crate::{AppState, de};

#[derive(Deserialize, Default)]
pub struct Back {
    #[serde(default, deserialize_with = "de::opt_string")]
    back: Option<String>,
}

fn sign_in_form(st: &AppState, ctx: &Ctx, back: &str, login: &str, error: Option<&str>) -> Markup {
    html! {
        h1 { "Sign in to " (st.core.settings.instance.title) }
        @if let Some(e) = error { p.error role="alert" { (e) } }
        form.card action="/auth/sign_in" method="post" {
            (csrf(ctx))
            input type="hidden" name="back" value=(back);
            label for="login" { "Username or e-mail address" }
            input #login type="text" name="login" value=(login) autocomplete="username" required autofocus;
            label for="password" { "Password" }
            input #password type="password" name="password" autocomplete="current-password" required;
            div.actions { button type="submit" { "Sign in" } }
        }
        @if st.core.settings.registrations != Registrations::Closed {
            p { "No account yet? " a href="/auth/sign_up" { "Sign up" } }
        }
    }
}

pub async fn sign_in_page(State(st): State<AppState>, ctx: Ctx, Query(q): Query<Back>) -> Response {
    if ctx.signed_in() {
        return redirect(&ctx, &safe_back(q.back.as_deref(), "/home"));
    }
    let back = safe_back(q.back.as_deref(), "/home");
    page(&st, &ctx, "Sign in", sign_in_form(&st, &ctx, &back, "", None))
}

#[derive(Deserialize)]
pub struct SignIn {
    #[serde(default)]
    login: String,
    #[serde(default)]
    password: String,
    #[serde(default, deserialize_with = "de::opt_string")]
    back: Option<String>,
}

pub async fn sign_in(
    State(st): State<AppState>,
    ClientIp(ip): ClientIp,
    Form(mut ctx, f): Form<SignIn>,
) -> Response {
    let back = safe_back(f.back.as_deref(), "/home");
    let again = |ctx: &Ctx, status: StatusCode, msg: &str| {
        page_with(
            &st,
            ctx,
            "Sign in",
            sign_in_form(&st, ctx, &back, &f.login, Some(msg)),
            Opts {
                status: Some(status),
                ..Default::default()
            },
        )
    };
    if !st.limiter.allow_sign_in(ip) {
        return again(
            &ctx,
            StatusCode::TOO_MANY_REQUESTS,
            "Too many sign-in attempts from your address: wait five minutes and try again.",
        );
    }
    match st
        .core
        .sign_in(&f.login, &f.password, ctx.user_agent.as_deref())
        .await
    {
        Ok((secret, _)) => {
            ctx.start_session(&secret);
            redirect(&ctx, &back)
        }
        Err(palisade_core::Error::Forbidden(m)) => again(&ctx, StatusCode::FORBIDDEN, &m),
        Err(palisade_core::Error::Unauthorized(m)) => again(&ctx, StatusCode::UNAUTHORIZED, &m),
        Err(e) => super::page::WebError(e).into_response_(),
    }
}

#[derive(Deserialize)]
pub struct NoFields {}

pub async fn sign_out(State(st): State<AppState>, Form(mut ctx, _): Form<NoFields>) -> WebResult {
    if let Some(secret) = ctx.session.clone() {
        st.core.sign_out(&secret).await?;
    }
    ctx.end_session();
    ctx.notice("You are signed out.");
    Ok(redirect(&ctx, "/"))
}

#[derive(Deserialize, Default)]
pub struct SignUp {
    #[serde(default)]
    username: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default, deserialize_with = "de::bool")]
    agreement: bool,
    #[serde(default, deserialize_with = "de::opt_string")]
    reason: Option<String>,
}

fn sign_up_form(st: &AppState, ctx: &Ctx, f: &SignUp, error: Option<&str>) -> Markup {
    let s = &st.core.settings;
    html! {
        h1 { "Sign up on " (s.instance.title) }
        @if s.registrations == Registrations::Approval {
            p.warning { "Sign-ups here are reviewed: a moderator approves your account before you can sign in." }
        }
        @if let Some(e) = error { p.error role="alert" { (e) } }
        form.card action="/auth/sign_up" method="post" {
            (csrf(ctx))
            label for="username" { "Username" }
            input #username type="text" name="username" value=(f.username) autocomplete="username" required pattern="[A-Za-z0-9_]{1,30}" aria-describedby="username-hint";
            p.hint #username-hint { "Letters, digits and underscores. You will be @name@" (s.domain) "." }
            label for="email" { "E-mail address" }
            input #email type="email" name="email" value=(f.email) autocomplete="email" required;
            label for="password" { "Password" }
            input #password type="password" name="password" autocomplete="new-password" required minlength="8" aria-describedby="password-hint";
            p.hint #password-hint { "At least 8 characters." }
            @if s.registrations == Registrations::Approval {
                label for="reason" { "Why do you want to join?" }
                textarea #reason name="reason" { (f.reason.clone().unwrap_or_default()) }
            }
            @if !s.instance.rules.is_empty() {
                h2 { "Server rules" }
                ol { @for r in &s.instance.rules { li { (r) } } }
            }
            label.check { input type="checkbox" name="agreement" value="true" required; "I agree to the server rules" }
            div.actions { button type="submit" { "Sign up" } }
        }
    }
}

pub async fn sign_up_page(State(st): State<AppState>, ctx: Ctx) -> Response {
    if st.core.settings.registrations == Registrations::Closed {
        return page(
            &st,
            &ctx,
            "Sign-ups are closed",
            html! {
                h1 { "Sign-ups are closed" }
                p { "This server does not take new members at the moment." }
            },
        );
    }
    page(
        &st,
        &ctx,
        "Sign up",
        sign_up_form(&st, &ctx, &SignUp::default(), None),
    )
}

pub async fn sign_up(
    State(st): State<AppState>,
    ClientIp(ip): ClientIp,
    Form(mut ctx, f): Form<SignUp>,
) -> Response {
    let refuse = |ctx: &Ctx, f: &SignUp, status: StatusCode, msg: &str| {
        page_with(
            &st,
            ctx,
            "Sign up",
            sign_up_form(&st, ctx, f, Some(msg)),
            Opts {
                status: Some(status),
                ..Default::default()
            },
        )
    };
    if !st.limiter.allow_signup(ip) {
        return refuse(
            &ctx,
            &f,
            StatusCode::TOO_MANY_REQUESTS,
            "Too many sign-ups from your address: try again later.",
        );
    }
    let created = st
        .core
        .create_user(NewUser {
            username: f.username.trim().to_owned(),
            email: f.email.trim().to_owned(),
            password: f.password.clone(),
            agreement: f.agreement,
            locale: None,
            reason: f.reason.clone(),
            role: "user".into(),
            via_api: true,
        })
        .await;
    match created {
        Ok((_, user)) if !user.approved => page(
            &st,
            &ctx,
            "Sign-up received",
            html! {
                h1 { "Thank you: your sign-up waits for approval" }
                p { "A moderator of " (st.core.settings.instance.title) " will review it. You can sign in once it is approved." }
            },
        ),
        Ok(_) => match st
            .core
            .sign_in(f.username.trim(), &f.password, ctx.user_agent.as_deref())
            .await
        {
            Ok((secret, _)) => {
                ctx.start_session(&secret);
                ctx.notice("Welcome! Your account is ready.");
                redirect(&ctx, "/home")
            }
            Err(_) => redirect(&ctx, "/auth/sign_in"),
        },
        Err(palisade_core::Error::Unprocessable(m, _)) => {
            refuse(&ctx, &f, StatusCode::UNPROCESSABLE_ENTITY, &m)
        }
        Err(palisade_core::Error::Forbidden(m)) => refuse(&ctx, &f, StatusCode::FORBIDDEN, &m),
        Err(e) => super::page::WebError(e).into_response_(),
    }
}
