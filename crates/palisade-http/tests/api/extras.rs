//! The smaller endpoints apps call: featured tags, announcements, notification policies and
//! requests, trends, suggestions, statuses by id, link timelines, translation, profile
//! images, preferences; and the flags of boosts.

use palisade_core::announcements::NewAnnouncement;
use palisade_core::timers::Timer;
use palisade_testkit::TestServer;
use serde_json::json;

#[tokio::test]
async fn featured_tags() {
    let srv = TestServer::new().await;
    let alice = srv.user("alice").await;
    let id = srv.account_id(&alice).await;
    srv.status(&alice, "cool free #ringtones", "public").await;
    srv.status(&alice, "more #ringtones and #other", "public").await;
    let s = srv.get("/api/v1/featured_tags/suggestions", Some(&alice)).await;
    assert_eq!(s.body[0]["name"], "ringtones", "{}", s.text);
    let r = srv
        .post_json(
            "/api/v1/featured_tags",
            Some(&alice),
            json!({"name": "#ringtones"}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        (r.body["name"].clone(), r.body["statuses_count"].clone()),
        (json!("ringtones"), json!("2"))
    );
    assert!(r.body["url"].as_str().unwrap().ends_with("/tagged/ringtones"));
    assert!(r.body["last_status_at"].is_string());
    let ft = r.body["id"].as_str().unwrap().to_owned();
    assert_eq!(
        srv.post_json(
            "/api/v1/featured_tags",
            Some(&alice),
            json!({"name": "no spaces"})
        )
        .await
        .status,
        422
    );
    let r = srv.post("/api/v1/tags/coolfree/feature", Some(&alice)).await;
    assert_eq!(
        (r.body["name"].clone(), r.body["featuring"].clone()),
        (json!("coolfree"), json!(true))
    );
    let list = srv
        .get(&format!("/api/v1/accounts/{id}/featured_tags"), None)
        .await;
    assert_eq!(list.body.as_array().unwrap().len(), 2);
    assert_eq!(
        srv.delete(&format!("/api/v1/featured_tags/{ft}"), Some(&alice))
            .await
            .status,
        200
    );
    let r = srv.post("/api/v1/tags/coolfree/unfeature", Some(&alice)).await;
    assert_eq!(r.body["featuring"], false);
    assert_eq!(
        srv.get("/api/v1/featured_tags", Some(&alice)).await.body,
        json!([])
    );
    // The instance tells how many may be featured.
    let i = srv.get("/api/v2/instance", None).await;
    assert_eq!(i.body["configuration"]["accounts"]["max_featured_tags"], 10);
}

#[tokio::test]
async fn announcements_are_published_read_and_reacted_to() {
    let srv = TestServer::new().await;
    let alice = srv.user("alice").await;
    let a = srv
        .core
        .create_announcement(NewAnnouncement {
            text: "Maintenance tonight, see https://status.example".into(),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(
        srv.get("/api/v1/announcements", Some(&alice)).await.body,
        json!([]),
        "not published yet"
    );
    srv.core
        .run_timer(&Timer::PublishAnnouncement { id: a.id })
        .await
        .unwrap();
    let list = srv.get("/api/v1/announcements", Some(&alice)).await;
    assert_eq!(list.body[0]["id"], a.id.to_string());
    assert!(
        list.body[0]["content"]
            .as_str()
            .unwrap()
            .contains("<a href=\"https://status.example\"")
    );
    assert_eq!(list.body[0]["read"], false);
    let path = format!("/api/v1/announcements/{}", a.id);
    assert_eq!(
        srv.request(
            axum::http::Method::PUT,
            &format!("{path}/reactions/thumbsup"),
            Some(&alice),
            None
        )
        .await
        .status,
        422
    );
    let r = srv
        .request(
            axum::http::Method::PUT,
            &format!("{path}/reactions/%F0%9F%91%8D"),
            Some(&alice),
            None,
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let list = srv.get("/api/v1/announcements", Some(&alice)).await;
    assert_eq!(
        list.body[0]["reactions"],
        json!([{"name": "👍", "count": 1, "me": true}])
    );
    srv.post(&format!("{path}/dismiss"), Some(&alice)).await;
    assert_eq!(
        srv.get("/api/v1/announcements", Some(&alice)).await.body,
        json!([])
    );
    let all = srv
        .get("/api/v1/announcements?with_dismissed=true", Some(&alice))
        .await;
    assert_eq!(all.body[0]["read"], true);
    srv.core.delete_announcement(a.id).await.unwrap();
    assert_eq!(
        srv.get("/api/v1/announcements?with_dismissed=true", Some(&alice))
            .await
            .body,
        json!([])
    );
}

#[tokio::test]
async fn notifications_from_strangers_wait_in_requests() {
    let srv = TestServer::new().await;
    let alice = srv.user("alice").await;
    let bob = srv.user("bob").await;
    let p = srv.get("/api/v2/notifications/policy", Some(&alice)).await;
    assert_eq!(p.body["for_private_mentions"], "filter", "Mastodon's default");
    assert_eq!(p.body["summary"]["pending_requests_count"], 0);
    let r = srv
        .request(
            axum::http::Method::PATCH,
            "/api/v2/notifications/policy",
            Some(&alice),
            Some((
                "application/json",
                json!({"for_not_following": "filter", "for_new_accounts": "nonsense"}).to_string(),
            )),
        )
        .await;
    assert_eq!(r.status, 422);
    let r = srv
        .request(
            axum::http::Method::PATCH,
            "/api/v2/notifications/policy",
            Some(&alice),
            Some((
                "application/json",
                json!({"for_not_following": "filter"}).to_string(),
            )),
        )
        .await;
    assert_eq!(r.body["for_not_following"], "filter");
    let v1 = srv.get("/api/v1/notifications/policy", Some(&alice)).await;
    assert_eq!(v1.body["filter_not_following"], true);
    // A stranger's mentions wait in a request; nothing is listed or counted meanwhile.
    for i in 0..3 {
        srv.status(&bob, &format!("@alice please follow me {i}"), "direct")
            .await;
    }
    assert_eq!(
        srv.get("/api/v1/notifications", Some(&alice)).await.body,
        json!([])
    );
    assert_eq!(
        srv.get("/api/v1/notifications/unread_count", Some(&alice))
            .await
            .body["count"],
        0
    );
    let reqs = srv.get("/api/v1/notifications/requests", Some(&alice)).await;
    assert_eq!(reqs.body.as_array().unwrap().len(), 1);
    assert_eq!(reqs.body[0]["notifications_count"], "3");
    assert_eq!(reqs.body[0]["account"]["username"], "bob");
    let id = reqs.body[0]["id"].as_str().unwrap().to_owned();
    assert_eq!(
        srv.get(&format!("/api/v1/notifications/requests/{id}"), Some(&bob))
            .await
            .status,
        404
    );
    let p = srv.get("/api/v2/notifications/policy", Some(&alice)).await;
    assert_eq!(
        p.body["summary"],
        json!({"pending_requests_count": 1, "pending_notifications_count": 3})
    );
    // Accepted: they join the notifications, and bob is let through from now on.
    assert_eq!(
        srv.post(
            &format!("/api/v1/notifications/requests/{id}/accept"),
            Some(&alice)
        )
        .await
        .status,
        200
    );
    assert_eq!(
        srv.get("/api/v1/notifications/requests/merged", Some(&alice))
            .await
            .body,
        json!({"merged": true})
    );
    assert_eq!(
        srv.get("/api/v1/notifications", Some(&alice))
            .await
            .body
            .as_array()
            .unwrap()
            .len(),
        3
    );
    srv.status(&bob, "@alice thanks", "direct").await;
    assert_eq!(
        srv.get("/api/v1/notifications", Some(&alice))
            .await
            .body
            .as_array()
            .unwrap()
            .len(),
        4
    );
    // Dismissed: deleted. `drop`: never stored.
    let carol = srv.user("carol").await;
    srv.status(&carol, "@alice hi", "public").await;
    let reqs = srv.get("/api/v1/notifications/requests", Some(&alice)).await;
    let cid = reqs.body[0]["id"].as_str().unwrap().to_owned();
    srv.post_form(
        "/api/v1/notifications/requests/dismiss",
        Some(&alice),
        &[("id[]", &cid)],
    )
    .await;
    assert_eq!(
        srv.get("/api/v1/notifications/requests", Some(&alice)).await.body,
        json!([])
    );
    srv.request(
        axum::http::Method::PATCH,
        "/api/v2/notifications/policy",
        Some(&alice),
        Some((
            "application/json",
            json!({"for_not_following": "drop"}).to_string(),
        )),
    )
    .await;
    srv.status(&carol, "@alice again", "public").await;
    assert_eq!(
        srv.get("/api/v1/notifications/requests", Some(&alice)).await.body,
        json!([])
    );
    assert_eq!(
        srv.get("/api/v1/notifications", Some(&alice))
            .await
            .body
            .as_array()
            .unwrap()
            .len(),
        4
    );
}

#[tokio::test]
async fn trends_and_suggestions_come_from_activity() {
    let srv = TestServer::new().await;
    let alice = srv.user("alice").await;
    let bob = srv.user("bob").await;
    let carol = srv.user("carol").await;
    assert_eq!(srv.get("/api/v1/trends/tags", None).await.body, json!([]));
    srv.status(&bob, "#popular one", "public").await;
    let hot = srv.status(&carol, "#popular two #rare", "public").await;
    srv.status(&bob, "#quiet", "unlisted").await;
    srv.post(&format!("/api/v1/statuses/{hot}/favourite"), Some(&alice))
        .await;
    let tags = srv.get("/api/v1/trends/tags", None).await;
    let names: Vec<&str> = tags
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, vec!["popular", "rare"], "by accounts, public only");
    assert_eq!(tags.body[0]["history"][0]["accounts"], "2");
    assert_eq!(srv.get("/api/v1/trends", None).await.body, tags.body);
    let st = srv.get("/api/v1/trends/statuses", None).await;
    assert_eq!(st.body.as_array().unwrap().len(), 1);
    assert_eq!(st.body[0]["id"], hot);
    assert_eq!(srv.get("/api/v1/trends/links", None).await.body, json!([]));
    // Alice interacted with carol: suggested first, then the most followed (bob).
    let s = srv.get("/api/v2/suggestions", Some(&alice)).await;
    assert_eq!(s.body[0]["account"]["username"], "carol");
    assert_eq!(s.body[0]["source"], "past_interactions");
    assert!(
        s.body
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x["account"]["username"] == "bob" && x["sources"][0] == "most_followed")
    );
    let carol_id = srv.account_id(&carol).await;
    srv.delete(&format!("/api/v1/suggestions/{carol_id}"), Some(&alice))
        .await;
    let v1 = srv.get("/api/v1/suggestions", Some(&alice)).await;
    assert!(
        v1.body
            .as_array()
            .unwrap()
            .iter()
            .all(|a| a["id"] != carol_id.as_str())
    );
}

#[tokio::test]
async fn small_endpoints_answer_like_mastodon() {
    let srv = TestServer::new().await;
    let alice = srv.user("alice").await;
    let bob = srv.user("bob").await;
    let public = srv.status(&bob, "public", "public").await;
    let private = srv.status(&bob, "private", "private").await;
    let r = srv
        .get(
            &format!("/api/v1/statuses?id[]={private}&id[]={public}&id[]=123"),
            Some(&alice),
        )
        .await;
    let ids: Vec<&str> = r
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, vec![public.as_str()], "only what alice may see");
    let r = srv
        .get(
            "/api/v1/timelines/link?url=http%3A%2F%2Fexample.com%2F",
            Some(&alice),
        )
        .await;
    assert_eq!(r.status, 404);
    let r = srv
        .post_json(
            &format!("/api/v1/statuses/{public}/translate"),
            Some(&alice),
            json!({"lang": "de"}),
        )
        .await;
    assert_eq!(
        (r.status.as_u16(), r.body["error"].clone()),
        (503, json!("no translation service configured"))
    );
    let r = srv.delete("/api/v1/profile/avatar", Some(&alice)).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert!(r.body["avatar"].as_str().unwrap().contains("missing"));
    assert!(r.body.get("source").is_some(), "a CredentialAccount");
    assert_eq!(
        srv.delete("/api/v1/profile/header", Some(&alice)).await.status,
        200
    );
    let p = srv.get("/api/v1/preferences", Some(&alice)).await;
    for key in [
        "posting:default:visibility",
        "posting:default:sensitive",
        "posting:default:language",
        "reading:expand:media",
        "reading:expand:spoilers",
        "reading:autoplay:gifs",
    ] {
        assert!(p.body.get(key).is_some(), "{key}");
    }
    // The instance advertises only what answers: the streaming URL is served.
    let i = srv.get("/api/v2/instance", None).await;
    assert!(
        i.body["configuration"]["urls"]["streaming"]
            .as_str()
            .unwrap()
            .starts_with("wss://palisade.test")
    );
    assert_eq!(srv.get("/api/v1/streaming/health", None).await.text, "OK");
}

#[tokio::test]
async fn boosts_answer_with_the_originals_flags() {
    let srv = TestServer::new().await;
    let alice = srv.user("alice").await;
    let bob = srv.user("bob").await;
    let s = srv.status(&bob, "boost me", "public").await;
    let fav = srv
        .post(&format!("/api/v1/statuses/{s}/favourite"), Some(&alice))
        .await;
    assert_eq!(fav.body["favourited"], true);
    let mark = srv
        .post(&format!("/api/v1/statuses/{s}/bookmark"), Some(&alice))
        .await;
    assert_eq!(mark.body["bookmarked"], true);
    let boost = srv
        .post(&format!("/api/v1/statuses/{s}/reblog"), Some(&alice))
        .await;
    for flag in ["reblogged", "favourited", "bookmarked"] {
        assert_eq!(
            boost.body[flag], true,
            "top-level {flag} of the boost: {}",
            boost.text
        );
        assert_eq!(boost.body["reblog"][flag], true, "{flag} of the original");
    }
    let home = srv.get("/api/v1/timelines/home", Some(&alice)).await;
    let entry = &home.body[0];
    assert_eq!(entry["id"], boost.body["id"]);
    for flag in ["reblogged", "favourited", "bookmarked"] {
        assert_eq!(
            (entry[flag].clone(), entry["reblog"][flag].clone()),
            (json!(true), json!(true)),
            "{flag} in home"
        );
    }
    let un = srv
        .post(&format!("/api/v1/statuses/{s}/unreblog"), Some(&alice))
        .await;
    assert_eq!(
        (un.body["reblogged"].clone(), un.body["favourited"].clone()),
        (json!(false), json!(true))
    );
    let unfav = srv
        .post(&format!("/api/v1/statuses/{s}/unfavourite"), Some(&alice))
        .await;
    assert_eq!(unfav.body["favourited"], false);
}
