//! Avatars and headers (stored cropped, resized and stripped; deleted back to the default),
//! custom emoji (API, in statuses and profiles, admin), and the actor document's images.

use axum::http::Method;
use palisade_media::testdata;
use palisade_testkit::TestServer;
use serde_json::{Value, json};

fn path(url: &Value) -> String {
    url.as_str()
        .expect("a URL")
        .strip_prefix(palisade_testkit::BASE_URL)
        .expect("served by this instance")
        .to_owned()
}

/// Width and height of a served image.
async fn served_size(srv: &TestServer, url: &Value) -> (u32, u32) {
    let (status, _, body) = srv.get_bytes(&path(url), &[]).await;
    assert_eq!(status, 200, "{url}");
    let img = image::load_from_memory(&body).expect("an image");
    (img.width(), img.height())
}

#[tokio::test]
async fn avatars_and_headers_are_stored_resized_and_removable() {
    let srv = TestServer::new().await;
    let alice = srv.user("alice").await;
    let avatar = testdata::jpeg_with_exif(1000, 800, 1);
    let header = testdata::png(3000, 1500, false);
    let r = srv
        .multipart(
            Method::PATCH,
            "/api/v1/accounts/update_credentials",
            Some(&alice),
            &[
                ("display_name", "Alice"),
                ("avatar_description", "Alice, smiling"),
                ("header_description", "A gradient"),
            ],
            &[
                ("avatar", "me.jpg", "image/jpeg", &avatar),
                ("header", "banner.png", "image/png", &header),
            ],
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let a = r.body.clone();
    assert_eq!(a["display_name"], "Alice");
    assert_eq!(a["avatar_description"], "Alice, smiling");
    assert_eq!(a["header_description"], "A gradient");
    assert!(a["avatar"].as_str().unwrap().contains("/system/media/"), "{a}");
    assert_eq!(a["avatar"], a["avatar_static"]);
    assert_eq!(served_size(&srv, &a["avatar"]).await, (400, 400));
    assert_eq!(served_size(&srv, &a["header"]).await, (1500, 500));
    let (_, _, bytes) = srv.get_bytes(&path(&a["avatar"]), &[]).await;
    assert!(!testdata::contains(&bytes, testdata::GPS_SECRET.as_bytes()));

    // The actor document carries them as icon and image, at our URLs.
    let (_, _, actor) = srv
        .get_bytes("/users/alice", &[("accept", "application/activity+json")])
        .await;
    let actor: Value = serde_json::from_slice(&actor).unwrap();
    assert_eq!(actor["icon"]["type"], "Image");
    assert_eq!(actor["icon"]["url"], a["avatar"]);
    assert_eq!(actor["icon"]["mediaType"], "image/jpeg");
    assert_eq!(actor["image"]["url"], a["header"]);

    // A new avatar replaces the old one (its files go); a description alone may change.
    let old = srv.stored("media").await;
    let r = srv
        .multipart(
            Method::PATCH,
            "/api/v1/accounts/update_credentials",
            Some(&alice),
            &[],
            &[("avatar", "again.png", "image/png", &testdata::png(50, 80, true))],
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(served_size(&srv, &r.body["avatar"]).await, (50, 50));
    assert_eq!(r.body["avatar_description"], "Alice, smiling");
    srv.run_media_jobs().await;
    assert_eq!(srv.get_bytes(&path(&a["avatar"]), &[]).await.0, 404);
    assert_eq!(srv.stored("media").await.len(), old.len());

    let r = srv.delete("/api/v1/profile/avatar", Some(&alice)).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert!(
        r.body["avatar"]
            .as_str()
            .unwrap()
            .ends_with("/avatars/original/missing.png")
    );
    let r = srv.delete("/api/v1/profile/header", Some(&alice)).await;
    assert!(
        r.body["header"]
            .as_str()
            .unwrap()
            .ends_with("/headers/original/missing.png")
    );
    srv.run_media_jobs().await;
    assert!(srv.stored("media").await.is_empty());
    assert_eq!(srv.get_bytes("/avatars/original/missing.png", &[]).await.0, 200);

    // Not an image: refused, nothing changed.
    let r = srv
        .multipart(
            Method::PATCH,
            "/api/v1/accounts/update_credentials",
            Some(&alice),
            &[("display_name", "Mallory")],
            &[("avatar", "x.png", "image/png", b"<svg onload=alert(1)>")],
        )
        .await;
    assert_eq!(r.status, 422, "{}", r.text);
    let me = srv.get("/api/v1/accounts/verify_credentials", Some(&alice)).await;
    assert_eq!(me.body["display_name"], "Alice");
    // Attribution domains are kept in the source.
    let r = srv
        .patch_form(
            "/api/v1/accounts/update_credentials",
            Some(&alice),
            &[
                ("attribution_domains[]", "example.com"),
                ("attribution_domains[]", "news.example"),
            ],
        )
        .await;
    assert_eq!(
        r.body["source"]["attribution_domains"],
        json!(["example.com", "news.example"])
    );
}

#[tokio::test]
async fn custom_emoji_are_listed_and_used() {
    let srv = TestServer::new().await;
    let alice = srv.user("alice").await;
    assert_eq!(srv.get("/api/v1/custom_emojis", None).await.body, json!([]));
    srv.core
        .add_emoji("blobcat", testdata::png(64, 64, true), Some("Blobs"))
        .await
        .unwrap();
    assert!(
        srv.core
            .add_emoji("blobcat", testdata::png(8, 8, true), None)
            .await
            .is_err()
    );
    assert!(
        srv.core
            .add_emoji("bad code", testdata::png(8, 8, true), None)
            .await
            .is_err()
    );
    assert!(srv.core.add_emoji("svg", b"<svg/>".to_vec(), None).await.is_err());
    let list = srv.get("/api/v1/custom_emojis", None).await.body;
    assert_eq!(list.as_array().unwrap().len(), 1);
    let e = &list[0];
    assert_eq!(e["shortcode"], "blobcat");
    assert_eq!(e["category"], "Blobs");
    assert_eq!(e["visible_in_picker"], true);
    let (status, headers, _) = srv.get_bytes(&path(&e["url"]), &[]).await;
    assert_eq!(
        (status.as_u16(), headers["content-type"].to_str().unwrap()),
        (200, "image/png")
    );
    assert_eq!(srv.get_bytes(&path(&e["static_url"]), &[]).await.0, 200);

    let r = srv
        .post_json(
            "/api/v1/statuses",
            Some(&alice),
            json!({"status": "hello :blobcat: and :unknown:"}),
        )
        .await;
    assert_eq!(r.body["emojis"].as_array().unwrap().len(), 1, "{}", r.text);
    assert_eq!(r.body["emojis"][0]["shortcode"], "blobcat");
    assert!(r.body["emojis"][0].get("category").is_none());
    let r = srv
        .patch_form(
            "/api/v1/accounts/update_credentials",
            Some(&alice),
            &[("display_name", "Alice :blobcat:")],
        )
        .await;
    assert_eq!(r.body["emojis"][0]["shortcode"], "blobcat", "{}", r.text);
    // The Note and the actor carry the emoji as tags.
    let id = srv.status(&alice, "a :blobcat: note", "public").await;
    let (_, _, note) = srv
        .get_bytes(
            &format!("/users/alice/statuses/{id}"),
            &[("accept", "application/activity+json")],
        )
        .await;
    let note: Value = serde_json::from_slice(&note).unwrap();
    let tag = note["tag"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["type"] == "Emoji")
        .cloned()
        .unwrap();
    assert_eq!(tag["name"], ":blobcat:");
    assert_eq!(tag["icon"]["url"], e["url"]);
    // Its id is a document of its own.
    let id_path = tag["id"]
        .as_str()
        .unwrap()
        .strip_prefix(palisade_testkit::BASE_URL)
        .unwrap()
        .to_owned();
    let (status, _, doc) = srv
        .get_bytes(&id_path, &[("accept", "application/activity+json")])
        .await;
    assert_eq!(status, 200);
    let doc: Value = serde_json::from_slice(&doc).unwrap();
    assert_eq!(
        (doc["type"].as_str(), doc["name"].as_str()),
        (Some("Emoji"), Some(":blobcat:"))
    );

    srv.core.remove_emoji("blobcat").await.unwrap();
    srv.run_media_jobs().await;
    assert_eq!(srv.get("/api/v1/custom_emojis", None).await.body, json!([]));
    assert!(srv.stored("media").await.is_empty());
}

/// An animated GIF, PNG or WebP emoji is served animated, without its comment or text, its first
/// frame as the still image; one too large to keep animated, or a single frame, becomes a still image as
/// before.
#[tokio::test]
async fn animated_emoji_stay_animated_with_a_still_first_frame() {
    let srv = TestServer::new().await;
    let clean = testdata::gif_animation(48, 48, 6);
    let mut party = clean[..clean.len() - 1].to_vec();
    party.extend_from_slice(b"\x21\xFE\x0APALISADE-X\x00\x3B");
    let big = testdata::gif_animation(300, 40, 3);
    srv.core.add_emoji("party", party.clone(), None).await.unwrap();
    // An animated PNG with a text chunk after its header.
    let apng = testdata::apng(40, 40, 5);
    let mut spin = apng[..33].to_vec();
    spin.extend_from_slice(b"\0\0\0\x0etEXtComment\0SECRET\0\0\0\0");
    spin.extend_from_slice(&apng[33..]);
    srv.core.add_emoji("spin", spin, None).await.unwrap();
    let wave = palisade_media::testdata::webp_animation(32, 32, 4);
    srv.core.add_emoji("wave", wave.clone(), None).await.unwrap();
    srv.core.add_emoji("wide", big, None).await.unwrap();
    srv.core
        .add_emoji("still", testdata::gif(32, 32), None)
        .await
        .unwrap();
    let list = srv.get("/api/v1/custom_emojis", None).await.body;
    let emoji = |code: &str| {
        list.as_array()
            .unwrap()
            .iter()
            .find(|e| e["shortcode"] == code)
            .cloned()
            .unwrap_or_else(|| panic!("{code} in {list}"))
    };
    let served = |url: Value| {
        let srv = &srv;
        async move {
            let (status, headers, body) = srv.get_bytes(&path(&url), &[]).await;
            assert_eq!(status.as_u16(), 200, "{url}");
            (headers["content-type"].to_str().unwrap().to_owned(), body)
        }
    };
    let party = (party, emoji("party"));
    let (kind, body) = served(party.1["url"].clone()).await;
    assert_eq!(kind, "image/gif");
    assert!(
        body[..] == clean[..],
        "the animation as it came, without its comment"
    );
    assert!(party.0.len() > clean.len());
    let (kind, body) = served(party.1["static_url"].clone()).await;
    assert_eq!(kind, "image/png");
    assert!(body.starts_with(b"\x89PNG"));
    let (kind, body) = served(emoji("spin")["url"].clone()).await;
    assert_eq!(kind, "image/png");
    assert!(body[..] == apng[..], "the animated PNG without its text");
    assert_eq!(palisade_media::apng::frames(&body), Some(5));
    let (kind, body) = served(emoji("wave")["url"].clone()).await;
    assert_eq!(kind, "image/webp");
    assert!(body[..] == wave[..], "the animated WebP");
    assert_eq!(served(emoji("wave")["static_url"].clone()).await.0, "image/png");
    for code in ["wide", "still"] {
        let e = emoji(code);
        assert_eq!(served(e["url"].clone()).await.0, "image/png", "{code}: {e}");
        assert_eq!(
            served(e["static_url"].clone()).await.0,
            "image/png",
            "{code}: {e}"
        );
    }
}

#[tokio::test]
async fn notes_carry_documents_with_alt_text_blurhash_and_focus() {
    let srv = TestServer::new().await;
    let alice = srv.user("alice").await;
    let r = srv
        .upload(
            &alice,
            "p.jpg",
            "image/jpeg",
            &testdata::jpeg(300, 200),
            &[("description", "Alt text"), ("focus", "0.25,-0.5")],
        )
        .await;
    let media = r.body.clone();
    let r = srv
        .post_json(
            "/api/v1/statuses",
            Some(&alice),
            json!({"status": "with a picture", "media_ids": [media["id"]]}),
        )
        .await;
    let id = r.body["id"].as_str().unwrap();
    let (_, _, note) = srv
        .get_bytes(
            &format!("/users/alice/statuses/{id}"),
            &[("accept", "application/activity+json")],
        )
        .await;
    let note: Value = serde_json::from_slice(&note).unwrap();
    let doc = &note["attachment"][0];
    assert_eq!(doc["type"], "Document");
    assert_eq!(doc["mediaType"], "image/jpeg");
    assert_eq!(doc["url"], media["url"]);
    assert_eq!(doc["name"], "Alt text");
    assert_eq!(doc["blurhash"], media["blurhash"]);
    assert_eq!(doc["focalPoint"], json!([0.25, -0.5]));
    assert_eq!(
        (doc["width"].as_u64(), doc["height"].as_u64()),
        (Some(300), Some(200))
    );
    let context = note["@context"].to_string();
    assert!(
        context.contains("toot:blurhash") && context.contains("toot:focalPoint"),
        "{context}"
    );
}
