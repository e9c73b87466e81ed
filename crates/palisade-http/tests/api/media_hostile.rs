//! Hostile uploads: each gets a precise 4xx (or a clean result), and nothing is left half
//! stored: no media row, no file.

use palisade_media::testdata;
use palisade_testkit::TestServer;

/// Rows in `media_attachments` and files in the store.
async fn leftovers(srv: &TestServer) -> (i64, Vec<String>) {
    let rows = palisade_store::q("SELECT COUNT(*) FROM media_attachments")
        .fetch_i64(&srv.db)
        .await
        .unwrap();
    let mut files = srv.stored("media").await;
    files.extend(srv.stored("uploads").await);
    (rows, files)
}

async fn assert_clean(srv: &TestServer, what: &str) {
    assert_eq!(
        leftovers(srv).await,
        (0, Vec::new()),
        "{what} left something behind"
    );
}

#[tokio::test]
async fn decompression_bombs_are_refused_before_decoding() {
    let srv = TestServer::new().await;
    let alice = srv.user("alice").await;
    // 20000×20000 pixels announced in a few hundred bytes: 1.6 GB if decoded.
    let bomb = testdata::png_header_only(20_000, 20_000);
    let started = std::time::Instant::now();
    let r = srv.upload(&alice, "bomb.png", "image/png", &bomb, &[]).await;
    assert_eq!(r.status, 422, "{}", r.text);
    assert!(
        r.body["error"].as_str().unwrap().starts_with("Image too large"),
        "{}",
        r.text
    );
    assert!(started.elapsed().as_secs() < 5, "it was not decoded");
    assert_clean(&srv, "a bomb").await;
    // As an avatar too.
    let r = srv
        .multipart(
            axum::http::Method::PATCH,
            "/api/v1/accounts/update_credentials",
            Some(&alice),
            &[],
            &[("avatar", "bomb.png", "image/png", &bomb)],
        )
        .await;
    assert_eq!(r.status, 422, "{}", r.text);
    assert_clean(&srv, "a bomb avatar").await;
}

#[tokio::test]
async fn truncated_images_fail_cleanly() {
    let srv = TestServer::new().await;
    let alice = srv.user("alice").await;
    let png = testdata::png(200, 200, false);
    let r = srv
        .upload(&alice, "half.png", "image/png", &png[..png.len() / 2], &[])
        .await;
    assert_eq!(r.status, 422, "{}", r.text);
    assert!(
        r.body["error"].as_str().unwrap().contains("could not be read"),
        "{}",
        r.text
    );
    assert_clean(&srv, "a truncated PNG").await;
    let jpeg = testdata::jpeg(200, 200);
    let r = srv
        .upload(&alice, "cut.jpg", "image/jpeg", &jpeg[..40], &[])
        .await;
    assert_eq!(r.status, 422, "{}", r.text);
    assert_clean(&srv, "a truncated JPEG").await;
}

#[tokio::test]
async fn the_content_decides_never_the_name() {
    let srv = TestServer::new().await;
    let alice = srv.user("alice").await;
    // A PNG named and declared as a JPEG is a PNG.
    let r = srv
        .upload(
            &alice,
            "photo.jpg",
            "image/jpeg",
            &testdata::png(30, 30, true),
            &[],
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["type"], "image");
    assert!(r.body["url"].as_str().unwrap().ends_with(".png"), "{}", r.text);
    // HTML named as a PNG is refused.
    let r = srv
        .upload(
            &alice,
            "cat.png",
            "image/png",
            b"<html><script>alert(1)</script></html>",
            &[],
        )
        .await;
    assert_eq!(r.status, 422, "{}", r.text);
    assert!(
        r.body["error"]
            .as_str()
            .unwrap()
            .contains("not an image, video or audio")
    );
    // Text named as a video too.
    let r = srv
        .upload(
            &alice,
            "clip.mp4",
            "video/mp4",
            b"just some text, not a video at all",
            &[],
        )
        .await;
    assert_eq!(r.status, 422, "{}", r.text);
    let (rows, _) = leftovers(&srv).await;
    assert_eq!(rows, 1, "only the PNG is stored");
}

#[tokio::test]
async fn svg_is_refused_because_of_scripts() {
    let srv = TestServer::new().await;
    let alice = srv.user("alice").await;
    let svg = br#"<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script></svg>"#;
    let r = srv.upload(&alice, "logo.svg", "image/svg+xml", svg, &[]).await;
    assert_eq!(r.status, 422, "{}", r.text);
    assert_eq!(
        r.body["error"],
        "SVG images are not accepted: they can carry scripts"
    );
    assert_clean(&srv, "an SVG").await;
}

#[tokio::test]
async fn a_100_mb_upload_is_stopped_with_413() {
    let srv = TestServer::new().await;
    let alice = srv.user("alice").await;
    let mut big = testdata::jpeg(16, 16);
    big.resize(100 * 1024 * 1024, 0);
    let r = srv.upload(&alice, "huge.jpg", "image/jpeg", &big, &[]).await;
    assert_eq!(r.status, 413, "{}", r.text);
    assert_eq!(r.body["error"], "File is too large");
    assert_clean(&srv, "a 100 MB upload").await;
    // Within the body limit but over the image limit: 422 with the limit.
    big.truncate(17 * 1024 * 1024);
    let r = srv.upload(&alice, "big.jpg", "image/jpeg", &big, &[]).await;
    assert_eq!(r.status, 422, "{}", r.text);
    assert_eq!(
        r.body["error"],
        "Validation failed: File size must be less than 16 MB"
    );
    assert_clean(&srv, "a 17 MB image").await;
    // No file at all.
    let r = srv
        .post_json(
            "/api/v2/media",
            Some(&alice),
            serde_json::json!({"description": "x"}),
        )
        .await;
    assert_eq!(r.status, 422, "{}", r.text);
}

#[tokio::test]
async fn exif_gps_never_leaves_the_server() {
    let srv = TestServer::new().await;
    let alice = srv.user("alice").await;
    // Orientation 6: stored upright (the 60×40 photo becomes 40×60).
    let jpeg = testdata::jpeg_with_exif(60, 40, 6);
    let r = srv.upload(&alice, "gps.jpg", "image/jpeg", &jpeg, &[]).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["meta"]["original"]["width"], 40);
    assert_eq!(r.body["meta"]["original"]["height"], 60);
    for key in srv.stored("media").await {
        let bytes = srv.core.storage().get(&key).await.unwrap().unwrap();
        assert!(
            !testdata::contains(&bytes, testdata::GPS_SECRET.as_bytes()),
            "{key}"
        );
        assert!(!testdata::contains(&bytes, b"Exif"), "{key}");
    }
}
