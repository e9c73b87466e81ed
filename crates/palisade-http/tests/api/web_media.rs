//! Media on the web pages: a post with pictures from the compose form (one multipart submit,
//! the API's rules, errors next to the field and nothing stored), attachments, avatars,
//! headers and custom emoji shown from this instance's own addresses only (remote ones
//! through `/system/proxy`), settings → profile pictures, video shown as processing until
//! ready (and federated only then), and the Content-Security-Policy's media sources.

use palisade_media::testdata;
use palisade_store::account_media::{ProfileImage, set_profile_image};
use palisade_testkit::TestServer;

use crate::web_browser::Browser;

/// Every `src`/`href`/`poster` of `tag`s in the page, in order.
fn attrs(html: &str, attr: &str) -> Vec<String> {
    html.split(&format!(" {attr}=\""))
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .map(str::to_owned)
        .collect()
}

/// What the page makes the browser load by itself: images, video and audio sources, posters.
fn loaded(html: &str) -> Vec<String> {
    let mut out = attrs(html, "src");
    out.extend(attrs(html, "poster"));
    out
}

/// File fields of a form: (field, file name, content type, bytes).
type Files<'a> = Vec<(&'a str, &'a str, &'a str, &'a [u8])>;

async fn outbound(srv: &TestServer) -> i64 {
    palisade_store::jobs::depth(&srv.db, "outbound").await.unwrap()
}

async fn statuses_of(srv: &TestServer, token: &str) -> serde_json::Value {
    let id = srv.account_id(token).await;
    srv.get(&format!("/api/v1/accounts/{id}/statuses"), Some(token))
        .await
        .body
}

#[tokio::test]
async fn a_member_posts_a_picture_with_alt_text_in_one_submit_and_another_member_sees_it() {
    let srv = TestServer::new().await;
    let alice = srv.user("alice").await;
    srv.user("bob").await;
    let mut a = Browser::new(&srv);
    a.sign_in("alice").await;
    let home = a.get("/home").await;
    assert!(
        home.text.contains("enctype=\"multipart/form-data\""),
        "{}",
        home.text
    );
    assert!(
        home.text
            .contains("id=\"file_0\" type=\"file\" name=\"file_0\" accept=\"image/jpeg,image/png"),
        "the file input accepts the instance's types"
    );
    let png = testdata::png(64, 48, false);
    let r = a
        .post_files(
            "/statuses",
            &[
                ("status", "A red square"),
                ("visibility", "public"),
                ("description_0", "A small red square"),
            ],
            &[("file_0", "red.png", "image/png", &png)],
            true,
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.text);
    let posted = statuses_of(&srv, &alice).await;
    let media = &posted[0]["media_attachments"][0];
    assert_eq!(media["description"], "A small red square", "{posted}");
    assert_eq!(media["type"], "image");

    // The timeline shows the thumbnail linking to the full file, the description as alt
    // and on demand, and every address is this instance's, root-relative.
    let preview = media["preview_url"]
        .as_str()
        .unwrap()
        .strip_prefix(palisade_testkit::BASE_URL)
        .unwrap();
    let full = media["url"]
        .as_str()
        .unwrap()
        .strip_prefix(palisade_testkit::BASE_URL)
        .unwrap();
    for (who, page) in [
        ("alice", a.get("/home").await),
        ("bob", {
            let mut b = Browser::new(&srv);
            b.sign_in("bob").await;
            b.get("/public/local").await
        }),
    ] {
        let html = &page.text;
        assert!(
            html.contains(&format!("<a href=\"{full}\" title=\"Open the full picture\"><img src=\"{preview}\" alt=\"A small red square\"")),
            "{who} sees the picture: {html}"
        );
        assert!(
            html.contains("<details class=\"alt\"><summary>ALT"),
            "{who}: the description on demand"
        );
        for src in loaded(html) {
            assert!(
                src.starts_with('/') && !src.starts_with("//"),
                "{who}'s page loads {src}"
            );
        }
        let (status, _, _) = srv.get_bytes(preview, &[]).await;
        assert_eq!(status, 200);
    }
}

