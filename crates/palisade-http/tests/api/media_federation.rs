//! Media between two Palisades over real HTTP: our Documents, avatars and emoji reach the
//! other side, which serves every one of them from its own URLs (its cache, refetched on
//! demand after a prune); reject_media stops fetching and showing; preview cards and
//! verified links are this instance's own work.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::http::Method;
use palisade_media::testdata;
use palisade_testkit::TestServer;
use serde_json::{Value, json};

/// Path → (content type, body).
type Table = Arc<Mutex<HashMap<String, (String, Vec<u8>)>>>;

/// A small web server on 127.0.0.5 (or another address): `pages` by path (content type,
/// body); counts requests.
struct Pages {
    base: String,
    hits: Arc<Mutex<HashMap<String, usize>>>,
    table: Table,
}

impl Pages {
    async fn start(pages: Vec<(&str, &str, Vec<u8>)>) -> Pages {
        Pages::start_at("127.0.0.5", pages).await
    }

    /// `start` on another loopback address: another host. A page of type `redirect` answers
    /// 302 to its body.
    async fn start_at(ip: &str, pages: Vec<(&str, &str, Vec<u8>)>) -> Pages {
        let hits: Arc<Mutex<HashMap<String, usize>>> = Arc::default();
        let table: Table = Arc::new(Mutex::new(
            pages
                .into_iter()
                .map(|(p, t, b)| (p.to_owned(), (t.to_owned(), b)))
                .collect(),
        ));
        let served = table.clone();
        let listener = tokio::net::TcpListener::bind((ip, 0)).await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let counter = hits.clone();
        let app = axum::Router::new().fallback(move |uri: axum::http::Uri| {
            let (table, counter) = (served.clone(), counter.clone());
            async move {
                *counter.lock().unwrap().entry(uri.path().to_owned()).or_default() += 1;
                let page = table.lock().unwrap().get(uri.path()).cloned();
                match page {
                    Some((t, b)) if t == "redirect" => (
                        axum::http::StatusCode::FOUND,
                        [(axum::http::header::LOCATION, String::from_utf8(b).unwrap())],
                    )
                        .into_response(),
                    Some((t, b)) => {
                        ([(axum::http::header::CONTENT_TYPE, t.clone())], b.clone()).into_response()
                    }
                    None => axum::http::StatusCode::NOT_FOUND.into_response(),
                }
            }
        });
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Pages { base, hits, table }
    }

    /// Changes what `path` serves.
    fn set(&self, path: &str, content_type: &str, body: Vec<u8>) {
        self.table
            .lock()
            .unwrap()
            .insert(path.to_owned(), (content_type.to_owned(), body));
    }

    fn hits(&self, path: &str) -> usize {
        self.hits.lock().unwrap().get(path).copied().unwrap_or(0)
    }
}

use axum::response::IntoResponse;

/// The path of one of `srv`'s URLs.
fn local_path(srv: &TestServer, url: &Value) -> String {
    url.as_str()
        .unwrap_or_else(|| panic!("not a URL: {url}"))
        .strip_prefix(&srv.url)
        .unwrap_or_else(|| panic!("{url} is not served by {}", srv.url))
        .to_owned()
}

/// The `palisade_media_bytes{origin="remote"}` gauge of `srv`.
async fn remote_bytes(srv: &TestServer) -> i64 {
    let mut text = String::new();
    palisade_http::metrics::render_media(&mut text, srv.core.media_totals().await.unwrap());
    text.lines()
        .find(|l| l.starts_with("palisade_media_bytes{origin=\"remote\"}"))
        .and_then(|l| l.rsplit_once(' '))
        .and_then(|(_, v)| v.parse::<i64>().ok())
        .unwrap_or(-1)
}

