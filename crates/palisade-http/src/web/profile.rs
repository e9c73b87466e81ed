//! Profiles: `/@user` and `/@user@host` (the HTML side; ActivityPub clients get the actor),
//! with follow and the menu (mention, mute, block, report, block the whole domain), the
//! account buttons (`POST /accounts/:id/:action`), the report form, and `/tags/:name`.

use axum::extract::{OriginalUri, Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use maud::{Markup, html};
use palisade_core::accounts::fields_of;
use palisade_core::model::{Account, AccountFilter};
use palisade_core::relationships::{FollowOptions, Relationship};
use palisade_core::reports::ReportRequest;
use serde::Deserialize;

use super::ctx::Ctx;
use super::form::Form;
use super::page::{
    WebError, WebResult, csrf, display_name, handle, page, post_button, profile_path, redirect,
    require_member, safe_back, urlencode,
};
use super::pictures;
use super::render::{status, timeline};
use crate::activitypub::wants_activity_json;
use crate::pagination::PageParams;
use crate::{AppState, de};

/// `/@name`: a local or (with `@host`) remote profile, or the actor for ActivityPub clients.
pub async fn show(
    State(st): State<AppState>,
    ctx: Ctx,
    uri: OriginalUri,
    headers: HeaderMap,
    Path(name): Path<String>,
    Query(p): Query<PageParams>,
) -> Response {
    if wants_activity_json(&headers) {
        return crate::activitypub::actor_page_json(&st, &uri, &headers, &name).await;
    }
    profile(&st, &ctx, &name, &p)
        .await
        .unwrap_or_else(axum::response::IntoResponse::into_response)
}

/// `/@name/:id`: the post's page, or the Note for ActivityPub clients.
pub async fn status_page(
    State(st): State<AppState>,
    ctx: Ctx,
    uri: OriginalUri,
    headers: HeaderMap,
    Path((name, id)): Path<(String, String)>,
) -> Response {
    if wants_activity_json(&headers) {
        return crate::activitypub::note_page_json(&st, &uri, &headers, &name, &id).await;
    }
    super::statuses::local_page(&st, &ctx, &name, &id)
        .await
        .unwrap_or_else(axum::response::IntoResponse::into_response)
}

fn menu(st: &AppState, ctx: &Ctx, a: &Account, rel: &Relationship) -> Markup {
    let base = format!("/accounts/{}", a.id);
    html! {
        details.menu {
            summary aria-label={"More actions for " (handle(st, a))} { "⋯ More" }
            ul {
                li { a href={"/statuses/new?text=" (urlencode(&handle(st, a)))} { "Mention " (handle(st, a)) } }
                li { (post_button(ctx, &format!("{base}/{}", if rel.muting { "unmute" } else { "mute" }), &format!("{} {}", if rel.muting { "Unmute" } else { "Mute" }, handle(st, a)), "")) }
                li { (post_button(ctx, &format!("{base}/{}", if rel.blocking { "unblock" } else { "block" }), &format!("{} {}", if rel.blocking { "Unblock" } else { "Block" }, handle(st, a)), "")) }
                li { a href={(base) "/report"} { "Report " (handle(st, a)) } }
                @if let Some(d) = &a.domain {
                    @if rel.domain_blocking {
                        li { form.inline action="/domain_blocks/unblock" method="post" {
                            (csrf(ctx))
                            input type="hidden" name="domain" value=(d);
                            input type="hidden" name="back" value=(profile_path(a));
                            button type="submit" { "Unblock domain " (d) }
                        } }
                    } @else {
                        li.danger { a href={"/domain_blocks/new?domain=" (urlencode(d)) "&account=" (a.id)} { "Block domain " (d) } }
                    }
                    li { a href={"/settings/domains/" (urlencode(d))} { "Your ties with " (d) } }
                }
            }
        }
    }
}

fn follow_button(ctx: &Ctx, a: &Account, rel: &Relationship) -> Markup {
    let base = format!("/accounts/{}", a.id);
    if rel.following || rel.requested {
        post_button(
            ctx,
            &format!("{base}/unfollow"),
            if rel.requested {
                "Cancel follow request"
            } else {
                "Unfollow"
            },
            "secondary",
        )
    } else if rel.blocking || rel.domain_blocking {
        html! {}
    } else {
        post_button(
            ctx,
            &format!("{base}/follow"),
            if rel.followed_by { "Follow back" } else { "Follow" },
            "",
        )
    }
}

async fn profile(st: &AppState, ctx: &Ctx, name: &str, p: &PageParams) -> WebResult {
    let a = st.core.lookup_account(name).await?;
    if a.domain.is_none() && name.contains('@') && !name.ends_with(&format!("@{}", st.core.settings.domain)) {
        return Err(WebError(palisade_core::Error::not_found()));
    }
    let rel = match ctx.account() {
        Some(me) if me.id != a.id => Some(st.core.relationship(me, a.id).await?),
        _ => None,
    };
    let filter = AccountFilter {
        exclude_replies: true,
        ..Default::default()
    };
    let posts = st
        .core
        .account_statuses(ctx.account(), a.id, filter, false, None, &p.query(20, 40))
        .await?;
    let pinned = st
        .core
        .account_statuses(
            ctx.account(),
            a.id,
            AccountFilter::default(),
            true,
            None,
            &Default::default(),
        )
        .await?;
    let fields = fields_of(&a);
    let emojis = pictures::of_account(st, &a);
    let title = format!("{} ({})", display_name(&a), handle(st, &a));
    let head = html! {
        meta property="og:site_name" content=(st.core.settings.instance.title);
        meta property="og:type" content="profile";
        meta property="og:title" content=(title);
        meta property="og:url" content=(a.url);
        meta property="og:image" content=(pictures::avatar_absolute(st, &a));
        link rel="alternate" type="application/activity+json" href=(a.uri);
    };
    Ok(super::page::page_with(
        st,
        ctx,
        &title,
        html! {
            section.card.profile-head aria-labelledby="profile-name" {
                (pictures::header(st, &a))
                (pictures::avatar_big(st, &a))
                div.who {
                    h1 #profile-name { (pictures::text(display_name(&a), &emojis)) }
                    p.handle { (handle(st, &a)) @if a.locked { " · 🔒 approves followers" } @if a.bot { " · automated" } }
                    @if let Some(r) = &rel {
                        @if r.followed_by { p.muted { "Follows you" } }
                        @if r.domain_blocking { p.warning { "You block " (a.domain.clone().unwrap_or_default()) ": nothing from there reaches you." } }
                    }
                    div.content { (pictures::html(&a.note_html, &emojis)) }
                    @if !fields.is_empty() {
                        dl.fields { @for f in &fields { dt { (pictures::text(&f.name, &emojis)) } dd.verified[f.verified_at.is_some()] {
                            (pictures::html(&f.value_html, &emojis))
                            @if f.verified_at.is_some() { " " span.check title="This server checked that the page links back to this profile" { "✓ verified" } }
                        } } }
                    }
                    ul.stats {
                        li { strong { (a.statuses_count) } " posts" }
                        li { strong { (a.following_count) } " following" }
                        li { strong { (a.followers_count) } " followers" }
                    }
                    @if rel.as_ref().is_some_and(|r| r.requested_by) {
                        p { (handle(st, &a)) " asked to follow you." }
                        (super::follow_requests::answer_buttons(ctx, a.id))
                    }
                    @if let Some(r) = &rel {
                        div.actions {
                            (follow_button(ctx, &a, r))
                            (menu(st, ctx, &a, r))
                        }
                    } @else if !ctx.signed_in() {
                        p.hint { a href={"/auth/sign_in?back=" (urlencode(&profile_path(&a)))} { "Sign in" } " to follow " (handle(st, &a)) "." }
                    }
                    @if a.domain.is_some() {
                        p.hint { "Older posts may be only on " a href=(a.url) rel="noopener noreferrer nofollow" { "the original profile" } "." }
                    }
                }
            }
            @if !pinned.statuses.is_empty() {
                h2 { "Pinned" }
                @for v in &pinned.statuses { (status(st, ctx, v)) }
            }
            h2 { "Posts" }
            (timeline(st, ctx, &posts, &profile_path(&a), "No posts here yet."))
        },
        super::page::Opts {
            head: Some(head),
            ..Default::default()
        },
    ))
}

#[derive(Deserialize)]
pub struct Back {
    #[serde(default, deserialize_with = "de::opt_string")]
    back: Option<String>,
}

/// `POST /accounts/:id/{follow,unfollow,mute,unmute,block,unblock}`.
pub async fn act(
    State(st): State<AppState>,
    Path((id, action)): Path<(String, String)>,
    Form(mut ctx, f): Form<Back>,
) -> WebResult {
    let viewer = match require_member(&ctx) {
        Ok(v) => v.clone(),
        Err(r) => return Ok(r),
    };
    let id = id
        .parse::<i64>()
        .map_err(|_| WebError(palisade_core::Error::not_found()))?;
    let target = st.core.account(id).await?;
    let who = handle(&st, &target);
    let core = &st.core;
    let said = match action.as_str() {
        "follow" => {
            let r = core.follow(&viewer, id, FollowOptions::default()).await?;
            if r.requested {
                format!("Follow request sent to {who}.")
            } else {
                format!("You follow {who}.")
            }
        }
        "unfollow" => {
            core.unfollow(&viewer, id).await?;
            format!("You no longer follow {who}.")
        }
        "mute" => {
            core.mute(&viewer, id, true, None).await?;
            format!("You muted {who}.")
        }
        "unmute" => {
            core.unmute(&viewer, id).await?;
            format!("You unmuted {who}.")
        }
        "block" => {
            core.block(&viewer, id).await?;
            format!("You blocked {who}.")
        }
        "unblock" => {
            core.unblock(&viewer, id).await?;
            format!("You unblocked {who}.")
        }
        "authorize" => {
            core.answer_follow_request(&viewer, id, true).await?;
            format!("{who} now follows you.")
        }
        "reject" => {
            core.answer_follow_request(&viewer, id, false).await?;
            format!("You turned down {who}'s follow request.")
        }
        _ => return Err(WebError(palisade_core::Error::not_found())),
    };
    ctx.notice(&said);
    Ok(redirect(
        &ctx,
        &safe_back(f.back.as_deref(), &profile_path(&target)),
    ))
}

pub async fn report_page(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> WebResult {
    if let Err(r) = require_member(&ctx) {
        return Ok(r);
    }
    let id = id
        .parse::<i64>()
        .map_err(|_| WebError(palisade_core::Error::not_found()))?;
    let a = st.core.account(id).await?;
    let posts = st
        .core
        .account_statuses(
            ctx.account(),
            a.id,
            AccountFilter::default(),
            false,
            None,
            &palisade_core::PageQuery {
                limit: 10,
                ..Default::default()
            },
        )
        .await?;
    let rules = &st.core.settings.instance.rules;
    Ok(page(
        &st,
        &ctx,
        "Report",
        html! {
            h1 { "Report " (handle(&st, &a)) }
            form.card action={"/accounts/" (a.id) "/report"} method="post" {
                (csrf(&ctx))
                fieldset {
                    legend { "What is wrong?" }
                    @for (value, label) in [("spam", "It is spam"), ("legal", "It is illegal"), ("other", "Something else")] {
                        label.check { input type="radio" name="category" value=(value) required; (label) }
                    }
                    @if !rules.is_empty() { label.check { input type="radio" name="category" value="violation"; "It breaks a server rule" } }
                }
                @if !rules.is_empty() {
                    label for="rule" { "Which rule (for a rule violation)" }
                    select #rule name="rule_id" { option value="" { "—" } @for (i, r) in rules.iter().enumerate() { option value=(i + 1) { (r) } } }
                }
                @if !posts.statuses.is_empty() {
                    fieldset {
                        legend { "Posts to include (optional)" }
                        @for v in &posts.statuses {
                            label.check { input type="checkbox" name={"status_" (v.status.id)} value="1"; (super::statuses::excerpt(&v.status.content_html)) }
                        }
                    }
                }
                label for="comment" { "Anything moderators should know" }
                textarea #comment name="comment" maxlength="1000" {}
                @if let Some(d) = &a.domain {
                    label.check { input type="checkbox" name="forward" value="true"; "Also send an anonymous copy to " (d) }
                }
                div.actions { button type="submit" { "Send report" } a href=(profile_path(&a)) { "Cancel" } }
            }
        },
    ))
}

pub async fn report(
    State(st): State<AppState>,
    Path(id): Path<String>,
    Form(mut ctx, f): Form<serde_json::Map<String, serde_json::Value>>,
) -> WebResult {
    let viewer = match require_member(&ctx) {
        Ok(v) => v.clone(),
        Err(r) => return Ok(r),
    };
    let get = |k: &str| {
        f.get(k)
            .and_then(|v| v.as_str())
            .map(str::to_owned)
            .filter(|s| !s.is_empty())
    };
    let status_ids = f
        .keys()
        .filter_map(|k| k.strip_prefix("status_"))
        .map(str::to_owned)
        .collect();
    let category = get("category");
    let rule_ids = if category.as_deref() == Some("violation") {
        get("rule_id").into_iter().collect()
    } else {
        Vec::new()
    };
    let (_, target) = st
        .core
        .create_report(
            &viewer,
            ReportRequest {
                account_id: Some(id),
                status_ids,
                comment: get("comment"),
                forward: get("forward").as_deref() == Some("true"),
                forward_to_domains: None,
                category,
                rule_ids,
            },
        )
        .await?;
    ctx.notice(&format!(
        "Thank you: your report about {} was sent to the moderators.",
        handle(&st, &target)
    ));
    Ok(redirect(&ctx, &profile_path(&target)))
}

pub async fn tag(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(name): Path<String>,
    Query(p): Query<PageParams>,
) -> WebResult {
    let tl = st
        .core
        .tag_timeline(ctx.account(), &name, &Default::default(), None, &p.query(20, 40))
        .await?;
    Ok(page(
        &st,
        &ctx,
        &format!("#{name}"),
        html! {
            h1 { "#" (name) }
            (timeline(&st, &ctx, &tl, &format!("/tags/{}", urlencode(&name)), "No posts with this hashtag here yet."))
        },
    ))
}