#[tokio::test]
async fn refused_files_are_named_next_to_their_field_and_nothing_is_posted_or_kept() {
    let srv = TestServer::new().await;
    let alice = srv.user("alice").await;
    let mut a = Browser::new(&srv);
    a.sign_in("alice").await;
    a.get("/home").await;
    let good = testdata::png(32, 32, false);
    let bomb = testdata::png_header_only(60_000, 60_000);
    let svg = b"<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>".to_vec();
    let cases: [(&str, Files<'_>, &str); 3] = [
        (
            "an SVG",
            vec![("file_0", "x.svg", "image/svg+xml", &svg)],
            "file_0-error",
        ),
        (
            "a decompression bomb after a good file",
            vec![
                ("file_0", "ok.png", "image/png", &good),
                ("file_1", "bomb.png", "image/png", &bomb),
            ],
            "file_1-error",
        ),
        (
            "five files",
            vec![("file_0", "a.png", "image/png", &good); 5],
            "compose-error",
        ),
    ];
    for (what, files, error_id) in cases {
        let r = a
            .post_files("/statuses", &[("status", "should not appear")], &files, true)
            .await;
        assert_eq!(r.status, 422, "{what}: {}", r.text);
        assert!(
            r.text.contains(&format!("id=\"{error_id}\"")),
            "{what}: the error is next to its field: {}",
            r.text
        );
        assert!(r.text.contains("Nothing was posted"), "{what}");
        assert!(r.text.contains("should not appear"), "{what}: the text is kept");
    }
    assert_eq!(statuses_of(&srv, &alice).await, serde_json::json!([]));
    assert!(
        srv.stored("media").await.is_empty(),
        "the good file of a refused post is gone"
    );

    // Without the page's token nothing is read: 403 before any file is written.
    let r = a
        .post_files(
            "/statuses",
            &[("status", "forged")],
            &[("file_0", "a.png", "image/png", &good)],
            false,
        )
        .await;
    assert_eq!(r.status, 403);
    assert!(srv.stored("").await.is_empty());
    assert_eq!(statuses_of(&srv, &alice).await, serde_json::json!([]));
}

#[tokio::test]
async fn sensitive_media_waits_behind_a_button_and_a_content_warning_hides_it() {
    let srv = TestServer::new().await;
    srv.user("alice").await;
    let mut a = Browser::new(&srv);
    a.sign_in("alice").await;
    a.get("/home").await;
    let png = testdata::png(40, 40, false);
    let file = [("file_0", "a.png", "image/png", png.as_slice())];
    a.post_files(
        "/statuses",
        &[("status", "marked"), ("sensitive", "true")],
        &file,
        true,
    )
    .await;
    a.get("/home").await;
    a.post_files(
        "/statuses",
        &[("status", "behind a warning"), ("spoiler_text", "spiders")],
        &file,
        true,
    )
    .await;
    let html = a.get("/home").await.text;
    let marked = &html[html.find("marked").unwrap()..];
    assert!(
        marked.contains("<details class=\"sensitive\"><summary><img class=\"blurred\""),
        "{marked}"
    );
    let warned = &html[html.find("Content warning: spiders").unwrap()..];
    let end = warned.find("</details>").unwrap();
    assert!(
        warned[..end].contains("class=\"media n1\""),
        "the picture is inside the warning: {warned}"
    );
}

#[tokio::test]
async fn avatars_headers_and_emoji_come_from_this_instance_and_settings_change_them() {
    let srv = TestServer::new().await;
    let alice = srv.user("alice").await;
    srv.core
        .add_emoji("blobcat", testdata::png(32, 32, true), None)
        .await
        .unwrap();
    let mut a = Browser::new(&srv);
    a.sign_in("alice").await;
    let before = a.get("/@alice").await.text;
    assert!(
        before.contains("src=\"/avatars/original/missing.png\""),
        "the default avatar"
    );
    assert!(
        before.contains("src=\"/headers/original/missing.png\""),
        "the default header"
    );

    a.get("/settings/profile").await;
    let avatar = testdata::jpeg_with_exif(300, 300, 1);
    let r = a
        .post_files(
            "/settings/profile",
            &[
                ("display_name", "Alice :blobcat:"),
                ("note", "I like :blobcat:"),
                ("avatar_description", "Alice waving"),
            ],
            &[("avatar", "me.jpg", "image/jpeg", &avatar)],
            true,
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.text);
    srv.status(&alice, "hello :blobcat:", "public").await;
    let html = a.get("/@alice").await.text;
    assert!(
        html.contains("class=\"avatar big\" src=\"/system/media/"),
        "{html}"
    );
    assert!(html.contains("alt=\"Alice waving\""), "the avatar's description");
    assert!(
        html.contains("<meta property=\"og:image\" content=\"https://palisade.test/system/media/"),
        "visitors' link previews show the avatar"
    );
    let emoji = html.matches("<img class=\"emoji\" src=\"/system/").count();
    assert!(
        emoji >= 3,
        "name, bio and post show the emoji as images ({emoji}): {html}"
    );
    assert!(html.contains("alt=\":blobcat:\""));
    for src in loaded(&html) {
        assert!(src.starts_with('/'), "the profile loads {src}");
    }

    // A refused picture is named next to its field; nothing changes.
    a.get("/settings/profile").await;
    let r = a
        .post_files(
            "/settings/profile",
            &[("display_name", "Changed")],
            &[(
                "header",
                "h.png",
                "image/png",
                &testdata::png_header_only(60_000, 60_000),
            )],
            true,
        )
        .await;
    assert_eq!(r.status, 422, "{}", r.text);
    assert!(r.text.contains("id=\"header-error\""), "{}", r.text);
    assert!(r.text.contains("value=\"Changed\""), "what was typed is kept");
    let me = srv
        .get("/api/v1/accounts/verify_credentials", Some(&alice))
        .await
        .body;
    assert_eq!(me["display_name"], "Alice :blobcat:");

    // Removing the avatar brings back the default.
    a.get("/settings/profile").await;
    let r = a.post("/settings/profile/avatar/delete", &[], true).await;
    assert_eq!(r.status, 303, "{}", r.text);
    let html = a.get("/@alice").await.text;
    assert!(
        html.contains("class=\"avatar big\" src=\"/avatars/original/missing.png\""),
        "{html}"
    );

    // A remote account's avatar is shown through this instance, never from its server.
    let tom = srv.remote_account("tom", "peer.test").await;
    set_profile_image(
        &srv.db,
        tom.id,
        ProfileImage::Avatar,
        Some("proxy/123/original"),
        "",
    )
    .await
    .unwrap();
    let html = a.get("/@tom@peer.test").await.text;
    assert!(html.contains("src=\"/system/proxy/123/original\""), "{html}");
    assert!(!loaded(&html).iter().any(|s| s.contains("peer.test")), "{html}");
}

#[tokio::test]
async fn the_content_security_policy_allows_media_from_here_and_the_files_origin_only() {
    let srv = TestServer::new().await;
    let csp = Browser::new(&srv)
        .get("/about")
        .await
        .header("content-security-policy")
        .unwrap()
        .to_owned();
    assert!(
        csp.contains("img-src 'self' data:;") && csp.contains("media-src 'self';"),
        "{csp}"
    );
    let mut settings = palisade_core::Settings::for_tests("palisade.test", palisade_testkit::BASE_URL);
    settings.media.public_base_url = Some("https://files.example.net/media/".into());
    let cdn = TestServer::with_settings(settings).await;
    let csp = Browser::new(&cdn)
        .get("/about")
        .await
        .header("content-security-policy")
        .unwrap()
        .to_owned();
    assert!(
        csp.contains("img-src 'self' data: https://files.example.net;")
            && csp.contains("media-src 'self' https://files.example.net;"),
        "{csp}"
    );
}

#[tokio::test]
async fn a_video_posted_from_the_web_shows_processing_and_federates_once_ready() {
    let srv = TestServer::new().await;
    if testdata::skip_without_ffmpeg(srv.core.ffmpeg().available().await) {
        return;
    }
    let alice = srv.user("alice").await;
    let mut a = Browser::new(&srv);
    a.sign_in("alice").await;
    a.get("/home").await;
    let video = testdata::video("webm", true).unwrap();
    let jobs_before = outbound(&srv).await;
    let r = a
        .post_files(
            "/statuses",
            &[("status", "a film"), ("description_0", "Colour bars")],
            &[("file_0", "film.webm", "video/webm", &video)],
            true,
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.text);
    let html = a.get("/home").await.text;
    assert!(html.contains("data-state=\"processing\""), "{html}");
    assert_eq!(
        outbound(&srv).await,
        jobs_before,
        "not federated while the video is processed"
    );
    let posted = statuses_of(&srv, &alice).await;
    assert_eq!(posted[0]["media_attachments"][0]["url"], serde_json::Value::Null);

    assert!(srv.run_media_jobs().await >= 1);
    let html = a.get("/home").await.text;
    assert!(!html.contains("data-state=\"processing\""), "{html}");
    assert!(
        html.contains("<video controls preload=\"none\" poster=\"/system/"),
        "{html}"
    );
    assert!(html.contains("aria-label=\"Colour bars\""));
    assert_eq!(
        outbound(&srv).await,
        jobs_before + 1,
        "the post federates once the video is ready"
    );
}

#[tokio::test]
async fn a_link_s_preview_card_shows_with_its_picture_from_this_instance() {
    let srv = TestServer::new().await;
    let alice = srv.user("alice").await;
    let id = srv
        .status(&alice, "read this https://example.org/page", "public")
        .await;
    // What the card job does once it has read the page (media_federation.rs fetches real ones).
    let mut card = palisade_store::cards::ensure(&srv.db, "https://example.org/page")
        .await
        .unwrap();
    palisade_store::cards::link(&srv.db, id.parse().unwrap(), card.id)
        .await
        .unwrap();
    card.state = "ready".into();
    card.title = "An example page".into();
    card.description = "What the page is about".into();
    card.image_path = Some("proxy/77/original".into());
    palisade_store::cards::set_ready(&srv.db, &card).await.unwrap();
    let html = Browser::new(&srv).get("/@alice").await.text;
    assert!(
        html.contains("<a class=\"preview-card\" href=\"https://example.org/page\" rel=\"noopener noreferrer nofollow ugc\""),
        "{html}"
    );
    assert!(
        html.contains("<img src=\"/system/proxy/77/original\" alt=\"\""),
        "{html}"
    );
    assert!(html.contains("An example page") && html.contains("What the page is about"));
    for src in loaded(&html) {
        assert!(src.starts_with('/'), "the page loads {src}");
    }
}

#[tokio::test]
async fn a_100_mb_file_is_stopped_mid_stream_and_an_oversized_image_named_next_to_its_field() {
    let srv = TestServer::new().await;
    let alice = srv.user("alice").await;
    let mut a = Browser::new(&srv);
    a.sign_in("alice").await;
    a.get("/home").await;
    let mut big = testdata::jpeg(16, 16);
    big.resize(100 * 1024 * 1024, 0);
    let r = a
        .post_files(
            "/statuses",
            &[("status", "huge")],
            &[("file_0", "huge.jpg", "image/jpeg", &big)],
            true,
        )
        .await;
    // Its length says so before any field is read: a page with the reason, nothing stored.
    assert_eq!(r.status, 413, "{}", r.text);
    assert!(
        r.text.contains("The files are too large: at most 99 MB in all"),
        "{}",
        r.text
    );
    big.truncate(17 * 1024 * 1024);
    a.get("/home").await;
    let r = a
        .post_files(
            "/statuses",
            &[("status", "big")],
            &[("file_0", "big.jpg", "image/jpeg", &big)],
            true,
        )
        .await;
    assert_eq!(r.status, 422, "{}", r.text);
    assert!(r.text.contains("File size must be less than 16 MB"), "{}", r.text);
    assert!(r.text.contains("id=\"file_0-error\""));
    assert_eq!(statuses_of(&srv, &alice).await, serde_json::json!([]));
    assert!(srv.stored("").await.is_empty());
}

#[tokio::test]
async fn gifs_play_as_looping_video_and_audio_in_the_browser_s_player() {
    let srv = TestServer::new().await;
    if testdata::skip_without_ffmpeg(srv.core.ffmpeg().available().await) {
        return;
    }
    let alice = srv.user("alice").await;
    for (name, kind, bytes, text) in [
        (
            "a.gif",
            "image/gif",
            testdata::animated_gif(4).unwrap(),
            "a looping gif",
        ),
        ("a.ogg", "audio/ogg", testdata::audio().unwrap(), "a tone"),
    ] {
        let m = srv
            .multipart(
                axum::http::Method::POST,
                "/api/v1/media",
                Some(&alice),
                &[("description", text)],
                &[("file", name, kind, &bytes)],
            )
            .await;
        assert_eq!(m.status, 200, "{}", m.text);
        let r = srv
            .post_json(
                "/api/v1/statuses",
                Some(&alice),
                serde_json::json!({"status": text, "media_ids": [m.body["id"]]}),
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.text);
    }
    let html = Browser::new(&srv).get("/@alice").await.text;
    assert!(
        html.contains(
            "<video class=\"gifv\" controls loop muted playsinline preload=\"none\" poster=\"/system/"
        ),
        "{html}"
    );
    assert!(html.contains("aria-label=\"a looping gif\""));
    assert!(
        html.contains("<audio controls preload=\"none\" src=\"/system/"),
        "{html}"
    );
    assert!(html.contains("aria-label=\"a tone\""));
    for src in loaded(&html) {
        assert!(src.starts_with('/'), "the page loads {src}");
    }
}

#[tokio::test]
async fn a_post_with_two_files_processing_federates_once_when_the_last_is_done() {
    let srv = TestServer::new().await;
    if testdata::skip_without_ffmpeg(srv.core.ffmpeg().available().await) {
        return;
    }
    let alice = srv.user("alice").await;
    let mut a = Browser::new(&srv);
    a.sign_in("alice").await;
    a.get("/home").await;
    let gif = testdata::animated_gif(3).unwrap();
    let before = outbound(&srv).await;
    let r = a
        .post_files(
            "/statuses",
            &[("status", "two animations")],
            &[
                ("file_0", "a.gif", "image/gif", &gif),
                ("file_1", "b.gif", "image/gif", &gif),
            ],
            true,
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.text);
    let html = a.get("/home").await.text;
    assert_eq!(html.matches("data-state=\"processing\"").count(), 2, "{html}");
    assert_eq!(outbound(&srv).await, before);
    // Not federated yet: an edit now would send an Update before the Create.
    let id = statuses_of(&srv, &alice).await[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let edit = srv
        .put_json(
            &format!("/api/v1/statuses/{id}"),
            Some(&alice),
            serde_json::json!({"status": "edited"}),
        )
        .await;
    assert_eq!(edit.status, 422, "{}", edit.text);
    assert!(
        edit.body["error"].as_str().unwrap().contains("processing"),
        "{}",
        edit.text
    );
    assert_eq!(outbound(&srv).await, before);
    assert_eq!(srv.run_media_jobs().await, 2);
    let posted = statuses_of(&srv, &alice).await;
    let kinds: Vec<&str> = posted[0]["media_attachments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["type"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["gifv", "gifv"], "{posted}");
    assert_eq!(
        outbound(&srv).await,
        before + 1,
        "one Create, after the last file"
    );
}

#[tokio::test]
async fn a_member_removes_and_adds_files_when_editing_on_the_web() {
    let srv = TestServer::new().await;
    let alice = srv.user("alice").await;
    let mut a = Browser::new(&srv);
    a.sign_in("alice").await;
    a.get("/home").await;
    let (first, second) = (testdata::png(24, 24, false), testdata::png(40, 30, false));
    let r = a
        .post_files(
            "/statuses",
            &[("status", "one picture"), ("description_0", "the first")],
            &[("file_0", "a.png", "image/png", &first)],
            true,
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.text);
    let id = statuses_of(&srv, &alice).await[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let form = a.get(&format!("/statuses/{id}/edit")).await;
    assert!(
        form.text.contains("name=\"remove_0\"") && form.text.contains("name=\"file_1\""),
        "the post's file can go and three more can come: {}",
        form.text
    );
    assert!(!form.text.contains("name=\"file_0\""), "{}", form.text);

    // A refused new file is named next to its field; the post stays as it was.
    let svg = b"<svg xmlns=\"http://www.w3.org/2000/svg\"/>".to_vec();
    let before = srv.stored("media").await;
    let r = a
        .post_files(
            &format!("/statuses/{id}/edit"),
            &[("status", "not saved"), ("remove_0", "true")],
            &[("file_1", "x.svg", "image/svg+xml", &svg)],
            true,
        )
        .await;
    assert_eq!(r.status, 422, "{}", r.text);
    assert!(r.text.contains("id=\"file_1-error\""), "{}", r.text);
    assert!(r.text.contains("not saved"), "the text is kept: {}", r.text);
    assert_eq!(srv.stored("media").await, before, "nothing stored");
    let s = &statuses_of(&srv, &alice).await[0];
    assert_eq!(s["media_attachments"][0]["description"], "the first", "{s}");
    assert!(s["edited_at"].is_null(), "{s}");

    // The first picture goes, another comes with its description.
    a.get(&format!("/statuses/{id}/edit")).await;
    let r = a
        .post_files(
            &format!("/statuses/{id}/edit"),
            &[
                ("status", "another picture"),
                ("remove_0", "true"),
                ("description_0", "the first"),
                ("description_1", "the second"),
            ],
            &[("file_1", "b.png", "image/png", &second)],
            true,
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.text);
    let s = srv
        .get(&format!("/api/v1/statuses/{id}"), Some(&alice))
        .await
        .body;
    let media = s["media_attachments"].as_array().unwrap();
    assert_eq!(media.len(), 1, "{s}");
    assert_eq!(media[0]["description"], "the second", "{s}");
    assert_eq!(media[0]["meta"]["original"]["width"], 40, "{s}");
    let history = srv
        .get(&format!("/api/v1/statuses/{id}/history"), Some(&alice))
        .await
        .body;
    assert_eq!(history.as_array().map(Vec::len), Some(2), "{history}");
    assert_eq!(
        history[0]["media_attachments"][0]["description"], "the first",
        "the first version keeps its picture: {history}"
    );

    // Four files in all at most: the form offers the slots left, and a fifth is refused.
    a.get(&format!("/statuses/{id}/edit")).await;
    let r = a
        .post_files(
            &format!("/statuses/{id}/edit"),
            &[("status", "five")],
            &vec![("file_1", "c.png", "image/png", first.as_slice()); 5],
            true,
        )
        .await;
    assert_eq!(r.status, 422, "{}", r.text);
    assert!(r.text.contains("at most 4 files"), "{}", r.text);
}
