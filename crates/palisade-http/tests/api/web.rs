//! The web interface's security and the block prompt, through the real router: CSRF tokens
//! on every form (403 without), roles (members cannot open admin pages, moderators cannot
//! act), session cookie flags, the Content-Security-Policy, the sign-in rate limit, and the
//! prompt's counts and names equal to the preview API's, a locked account answering follow
//! requests, and a member editing her post.

use axum::http::{Method, StatusCode};
use palisade_testkit::TestServer;

use crate::web_browser::Browser;

#[tokio::test]
async fn pages_carry_a_strict_csp_and_session_cookies_have_the_right_flags() {
    let srv = TestServer::new().await;
    srv.user("alice").await;
    let mut b = Browser::new(&srv);
    let front = b.get("/").await;
    assert_eq!(front.status, 200);
    let csp = front.header("content-security-policy").unwrap();
    assert!(
        csp.contains("default-src 'none'")
            && csp.contains("script-src 'self'")
            && csp.contains("style-src 'self'"),
        "{csp}"
    );
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    assert_eq!(front.header("x-frame-options"), Some("DENY"));
    assert!(
        !front.text.contains(" style=") && !front.text.contains("<style") && !front.text.contains("onclick")
    );
    let r = b.sign_in("alice").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let set: Vec<&str> = r
        .headers
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap())
        .collect();
    let session = set
        .iter()
        .find(|c| c.starts_with("palisade_session="))
        .expect("a session cookie");
    for flag in ["HttpOnly", "SameSite=Lax", "Secure", "Path=/"] {
        assert!(session.contains(flag), "{session} lacks {flag}");
    }
    let home = b.get("/home").await;
    assert_eq!(home.status, 200);
    assert!(home.text.contains("Sign out"));
    // Assets: cached for a year under their versioned URL.
    let css_url = home
        .text
        .split("href=\"/assets/palisade.css")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    let css = srv.get(&format!("/assets/palisade.css{css_url}"), None).await;
    assert_eq!(css.status, 200);
    assert!(css.header("cache-control").unwrap().contains("immutable"));
    assert!(css.text.contains("prefers-color-scheme: dark"));
    // Signing out ends the session on the server too.
    b.post("/auth/sign_out", &[], true).await;
    let after = b.get("/home").await;
    assert_eq!(after.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn forms_without_the_csrf_token_are_refused() {
    let srv = TestServer::new().await;
    srv.user("alice").await;
    srv.staff("root", "admin").await;
    let mut b = Browser::new(&srv);
    b.get("/auth/sign_in").await;
    let r = b
        .post(
            "/auth/sign_in",
            &[("login", "alice"), ("password", "correct horse battery")],
            false,
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let mut admin = Browser::new(&srv);
    assert_eq!(admin.sign_in("root").await.status, StatusCode::SEE_OTHER);
    admin.get("/home").await;
    for (path, form) in [
        ("/statuses", vec![("status", "hello")]),
        ("/domain_blocks", vec![("domain", "threads.example")]),
        ("/domain_blocks/unblock", vec![("domain", "threads.example")]),
        ("/settings/profile", vec![("display_name", "x")]),
        (
            "/admin/domain_blocks",
            vec![("domain", "threads.example"), ("severity", "suspend")],
        ),
        ("/admin/domain_allows", vec![("domain", "ok.example")]),
        ("/admin/federation_settings", vec![("limited_federation", "true")]),
        ("/auth/sign_out", vec![]),
    ] {
        let r = admin.post(path, &form, false).await;
        assert_eq!(
            r.status,
            StatusCode::FORBIDDEN,
            "{path} without a token: {}",
            r.text
        );
        // A token from another session does not do either.
        let mut other = Browser::new(&srv);
        other.get("/").await;
        admin.token = other.token.clone();
        let r = admin.post(path, &form, true).await;
        assert_eq!(
            r.status,
            StatusCode::FORBIDDEN,
            "{path} with another visitor's token"
        );
        admin.get("/home").await;
    }
    assert!(
        srv.core.domain_blocks_admin().await.unwrap().is_empty(),
        "nothing was written"
    );
}

#[tokio::test]
async fn members_cannot_open_admin_pages_and_moderators_cannot_act() {
    let srv = TestServer::new().await;
    srv.user("alice").await;
    srv.staff("mod", "moderator").await;
    srv.staff("root", "admin").await;
    let mut member = Browser::new(&srv);
    member.sign_in("alice").await;
    for page in [
        "/admin/peers",
        "/admin/domain_blocks",
        "/admin/audit",
        "/admin/reports",
        "/admin/domain_allows",
        "/admin/sign_ups",
        "/admin/domain_blocks/new?domain=x.example",
    ] {
        assert_eq!(member.get(page).await.status, StatusCode::FORBIDDEN, "{page}");
    }
    let mut moderator = Browser::new(&srv);
    moderator.sign_in("mod").await;
    for page in [
        "/admin/peers",
        "/admin/domain_blocks",
        "/admin/audit",
        "/admin/domain_blocks/new?domain=x.example&severity=suspend",
    ] {
        let r = moderator.get(page).await;
        assert_eq!(r.status, 200, "{page}: {}", r.text);
    }
    let r = moderator
        .post(
            "/admin/domain_blocks",
            &[("domain", "x.example"), ("severity", "suspend")],
            true,
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    moderator.get("/admin/peers").await;
    let r = moderator.post("/admin/peers/x.example/pause", &[], true).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(srv.core.domain_blocks_admin().await.unwrap().is_empty());
    // An admin acts; the action is audited with the admin as its author.
    let mut admin = Browser::new(&srv);
    admin.sign_in("root").await;
    admin
        .get("/admin/domain_blocks/new?domain=x.example&severity=suspend")
        .await;
    let r = admin
        .post(
            "/admin/domain_blocks",
            &[("domain", "x.example"), ("severity", "suspend")],
            true,
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    admin.get("/admin/peers").await;
    let r = admin.post("/admin/peers/x.example/pause", &[], true).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let log = srv.core.audit_log(10, None).await.unwrap();
    let actions: Vec<&str> = log.iter().map(|a| a.action.as_str()).collect();
    assert!(
        actions.contains(&"create_domain_block") && actions.contains(&"pause_peer"),
        "{actions:?}"
    );
    let root = srv.core.local_user("root").await.unwrap().0;
    assert!(log.iter().all(|a| a.account_id == Some(root.id)));
}

#[tokio::test]
async fn sign_in_is_rate_limited() {
    let srv = TestServer::new().await;
    srv.user("alice").await;
    let mut b = Browser::new(&srv);
    b.get("/auth/sign_in").await;
    let mut last = StatusCode::OK;
    for _ in 0..26 {
        last = b
            .post(
                "/auth/sign_in",
                &[("login", "alice"), ("password", "wrong")],
                true,
            )
            .await
            .status;
    }
    assert_eq!(last, StatusCode::TOO_MANY_REQUESTS);
    let r = b
        .post(
            "/auth/sign_in",
            &[("login", "alice"), ("password", "correct horse battery")],
            true,
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::TOO_MANY_REQUESTS,
        "even the right password waits"
    );
}

#[tokio::test]
async fn the_block_prompt_names_whom_a_block_would_cut_off() {
    let srv = TestServer::new().await;
    let token = srv.user("alice").await;
    let me = srv.core.local_user("alice").await.unwrap().0;
    let tom = srv.remote_account("tom", "threads.example").await;
    let tia = srv.remote_account("tia", "threads.example").await;
    for (a, b) in [(me.id, tom.id), (me.id, tia.id), (tom.id, me.id)] {
        palisade_store::relationships::insert(
            &srv.db,
            palisade_core::model::FollowTable::Follows,
            &palisade_core::model::Follow {
                id: palisade_core::model::new_id(),
                account_id: a,
                target_account_id: b,
                show_reblogs: true,
                notify: false,
                languages: None,
                uri: None,
                created_at: 0,
            },
        )
        .await
        .unwrap();
    }
    let api = srv
        .get(
            "/api/v1/domain_blocks/preview?domain=threads.example",
            Some(&token),
        )
        .await;
    assert_eq!(
        (
            api.body["following_count"].as_i64(),
            api.body["followers_count"].as_i64()
        ),
        (Some(2), Some(1))
    );
    let mut b = Browser::new(&srv);
    b.sign_in("alice").await;
    let prompt = b
        .get(&format!(
            "/domain_blocks/new?domain=threads.example&account={}",
            tom.id
        ))
        .await;
    assert_eq!(prompt.status, 200, "{}", prompt.text);
    let t = &prompt.text;
    assert!(
        t.contains("id=\"following-count\"><span class=\"n\">2</span>"),
        "{t}"
    );
    assert!(t.contains("id=\"followers-count\"><span class=\"n\">1</span>"));
    assert!(t.contains("@tom@threads.example") && t.contains("@tia@threads.example"));
    assert!(t.contains("instead") && t.contains("Cancel"));
    let done = b
        .post("/domain_blocks", &[("domain", "threads.example")], true)
        .await;
    assert_eq!(done.status, 200, "{}", done.text);
    assert!(done.text.contains("You blocked threads.example") && done.text.contains("@tia@threads.example"));
    assert_eq!(
        srv.core.blocked_domains(me.id).await.unwrap(),
        vec!["threads.example".to_owned()]
    );
    let rel = srv.relationship(&token, &tom.id.to_string()).await;
    assert_eq!(
        (rel["following"].as_bool(), rel["domain_blocking"].as_bool()),
        (Some(false), Some(true))
    );
    // The severed follows can be downloaded, as in Mastodon.
    let page = b.get("/settings/severed_relationships").await;
    let href = page
        .text
        .split("href=\"/settings/severed_relationships/")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    let csv = b.get(&format!("/settings/severed_relationships/{href}")).await;
    assert!(csv.text.contains("tom@threads.example"), "{}", csv.text);
}

#[tokio::test]
async fn search_finds_a_domain_s_accounts_and_a_profile_by_its_url() {
    let srv = TestServer::new().await;
    srv.user("alice").await;
    srv.remote_account("tom", "threads.example").await;
    srv.remote_account("tia", "threads.example").await;
    srv.remote_account("pat", "elsewhere.example").await;
    let mut b = Browser::new(&srv);
    b.sign_in("alice").await;
    let r = b.get("/search?q=threads.example").await;
    assert_eq!(r.status, 200);
    let section = r.text.split("id=\"on-domain\"").nth(1).unwrap();
    assert!(section.contains("@tom@threads.example") && section.contains("@tia@threads.example"));
    assert!(!r.text.contains("@pat@elsewhere.example"));
    // A profile URL (not the actor id) finds the account it belongs to.
    let r = b.get("/search?q=https%3A%2F%2Fthreads.example%2F%40tom").await;
    assert!(r.text.contains("href=\"/@tom@threads.example\""), "{}", r.text);
    // The remote profile page has the menu with "Block domain".
    let p = b.get("/@tom@threads.example").await;
    assert_eq!(p.status, 200);
    assert!(p.text.contains("Block domain threads.example") && p.text.contains("og:title"));
    // Visitors see public pages, without the menu.
    let anon = srv.get("/@tom@threads.example", None).await;
    assert_eq!(anon.status, 200);
    assert!(!anon.text.contains("Block domain"));
    // ActivityPub clients asking at /@name still get the actor.
    let actor = srv
        .request_with(
            Method::GET,
            "/@alice",
            None,
            None,
            &[("accept", "application/activity+json")],
        )
        .await;
    assert_eq!(actor.body["type"], "Person", "{}", actor.text);
}

#[tokio::test]
async fn sign_ups_needing_approval_wait_in_the_admin_queue() {
    let mut settings =
        palisade_core::Settings::for_tests(palisade_testkit::DOMAIN, palisade_testkit::BASE_URL);
    settings.registrations = palisade_core::settings::Registrations::Approval;
    let srv = TestServer::with_settings(settings).await;
    srv.staff("root", "admin").await;
    let mut visitor = Browser::new(&srv);
    visitor.get("/auth/sign_up").await;
    let r = visitor
        .post(
            "/auth/sign_up",
            &[
                ("username", "newbie"),
                ("email", "newbie@example.org"),
                ("password", "correct horse battery"),
                ("agreement", "true"),
                ("reason", "I like fences"),
            ],
            true,
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert!(r.text.contains("waits for approval"));
    assert_eq!(
        visitor.sign_in("newbie").await.status,
        StatusCode::FORBIDDEN,
        "not before approval"
    );
    let mut admin = Browser::new(&srv);
    admin.sign_in("root").await;
    let queue = admin.get("/admin/sign_ups").await;
    assert!(queue.text.contains("@newbie") && queue.text.contains("I like fences"));
    let action = queue
        .text
        .split("action=\"/admin/sign_ups/")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    assert!(action.ends_with("/approve"), "{action}");
    let r = admin.post(&format!("/admin/sign_ups/{action}"), &[], true).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let mut member = Browser::new(&srv);
    assert_eq!(
        member.sign_in("newbie").await.status,
        StatusCode::SEE_OTHER,
        "approved members sign in"
    );
    let log = srv.core.audit_log(10, None).await.unwrap();
    assert!(
        log.iter()
            .any(|a| a.action == "approve_user" && a.target == "newbie")
    );
}

#[tokio::test]
async fn a_member_reports_on_the_web_and_an_admin_resolves_and_forwards() {
    let srv = TestServer::new().await;
    srv.user("alice").await;
    srv.staff("root", "admin").await;
    let tom = srv.remote_account("tom", "threads.example").await;
    let mut alice = Browser::new(&srv);
    alice.sign_in("alice").await;
    let form = alice.get(&format!("/accounts/{}/report", tom.id)).await;
    assert_eq!(form.status, 200, "{}", form.text);
    let r = alice
        .post(
            &format!("/accounts/{}/report", tom.id),
            &[("category", "spam"), ("comment", "buy fences")],
            true,
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let mut admin = Browser::new(&srv);
    admin.sign_in("root").await;
    let list = admin.get("/admin/reports").await;
    let id = list
        .text
        .split("href=\"/admin/reports/")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    let page = admin.get(&format!("/admin/reports/{id}")).await;
    assert!(
        page.text.contains("buy fences") && page.text.contains("Forward to threads.example"),
        "{}",
        page.text
    );
    assert_eq!(
        admin
            .post(&format!("/admin/reports/{id}/forward"), &[], true)
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    admin.get(&format!("/admin/reports/{id}")).await;
    assert_eq!(
        admin
            .post(&format!("/admin/reports/{id}/resolve"), &[], true)
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    let page = admin.get(&format!("/admin/reports/{id}")).await;
    assert!(
        page.text.contains("resolved") && !page.text.contains("Forward to"),
        "{}",
        page.text
    );
    let actions: Vec<String> = srv
        .core
        .audit_log(10, None)
        .await
        .unwrap()
        .into_iter()
        .map(|a| a.action)
        .collect();
    assert!(
        actions.contains(&"forward_report".to_owned()) && actions.contains(&"resolve_report".to_owned()),
        "{actions:?}"
    );
    let audit = admin.get("/admin/audit").await;
    assert!(audit.text.contains("forward_report") && audit.text.contains("threads.example"));
}

/// A locked account answers follow requests on the web: from its notifications, from the
/// follow requests page and from the requester's profile, as apps do through the API.
#[tokio::test]
async fn a_locked_account_accepts_and_rejects_follow_requests_on_the_web() {
    let srv = TestServer::new().await;
    let bob = srv.user("bob").await;
    let alice = srv.user("alice").await;
    let carol = srv.user("carol").await;
    let r = srv
        .patch_form(
            "/api/v1/accounts/update_credentials",
            Some(&bob),
            &[("locked", "true")],
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let bob_id = r.body["id"].as_str().unwrap().to_owned();
    let mut ids = Vec::new();
    for token in [&alice, &carol] {
        let r = srv
            .post(&format!("/api/v1/accounts/{bob_id}/follow"), Some(token))
            .await;
        assert_eq!(r.body["requested"], true, "{}", r.text);
        let me = srv.get("/api/v1/accounts/verify_credentials", Some(token)).await;
        ids.push(me.body["id"].as_str().unwrap().to_owned());
    }
    let (alice_id, carol_id) = (&ids[0], &ids[1]);

    let mut b = Browser::new(&srv);
    b.sign_in("bob").await;
    let notes = b.get("/notifications").await;
    assert!(notes.text.contains("2 follow requests waiting"), "{}", notes.text);
    assert!(
        notes
            .text
            .contains(&format!("action=\"/accounts/{alice_id}/authorize\"")),
        "{}",
        notes.text
    );
    let list = b.get("/follow_requests").await;
    assert!(
        list.text.contains(&format!("/accounts/{alice_id}/authorize"))
            && list.text.contains(&format!("/accounts/{carol_id}/reject")),
        "{}",
        list.text
    );
    let r = b
        .post(&format!("/accounts/{alice_id}/authorize"), &[], true)
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let rel = srv.relationship(&alice, &bob_id).await;
    assert_eq!(
        (rel["following"].clone(), rel["requested"].clone()),
        (true.into(), false.into())
    );

    // Carol's profile offers the answer too; rejecting leaves her not following.
    let profile = b.get("/@carol").await;
    assert!(profile.text.contains("asked to follow you"), "{}", profile.text);
    let r = b.post(&format!("/accounts/{carol_id}/reject"), &[], true).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let rel = srv.relationship(&carol, &bob_id).await;
    assert_eq!(
        (rel["following"].clone(), rel["requested"].clone()),
        (false.into(), false.into())
    );
    let list = b.get("/follow_requests").await;
    assert!(list.text.contains("No one is waiting"), "{}", list.text);
    // An answer to a request that is not there is a 404, not a follow.
    let r = b
        .post(&format!("/accounts/{carol_id}/authorize"), &[], true)
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text);
}

/// A member edits her post on the web: the form holds the post's text and its files'
/// descriptions, the edit goes through the API's rules (history, "edited"), an empty post
/// is refused with the text kept, and no one else can open or post the form.
#[tokio::test]
async fn a_member_edits_her_post_on_the_web() {
    let srv = TestServer::new().await;
    let alice = srv.user("alice").await;
    srv.user("bob").await;
    let up = srv
        .upload(
            &alice,
            "p.png",
            "image/png",
            &palisade_media::testdata::png(16, 16, false),
            &[("description", "a dot")],
        )
        .await;
    let r = srv
        .post_json(
            "/api/v1/statuses",
            Some(&alice),
            serde_json::json!({"status": "first words", "media_ids": [up.body["id"]]}),
        )
        .await;
    let id = r.body["id"].as_str().unwrap().to_owned();

    let mut b = Browser::new(&srv);
    b.sign_in("alice").await;
    let home = b.get("/home").await;
    assert!(
        home.text.contains(&format!("href=\"/statuses/{id}/edit\"")),
        "{}",
        home.text
    );
    let form = b.get(&format!("/statuses/{id}/edit")).await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.text);
    assert!(
        form.text.contains("first words") && form.text.contains("a dot"),
        "{}",
        form.text
    );
    let r = b
        .post(
            &format!("/statuses/{id}/edit"),
            &[
                ("status", "better words"),
                ("description_0", "a red dot"),
                ("spoiler_text", ""),
            ],
            true,
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let s = srv.get(&format!("/api/v1/statuses/{id}"), Some(&alice)).await;
    assert!(
        s.body["content"].as_str().unwrap().contains("better words"),
        "{}",
        s.text
    );
    assert!(s.body["edited_at"].is_string(), "{}", s.text);
    assert_eq!(s.body["media_attachments"][0]["description"], "a red dot");
    let history = srv
        .get(&format!("/api/v1/statuses/{id}/history"), Some(&alice))
        .await;
    assert_eq!(history.body.as_array().map(Vec::len), Some(2), "{}", history.text);
    let page = b.get(&format!("/@alice/{id}")).await;
    assert!(page.text.contains("· edited"), "{}", page.text);

    // A post over the length limit is refused, and says so.
    b.get(&format!("/statuses/{id}/edit")).await;
    let long = "x".repeat(srv.core.settings.limits.max_status_chars as usize + 1);
    let r = b
        .post(
            &format!("/statuses/{id}/edit"),
            &[("status", long.as_str()), ("description_0", "")],
            true,
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert!(r.text.contains("Not saved"), "{}", r.text);

    let mut bob = Browser::new(&srv);
    bob.sign_in("bob").await;
    assert_eq!(
        bob.get(&format!("/statuses/{id}/edit")).await.status,
        StatusCode::NOT_FOUND
    );
    bob.get("/home").await;
    let r = bob
        .post(&format!("/statuses/{id}/edit"), &[("status", "mine now")], true)
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text);
    let s = srv.get(&format!("/api/v1/statuses/{id}"), Some(&alice)).await;
    assert!(
        s.body["content"].as_str().unwrap().contains("better words"),
        "{}",
        s.text
    );
}

/// The part of a picture to keep in view when the pages crop it: chosen among nine positions
/// when posting or editing on the web, stored as Mastodon's focus, cropped around by the
/// pages; a finer focus set by an app survives a web edit that does not change it.
#[tokio::test]
async fn a_picture_s_focus_is_chosen_on_the_web_and_crops_there() {
    let srv = TestServer::new().await;
    let alice = srv.user("alice").await;
    let mut b = Browser::new(&srv);
    b.sign_in("alice").await;
    b.get("/home").await;
    let png = palisade_media::testdata::png(40, 60, false);
    let r = b
        .post_files(
            "/statuses",
            &[("status", "tall"), ("focus_0", "0,0.67")],
            &[("file_0", "t.png", "image/png", &png)],
            true,
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let me = srv.account_id(&alice).await;
    let posted = srv
        .get(&format!("/api/v1/accounts/{me}/statuses"), Some(&alice))
        .await
        .body;
    let id = posted[0]["id"].as_str().unwrap().to_owned();
    let focus = |s: &serde_json::Value| s["media_attachments"][0]["meta"]["focus"].clone();
    assert_eq!(focus(&posted[0]), serde_json::json!({"x": 0.0, "y": 0.67}));
    assert!(b.get("/home").await.text.contains("class=\"focus-t\""));

    let form = b.get(&format!("/statuses/{id}/edit")).await;
    assert!(
        form.text.contains("<option value=\"0,0.67\" selected"),
        "{}",
        form.text
    );
    let r = b
        .post_files(
            &format!("/statuses/{id}/edit"),
            &[("status", "tall"), ("focus_0", "-0.67,-0.67")],
            &[],
            true,
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let s = srv
        .get(&format!("/api/v1/statuses/{id}"), Some(&alice))
        .await
        .body;
    assert_eq!(focus(&s), serde_json::json!({"x": -0.67, "y": -0.67}));
    assert!(b.get("/home").await.text.contains("class=\"focus-bl\""));

    // An app's finer focus shows as its nearest position and stays when that is kept.
    let media_id = s["media_attachments"][0]["id"].as_str().unwrap().to_owned();
    let r = srv
        .put_json(
            &format!("/api/v1/statuses/{id}"),
            Some(&alice),
            serde_json::json!({"status": "tall", "media_ids": [media_id],
                "media_attributes": [{"id": media_id, "focus": "0.2,0.9"}]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let form = b.get(&format!("/statuses/{id}/edit")).await;
    assert!(
        form.text.contains("<option value=\"0,0.67\" selected"),
        "{}",
        form.text
    );
    let r = b
        .post_files(
            &format!("/statuses/{id}/edit"),
            &[("status", "taller"), ("focus_0", "0,0.67")],
            &[],
            true,
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let s = srv
        .get(&format!("/api/v1/statuses/{id}"), Some(&alice))
        .await
        .body;
    assert_eq!(focus(&s), serde_json::json!({"x": 0.2, "y": 0.9}));
}
