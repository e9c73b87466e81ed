//! Uploads as Mastodon takes them: the MediaAttachment entity, processing, `media_ids` on
//! post and edit (order, history), deletion rules, supported types in the instance.

use axum::http::Method;
use palisade_media::testdata;
use palisade_testkit::TestServer;
use serde_json::{Value, json};

/// The path of a URL of this test instance.
fn path(url: &Value) -> String {
    url.as_str()
        .expect("a URL")
        .strip_prefix(palisade_testkit::BASE_URL)
        .expect("served by this instance")
        .to_owned()
}

#[tokio::test]
async fn an_image_upload_is_processed_stripped_and_served() {
    let srv = TestServer::new().await;
    let alice = srv.user("alice").await;
    let jpeg = testdata::jpeg_with_exif(1200, 800, 1);
    let r = srv
        .upload(
            &alice,
            "photo.jpg",
            "image/jpeg",
            &jpeg,
            &[("description", "A gradient"), ("focus", "-0.5,0.25")],
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let m = &r.body;
    assert_eq!(m["type"], "image");
    assert_eq!(m["description"], "A gradient");
    assert_eq!(m["meta"]["focus"], json!({"x": -0.5, "y": 0.25}));
    assert_eq!(m["meta"]["original"]["width"], 1200);
    assert_eq!(m["meta"]["original"]["size"], "1200x800");
    assert!(m["meta"]["small"]["width"].as_u64().unwrap() <= 640);
    assert!(m["blurhash"].as_str().is_some_and(|b| b.len() > 6));
    assert_eq!(m["remote_url"], Value::Null);
    assert_eq!(m["text_url"], Value::Null);
    for key in ["url", "preview_url"] {
        let url = m[key].as_str().unwrap();
        assert!(
            url.starts_with(&format!("{}/system/media/", palisade_testkit::BASE_URL)),
            "{url}"
        );
        let (status, headers, body) = srv.get_bytes(&path(&m[key]), &[]).await;
        assert_eq!(status, 200);
        assert_eq!(headers["content-type"], "image/jpeg");
        assert_eq!(headers["x-content-type-options"], "nosniff");
        assert!(
            !testdata::contains(&body, testdata::GPS_SECRET.as_bytes()),
            "GPS served"
        );
        assert!(!testdata::contains(&body, b"Exif"), "EXIF served");
    }
    // A byte range (video players seek so).
    let (status, headers, body) = srv.get_bytes(&path(&m["url"]), &[("range", "bytes=0-9")]).await;
    assert_eq!(status, 206);
    assert_eq!(body.len(), 10);
    assert!(
        headers["content-range"]
            .to_str()
            .unwrap()
            .starts_with("bytes 0-9/")
    );

    let id = m["id"].as_str().unwrap();
    let r = srv.get(&format!("/api/v1/media/{id}"), Some(&alice)).await;
    assert_eq!(r.status, 200);
    let bob = srv.user("bob").await;
    assert_eq!(
        srv.get(&format!("/api/v1/media/{id}"), Some(&bob)).await.status,
        404
    );
    let r = srv
        .put_json(
            &format!("/api/v1/media/{id}"),
            Some(&alice),
            json!({"description": "Colours", "focus": "0.1,0.2"}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["description"], "Colours");
    assert_eq!(r.body["meta"]["focus"], json!({"x": 0.1, "y": 0.2}));
    let r = srv
        .put_json(
            &format!("/api/v1/media/{id}"),
            Some(&alice),
            json!({"focus": "3,0"}),
        )
        .await;
    assert_eq!(r.status, 422);
    let r = srv
        .put_json(
            &format!("/api/v1/media/{id}"),
            Some(&alice),
            json!({"description": "x".repeat(1501)}),
        )
        .await;
    assert_eq!(r.status, 422);

    // Unattached uploads may be deleted; their files go.
    let r = srv.delete(&format!("/api/v1/media/{id}"), Some(&alice)).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(srv.get_bytes(&path(&m["url"]), &[]).await.0, 404);
    assert!(srv.stored("media").await.is_empty());
}

#[tokio::test]
async fn the_instance_tells_what_it_accepts() {
    let srv = TestServer::new().await;
    for path in ["/api/v1/instance", "/api/v2/instance"] {
        let r = srv.get(path, None).await;
        let m = &r.body["configuration"]["media_attachments"];
        let types: Vec<&str> = m["supported_mime_types"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(Value::as_str)
            .collect();
        for t in ["image/jpeg", "image/png", "image/gif", "image/webp"] {
            assert!(types.contains(&t), "{path}: {t} missing in {types:?}");
        }
        assert!(!types.contains(&"image/svg+xml"));
        let ffmpeg = srv.core.ffmpeg().available().await;
        assert_eq!(types.contains(&"video/mp4"), ffmpeg, "{path}");
        assert_eq!(m["image_size_limit"], 16 * 1024 * 1024);
        assert_eq!(m["image_matrix_limit"], 33_177_600);
        assert_eq!(m["video_size_limit"], 99 * 1024 * 1024);
        assert_eq!(m["description_limit"], 1500);
    }
}

async fn image(srv: &TestServer, token: &str, description: &str) -> String {
    let r = srv
        .upload(
            token,
            "i.png",
            "image/png",
            &testdata::png(40, 30, false),
            &[("description", description)],
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    r.body["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn statuses_carry_media_in_order_and_edits_keep_history() {
    let srv = TestServer::new().await;
    let alice = srv.user("alice").await;
    let (a, b) = (
        image(&srv, &alice, "first").await,
        image(&srv, &alice, "second").await,
    );
    // No text is needed with media; the order given is kept.
    let r = srv
        .post_json(
            "/api/v1/statuses",
            Some(&alice),
            json!({"status": "", "media_ids": [b, a]}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let status_id = r.body["id"].as_str().unwrap().to_owned();
    let ids: Vec<&str> = r.body["media_attachments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [b.as_str(), a.as_str()]);
    // Attached: no longer deletable, nor attachable elsewhere.
    let r = srv.delete(&format!("/api/v1/media/{a}"), Some(&alice)).await;
    assert_eq!(r.status, 422);
    let r = srv
        .post_json(
            "/api/v1/statuses",
            Some(&alice),
            json!({"status": "again", "media_ids": [a]}),
        )
        .await;
    assert_eq!(r.status, 422, "{}", r.text);

    // The edit keeps one file with a new description; the history shows both versions.
    let r = srv
        .put_json(
            &format!("/api/v1/statuses/{status_id}"),
            Some(&alice),
            json!({"status": "now with words", "media_ids": [a],
                   "media_attributes": [{"id": a, "description": "first, edited", "focus": "0.5,0.5"}]}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["media_attachments"].as_array().unwrap().len(), 1);
    assert_eq!(r.body["media_attachments"][0]["description"], "first, edited");
    assert_eq!(r.body["media_attachments"][0]["meta"]["focus"]["x"], 0.5);
    let h = srv
        .get(&format!("/api/v1/statuses/{status_id}/history"), Some(&alice))
        .await;
    let versions = h.body.as_array().unwrap();
    assert_eq!(versions.len(), 2, "{}", h.text);
    let descriptions = |v: &Value| -> Vec<String> {
        v["media_attachments"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["description"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(descriptions(&versions[0]), ["second", "first"]);
    assert_eq!(descriptions(&versions[1]), ["first, edited"]);
    // An edit without media_ids keeps the attachments.
    let r = srv
        .put_json(
            &format!("/api/v1/statuses/{status_id}"),
            Some(&alice),
            json!({"status": "words only"}),
        )
        .await;
    assert_eq!(r.body["media_attachments"].as_array().unwrap().len(), 1);
    // only_media timelines find it.
    let id = srv.account_id(&alice).await;
    let r = srv
        .get(
            &format!("/api/v1/accounts/{id}/statuses?only_media=true"),
            Some(&alice),
        )
        .await;
    assert_eq!(r.body.as_array().unwrap().len(), 1);
    let r = srv.get("/api/v1/timelines/public?only_media=true", None).await;
    assert_eq!(r.body.as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn media_ids_are_checked_as_mastodon_does() {
    let srv = TestServer::new().await;
    let alice = srv.user("alice").await;
    let bob = srv.user("bob").await;
    let mut five = Vec::new();
    for i in 0..5 {
        five.push(image(&srv, &alice, &format!("{i}")).await);
    }
    let post = |ids: Value| {
        let (srv, alice) = (&srv, alice.clone());
        async move {
            srv.post_json(
                "/api/v1/statuses",
                Some(&alice),
                json!({"status": "x", "media_ids": ids}),
            )
            .await
        }
    };
    let r = post(json!(five)).await;
    assert_eq!(r.status, 422);
    assert_eq!(r.body["error"], "Cannot attach more than 4 files");
    let r = post(json!(["123"])).await;
    assert_eq!(r.status, 422);
    assert!(
        r.body["error"].as_str().unwrap().contains("not found"),
        "{}",
        r.text
    );
    let theirs = image(&srv, &bob, "bob's").await;
    assert_eq!(post(json!([theirs])).await.status, 422);
    // A failed post attached nothing.
    assert_eq!(post(json!([five[0]])).await.status, 200);

    // Delete and redraft: the files stay for a new post, unless delete_media says otherwise.
    let r = post(json!([five[1]])).await;
    let first = r.body["id"].as_str().unwrap().to_owned();
    let r = srv
        .delete(&format!("/api/v1/statuses/{first}"), Some(&alice))
        .await;
    assert_eq!(r.body["media_attachments"][0]["id"], five[1].as_str());
    let r = post(json!([five[1]])).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let second = r.body["id"].as_str().unwrap().to_owned();
    let before = srv.stored("media").await.len();
    let r = srv
        .delete(
            &format!("/api/v1/statuses/{second}?delete_media=true"),
            Some(&alice),
        )
        .await;
    assert_eq!(r.status, 200);
    srv.run_media_jobs().await;
    assert_eq!(
        srv.stored("media").await.len(),
        before - 2,
        "original and thumbnail deleted"
    );
    assert_eq!(post(json!([five[1]])).await.status, 422);
    assert_eq!(
        srv.get(&format!("/api/v1/media/{}", five[1]), Some(&alice))
            .await
            .status,
        404
    );
}

#[tokio::test]
async fn video_and_audio_are_processed_in_the_background() {
    let srv = TestServer::new().await;
    if testdata::skip_without_ffmpeg(srv.core.ffmpeg().available().await) {
        return;
    }
    let alice = srv.user("alice").await;
    let video = testdata::video("webm", true).unwrap();
    let thumb = testdata::png(80, 60, false);
    let r = srv
        .multipart(
            Method::POST,
            "/api/v2/media",
            Some(&alice),
            &[("description", "a test card")],
            &[
                ("file", "clip.webm", "video/webm", &video),
                ("thumbnail", "thumb.png", "image/png", &thumb),
            ],
        )
        .await;
    assert_eq!(r.status, 202, "{}", r.text);
    assert_eq!(r.body["url"], Value::Null);
    assert_eq!(r.body["type"], "video");
    assert!(
        r.body["preview_url"].is_string(),
        "the uploaded thumbnail shows at once"
    );
    let id = r.body["id"].as_str().unwrap().to_owned();
    assert_eq!(
        srv.get(&format!("/api/v1/media/{id}"), Some(&alice)).await.status,
        206
    );
    let r = srv
        .post_json(
            "/api/v1/statuses",
            Some(&alice),
            json!({"status": "x", "media_ids": [id]}),
        )
        .await;
    assert_eq!(r.status, 422, "not ready yet");
    assert!(srv.run_media_jobs().await >= 1);
    let r = srv.get(&format!("/api/v1/media/{id}"), Some(&alice)).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["type"], "video");
    assert_eq!(r.body["meta"]["original"]["width"], 64);
    assert_eq!(r.body["meta"]["original"]["frame_rate"], "10/1");
    let (status, headers, _) = srv.get_bytes(&path(&r.body["url"]), &[]).await;
    assert_eq!(status, 200);
    assert_eq!(headers["content-type"], "video/mp4");
    assert!(srv.stored("uploads").await.is_empty(), "the raw upload is gone");

    // v1 waits for processing; a silent video is a gifv; sound alone is audio.
    let silent = testdata::video("mp4", false).unwrap();
    let r = srv
        .multipart(
            Method::POST,
            "/api/v1/media",
            Some(&alice),
            &[],
            &[("file", "s.mp4", "video/mp4", &silent)],
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["type"], "gifv");
    assert!(r.body["url"].as_str().unwrap().ends_with(".mp4"));
    let r = srv
        .multipart(
            Method::POST,
            "/api/v1/media",
            Some(&alice),
            &[],
            &[("file", "tone.ogg", "audio/ogg", &testdata::audio().unwrap())],
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["type"], "audio");
    assert!(r.body["url"].as_str().unwrap().ends_with(".mp3"), "{}", r.text);
    assert!(r.body["meta"]["original"]["duration"].as_f64().unwrap() > 0.5);
    // AVIF is decoded by ffmpeg and stored as PNG.
    let r = srv
        .upload(
            &alice,
            "still.avif",
            "image/avif",
            &testdata::avif().unwrap(),
            &[],
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["type"], "image");
    assert_eq!(r.body["meta"]["original"]["width"], 64);
    if let Some(gif) = testdata::animated_gif(5) {
        let r = srv
            .multipart(
                Method::POST,
                "/api/v1/media",
                Some(&alice),
                &[],
                &[("file", "a.gif", "image/gif", &gif)],
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.text);
        assert_eq!(r.body["type"], "gifv");
    }
}

#[tokio::test]
async fn without_ffmpeg_video_is_refused_and_says_why() {
    let mut settings =
        palisade_core::Settings::for_tests(palisade_testkit::DOMAIN, palisade_testkit::BASE_URL);
    settings.media.ffmpeg = "/nonexistent/ffmpeg".into();
    settings.media.ffprobe = "/nonexistent/ffprobe".into();
    let srv = TestServer::with_settings(settings).await;
    let alice = srv.user("alice").await;
    let r = srv
        .upload(
            &alice,
            "v.mp4",
            "video/mp4",
            b"\0\0\0\x20ftypisom\0\0\0\0isomavc1",
            &[],
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(r.body["error"].as_str().unwrap().contains("ffmpeg"), "{}", r.text);
    let r = srv.get("/api/v2/instance", None).await;
    let types = r.body["configuration"]["media_attachments"]["supported_mime_types"].to_string();
    assert!(!types.contains("video/"), "{types}");
    // Images still work.
    assert!(!image(&srv, &alice, "fine").await.is_empty());
    assert!(srv.stored("uploads").await.is_empty());
}