/// Alice on `a`, bob on `b` following her (accepted).
async fn follow(a: &TestServer, b: &TestServer) -> (String, String) {
    let alice = a.user("alice").await;
    let bob = b.user("bob").await;
    let alice_at_b = b.resolve(&bob, &a.handle("alice")).await;
    b.post(&format!("/api/v1/accounts/{alice_at_b}/follow"), Some(&bob))
        .await;
    b.eventually("bob follows alice", || async {
        b.relationship(&bob, &alice_at_b).await["following"] == true
    })
    .await;
    (alice, bob)
}

/// The first status of bob's home timeline containing `text`.
async fn in_home(b: &TestServer, bob: &str, text: &str) -> Value {
    b.eventually("the post reaches bob", || async {
        b.get("/api/v1/timelines/home", Some(bob))
            .await
            .body
            .to_string()
            .contains(text)
    })
    .await;
    b.get("/api/v1/timelines/home", Some(bob))
        .await
        .body
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["content"].as_str().unwrap_or("").contains(text))
        .cloned()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn remote_media_is_served_by_this_instance_and_comes_back_after_a_prune() {
    let a = TestServer::spawn(2).await;
    let b = TestServer::spawn(3).await;
    let (alice, bob) = follow(&a, &b).await;
    a.core
        .add_emoji("wave", testdata::png(32, 32, true), None)
        .await
        .unwrap();
    let r = a
        .multipart(
            Method::PATCH,
            "/api/v1/accounts/update_credentials",
            Some(&alice),
            &[("display_name", "Alice :wave:")],
            &[("avatar", "a.png", "image/png", &testdata::png(200, 200, false))],
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let up = a
        .upload(
            &alice,
            "p.jpg",
            "image/jpeg",
            &testdata::jpeg(320, 240),
            &[("description", "A photo")],
        )
        .await;
    let r = a
        .post_json(
            "/api/v1/statuses",
            Some(&alice),
            json!({"status": "a picture :wave:", "media_ids": [up.body["id"]]}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);

    let s = in_home(&b, &bob, "a picture").await;
    let m = &s["media_attachments"][0];
    assert_eq!(m["type"], "image");
    assert_eq!(m["description"], "A photo");
    assert_eq!(m["blurhash"], up.body["blurhash"]);
    assert_eq!(m["remote_url"], Value::Null, "origins are not shown by default");
    assert_eq!(m["meta"]["original"]["width"], 320);
    let proxy = format!("{}/system/proxy/", b.url);
    for url in [&m["url"], &m["preview_url"], &s["emojis"][0]["url"]] {
        assert!(url.as_str().unwrap().starts_with(&proxy), "{url}");
    }
    // The actor refresh (and its avatar) may come after the post: wait for it.
    let alice_at_b = s["account"]["id"].as_str().unwrap().to_owned();
    b.eventually("alice's avatar is known", || async {
        let acc = b.get(&format!("/api/v1/accounts/{alice_at_b}"), None).await.body;
        acc["avatar"].as_str().unwrap_or("").starts_with(&proxy)
    })
    .await;
    let avatar = b.get(&format!("/api/v1/accounts/{alice_at_b}"), None).await.body["avatar"].clone();

    for url in [&m["url"], &m["preview_url"], &avatar, &s["emojis"][0]["url"]] {
        let (status, headers, body) = b.get_bytes(&local_path(&b, url), &[]).await;
        assert_eq!(status, 200, "{url}");
        assert!(headers["content-type"].to_str().unwrap().starts_with("image/"));
        assert!(image::load_from_memory(&body).is_ok(), "{url} is an image");
    }
    assert!(!b.stored("cache").await.is_empty(), "cached at bob's instance");
    assert!(remote_bytes(&b).await > 0);

    // Pruned: gone from the store, fetched again on demand.
    let pruned = b.core.prune_media(0).await.unwrap();
    assert!(pruned.files >= 2, "{pruned:?}");
    assert!(b.stored("cache").await.is_empty());
    assert_eq!(remote_bytes(&b).await, 0);
    let (status, _, _) = b.get_bytes(&local_path(&b, &m["url"]), &[]).await;
    assert_eq!(status, 200);
    assert!(!b.stored("cache").await.is_empty());
    let usage = b.core.media_usage().await.unwrap();
    assert!(
        usage
            .iter()
            .any(|u| u.domain.as_deref() == Some(a.core.settings.domain.as_str()) && u.bytes > 0)
    );

    // An edit that drops the picture: bob's view follows, the history keeps both versions.
    let status_id = r.body["id"].as_str().unwrap().to_owned();
    let r = a
        .put_json(
            &format!("/api/v1/statuses/{status_id}"),
            Some(&alice),
            json!({"status": "a picture, gone :wave:", "media_ids": []}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let s = in_home(&b, &bob, "gone").await;
    assert_eq!(s["media_attachments"], json!([]));
    let id = s["id"].as_str().unwrap();
    let history = b
        .get(&format!("/api/v1/statuses/{id}/history"), Some(&bob))
        .await
        .body;
    assert_eq!(history.as_array().unwrap().len(), 2, "{history}");
    assert_eq!(
        history[0]["media_attachments"].as_array().unwrap().len(),
        1,
        "{history}"
    );
    assert_eq!(history[1]["media_attachments"], json!([]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_suspension_drops_the_files_and_its_purge_the_records() {
    let a = TestServer::spawn(2).await;
    let b = TestServer::spawn_with(3, |s| s.moderation.suspension_grace_days = 0).await;
    let (alice, bob) = follow(&a, &b).await;
    let up = a
        .upload(&alice, "p.png", "image/png", &testdata::png(64, 64, false), &[])
        .await;
    a.post_json(
        "/api/v1/statuses",
        Some(&alice),
        json!({"status": "to be purged", "media_ids": [up.body["id"]]}),
    )
    .await;
    let s = in_home(&b, &bob, "to be purged").await;
    let url = s["media_attachments"][0]["url"].clone();
    assert_eq!(b.get_bytes(&local_path(&b, &url), &[]).await.0, 200);
    let admin = b.staff("root", "admin").await;
    let r = b
        .post_form(
            "/api/v1/admin/domain_blocks",
            Some(&admin),
            &[("domain", &a.core.settings.domain), ("severity", "suspend")],
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    b.eventually("the suspension drops the cache", || async {
        b.run_media_jobs().await;
        b.stored("cache").await.is_empty()
    })
    .await;
    assert!(b.core.purge_expired_suspensions().await.unwrap() >= 1);
    b.run_media_jobs().await;
    let rows = palisade_store::q("SELECT COUNT(*) FROM media_attachments WHERE domain IS NOT NULL")
        .fetch_i64(&b.db)
        .await
        .unwrap();
    assert_eq!(rows, 0, "the records went with the accounts");
    assert!(b.stored("cache").await.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reject_media_stops_fetching_and_showing() {
    let a = TestServer::spawn(2).await;
    let b = TestServer::spawn(3).await;
    let (alice, bob) = follow(&a, &b).await;
    let admin = b.staff("root", "admin").await;
    let post_image = |text: &'static str| {
        let (a, alice) = (&a, alice.clone());
        async move {
            let up = a
                .upload(&alice, "p.png", "image/png", &testdata::png(64, 64, false), &[])
                .await;
            a.post_json(
                "/api/v1/statuses",
                Some(&alice),
                json!({"status": text, "media_ids": [up.body["id"]]}),
            )
            .await;
        }
    };
    post_image("before the block").await;
    let s = in_home(&b, &bob, "before the block").await;
    let url = s["media_attachments"][0]["url"].clone();
    assert_eq!(b.get_bytes(&local_path(&b, &url), &[]).await.0, 200);

    let r = b
        .post_form(
            "/api/v1/admin/domain_blocks",
            Some(&admin),
            &[
                ("domain", &a.core.settings.domain),
                ("severity", "noop"),
                ("reject_media", "true"),
            ],
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    b.eventually("the domain's cached files are dropped", || async {
        b.run_media_jobs().await;
        b.stored("cache").await.is_empty()
    })
    .await;
    b.eventually("the policy applies", || async {
        b.get_bytes(&local_path(&b, &url), &[]).await.0 == 404
    })
    .await;
    let s = in_home(&b, &bob, "before the block").await;
    assert_eq!(s["media_attachments"], json!([]), "nothing shown");

    post_image("during the block").await;
    let s = in_home(&b, &bob, "during the block").await;
    assert_eq!(s["media_attachments"], json!([]));
    b.run_media_jobs().await;
    assert!(b.stored("cache").await.is_empty(), "nothing fetched");
    // The impact preview counts the domain's media records.
    let r = b
        .get(
            &format!(
                "/api/v1/admin/domain_blocks/preview?domain={}&severity=suspend",
                a.core.settings.domain
            ),
            Some(&admin),
        )
        .await;
    assert_eq!(r.body["impact"]["media"], 2, "{}", r.text);
}

/// A remote file whose address redirects to a server whose media is rejected is not
/// fetched from there: each hop is checked before it is contacted, not after.
#[tokio::test]
async fn a_redirect_to_a_server_whose_media_is_rejected_is_not_followed() {
    use palisade_core::media::RemoteAttachment;
    use palisade_core::model::Visibility;
    use palisade_core::remote::RemoteStatus;
    let srv = TestServer::new().await;
    let admin = srv.staff("root", "admin").await;
    let target = Pages::start_at(
        "127.0.0.6",
        vec![("/img.png", "image/png", testdata::png(32, 32, false))],
    )
    .await;
    let origin = Pages::start(vec![(
        "/img.png",
        "redirect",
        format!("{}/img.png", target.base).into_bytes(),
    )])
    .await;
    let origin_host = origin.base.trim_start_matches("http://").to_owned();
    let target_host = target.base.trim_start_matches("http://").to_owned();
    let author = srv.remote_account("tom", &origin_host).await;
    let status = srv
        .core
        .receive_status(RemoteStatus {
            uri: format!("{}/notes/1", origin.base),
            url: None,
            author,
            content_html: "<p>a picture</p>".into(),
            spoiler_text: String::new(),
            sensitive: false,
            visibility: Visibility::Public,
            language: None,
            in_reply_to: None,
            in_reply_to_uri: None,
            mentions: Vec::new(),
            tags: Vec::new(),
            published: palisade_core::model::now_ms(),
            edited: None,
            poll: None,
            attachments: vec![RemoteAttachment {
                url: format!("{}/img.png", origin.base),
                kind: "image".into(),
                media_type: Some("image/png".into()),
                description: "a picture".into(),
                blurhash: None,
                focus: None,
                width: None,
                height: None,
            }],
            emojis: Vec::new(),
        })
        .await
        .unwrap();
    let shown = srv.get(&format!("/api/v1/statuses/{}", status.id), None).await;
    let path = local_path(&srv, &shown.body["media_attachments"][0]["url"]);

    let r = srv
        .post_form(
            "/api/v1/admin/domain_blocks",
            Some(&admin),
            &[
                ("domain", &target_host),
                ("severity", "noop"),
                ("reject_media", "true"),
            ],
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(srv.get_bytes(&path, &[]).await.0, 404);
    assert_eq!(origin.hits("/img.png"), 1, "the file's own server was asked");
    assert_eq!(
        target.hits("/img.png"),
        0,
        "the server it redirected to was never contacted"
    );

    // Without the block, the same redirect is followed.
    let id = r.body["id"].as_str().unwrap().to_owned();
    let r = srv
        .delete(&format!("/api/v1/admin/domain_blocks/{id}"), Some(&admin))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    srv.eventually("the policy is lifted", || async {
        srv.get_bytes(&path, &[]).await.0 == 200
    })
    .await;
    assert_eq!(target.hits("/img.png"), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn links_are_verified_by_this_instance_only() {
    let a = TestServer::spawn(2).await;
    let b = TestServer::spawn(3).await;
    let alice = a.user("alice").await;
    let profile = format!("{}/@alice", a.url);
    let pages = Pages::start(vec![
        (
            "/me",
            "text/html",
            format!(r#"<html><a rel="me" href="{profile}">me</a></html>"#).into_bytes(),
        ),
        (
            "/other",
            "text/html",
            b"<html><a href=\"https://else.test/\">no</a></html>".to_vec(),
        ),
    ])
    .await;
    let r = a
        .patch_form(
            "/api/v1/accounts/update_credentials",
            Some(&alice),
            &[
                ("fields_attributes[0][name]", "Site"),
                ("fields_attributes[0][value]", &format!("{}/me", pages.base)),
                ("fields_attributes[1][name]", "Other"),
                ("fields_attributes[1][value]", &format!("{}/other", pages.base)),
            ],
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    a.run_media_jobs().await;
    a.eventually("alice's own instance checks her links", || async {
        let me = a
            .get("/api/v1/accounts/verify_credentials", Some(&alice))
            .await
            .body;
        me["fields"][0]["verified_at"].is_string()
    })
    .await;
    let me = a
        .get("/api/v1/accounts/verify_credentials", Some(&alice))
        .await
        .body;
    assert_eq!(me["fields"][1]["verified_at"], Value::Null);
    let hits_by_a = pages.hits("/me");
    let marked_at = me["fields"][0]["verified_at"].clone();
    // Re-checked (here: made due at once): still linking back, the mark keeps its time.
    let alice_id: i64 = me["id"].as_str().unwrap().parse().unwrap();
    palisade_store::account_media::set_links_checked_at(&a.db, alice_id, 0)
        .await
        .unwrap();
    a.core.media_housekeeping().await.unwrap();
    a.run_media_jobs().await;
    let me = a
        .get("/api/v1/accounts/verify_credentials", Some(&alice))
        .await
        .body;
    assert_eq!(me["fields"][0]["verified_at"], marked_at);

    // Bob's instance learns alice's profile and checks the links itself.
    let bob = b.user("bob").await;
    let alice_at_b = b.resolve(&bob, &a.handle("alice")).await;
    b.run_media_jobs().await;
    b.eventually("bob's instance checks too", || async {
        let acc = b.get(&format!("/api/v1/accounts/{alice_at_b}"), None).await.body;
        acc["fields"][0]["verified_at"].is_string()
    })
    .await;
    assert!(
        pages.hits("/me") > hits_by_a,
        "bob's instance fetched the page itself"
    );
    let acc = b.get(&format!("/api/v1/accounts/{alice_at_b}"), None).await.body;
    assert_eq!(acc["fields"][1]["verified_at"], Value::Null);

    // The page no longer links back: the next check drops the mark.
    pages.set("/me", "text/html", b"<html>moved on</html>".to_vec());
    palisade_store::account_media::set_links_checked_at(&a.db, alice_id, 0)
        .await
        .unwrap();
    a.core.media_housekeeping().await.unwrap();
    a.eventually("the mark is dropped on recheck", || async {
        a.run_media_jobs().await;
        let me = a
            .get("/api/v1/accounts/verify_credentials", Some(&alice))
            .await
            .body;
        me["fields"][0]["verified_at"].is_null()
    })
    .await;

    // A remote claim of verification is never taken: only our check marks a field.
    let claim = json!({
        "@context": ["https://www.w3.org/ns/activitystreams"],
        "id": "https://claims.test/users/carol", "type": "Person", "preferredUsername": "carol",
        "inbox": "https://claims.test/users/carol/inbox",
        "attachment": [{"type": "PropertyValue", "name": "Site", "verified_at": "2024-01-01T00:00:00Z",
                        "value": format!("<a href=\"{}/other\">x</a>", pages.base)}],
    });
    let carol = b.fed.store_actor(&claim).await.unwrap();
    let acc = b.get(&format!("/api/v1/accounts/{}", carol.id), None).await.body;
    assert_eq!(acc["fields"][0]["verified_at"], Value::Null, "{acc}");
    b.run_media_jobs().await;
    let acc = b.get(&format!("/api/v1/accounts/{}", carol.id), None).await.body;
    assert_eq!(
        acc["fields"][0]["verified_at"],
        Value::Null,
        "the page does not link back"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn preview_cards_are_fetched_by_the_instance() {
    let a = TestServer::spawn(2).await;
    let alice = a.user("alice").await;
    let pages = Pages::start(vec![
        (
            "/article",
            "text/html; charset=utf-8",
            br#"<html lang="en"><head><title>Fallback</title>
                <meta property="og:title" content="An article">
                <meta property="og:description" content="What happened">
                <meta property="og:image" content="/cover.png">
                <meta property="og:site_name" content="Pages"></head></html>"#
                .to_vec(),
        ),
        ("/cover.png", "image/png", testdata::png(200, 100, false)),
    ])
    .await;
    let id = a
        .status(&alice, &format!("read this {}/article", pages.base), "public")
        .await;
    a.run_media_jobs().await;
    a.eventually("the card and its image are there", || async {
        a.get(&format!("/api/v1/statuses/{id}"), Some(&alice)).await.body["card"]["width"] == 200
    })
    .await;
    let card = a.get(&format!("/api/v1/statuses/{id}"), Some(&alice)).await.body["card"].clone();
    assert_eq!(card["title"], "An article");
    assert_eq!(card["description"], "What happened");
    assert_eq!(card["provider_name"], "Pages");
    assert_eq!(card["type"], "link");
    assert_eq!(card["url"], format!("{}/article", pages.base));
    assert!(
        card["image"]
            .as_str()
            .unwrap()
            .starts_with(&format!("{}/system/proxy/", a.url))
    );
    assert_eq!(card["width"], 200);
    let (status, _, _) = a.get_bytes(&local_path(&a, &card["image"]), &[]).await;
    assert_eq!(status, 200);
    let old = a
        .get(&format!("/api/v1/statuses/{id}/card"), Some(&alice))
        .await
        .body;
    assert_eq!(old["title"], "An article");
    assert_eq!(
        pages.hits("/cover.png"),
        1,
        "fetched once, then served from the cache"
    );

    // The link trends (shared by one account today) and has its timeline.
    let bob = a.user("bob").await;
    let private = a
        .status(&bob, &format!("quietly {}/article", pages.base), "private")
        .await;
    a.run_media_jobs().await;
    let trends = a.get("/api/v1/trends/links", None).await;
    assert_eq!(trends.status, 200);
    assert_eq!(trends.body[0]["url"], card["url"]);
    assert_eq!(trends.body[0]["title"], "An article");
    assert_eq!(trends.body[0]["history"].as_array().unwrap().len(), 7);
    assert_eq!(
        trends.body[0]["history"][0]["uses"], "1",
        "the private share is not counted"
    );
    let link = format!(
        "/api/v1/timelines/link?{}",
        serde_urlencoded::to_string([("url", card["url"].as_str().unwrap())]).unwrap()
    );
    let timeline = a.get(&link, Some(&bob)).await;
    assert_eq!(timeline.status, 200, "{}", timeline.text);
    let ids: Vec<&str> = timeline
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [id.as_str()], "public statuses only, not {private}");
    let unknown = a
        .get(
            "/api/v1/timelines/link?url=https%3A%2F%2Fnowhere.test%2F",
            Some(&bob),
        )
        .await;
    assert_eq!(unknown.status, 404);
}
