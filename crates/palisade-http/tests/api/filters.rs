//! Filters v2 and v1, applied to timelines and notifications.

use palisade_testkit::TestServer;
use serde_json::{Value, json};

fn ids(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .map(|s| s["id"].as_str().unwrap_or("").to_owned())
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn filters_hide_and_warn_where_they_apply() {
    let srv = TestServer::new().await;
    let alice = srv.user("alice").await;
    let bob = srv.user("bob").await;
    let bob_id = srv.account_id(&bob).await;
    srv.post(&format!("/api/v1/accounts/{bob_id}/follow"), Some(&alice))
        .await;
    // Invalid filters are refused precisely.
    for (body, field) in [
        (json!({"context": ["home"]}), "title"),
        (json!({"title": "x", "context": []}), "context"),
        (json!({"title": "x", "context": ["nowhere"]}), "context"),
        (
            json!({"title": "x", "context": ["home"], "filter_action": "explode"}),
            "filter_action",
        ),
    ] {
        let r = srv.post_json("/api/v2/filters", Some(&alice), body).await;
        assert_eq!(r.status, 422, "{}", r.text);
        assert!(r.body["details"].get(field).is_some(), "{field}: {}", r.text);
    }
    let hide = srv
        .post_json(
            "/api/v2/filters",
            Some(&alice),
            json!({"title": "anime", "context": ["home", "notifications"], "filter_action": "hide",
                   "keywords_attributes": [{"keyword": "anime", "whole_word": false}]}),
        )
        .await;
    assert_eq!(hide.status, 200, "{}", hide.text);
    assert_eq!(hide.body["keywords"][0]["keyword"], "anime");
    // v1 sees the keyword as a filter of its own; creating one makes a v2 filter.
    let v1 = srv
        .post_form(
            "/api/v1/filters",
            Some(&alice),
            &[
                ("phrase", "girugamesh"),
                ("context[]", "home"),
                ("whole_word", "true"),
                ("irreversible", "false"),
            ],
        )
        .await;
    assert_eq!(v1.status, 200, "{}", v1.text);
    assert_eq!(
        (v1.body["phrase"].clone(), v1.body["irreversible"].clone()),
        (json!("girugamesh"), json!(false))
    );
    let listed = srv.get("/api/v1/filters", Some(&alice)).await;
    assert_eq!(listed.body.as_array().unwrap().len(), 2);
    assert_eq!(
        srv.get("/api/v2/filters", Some(&alice))
            .await
            .body
            .as_array()
            .unwrap()
            .len(),
        2
    );

    let s1 = srv.status(&bob, "I love animes", "public").await;
    let s2 = srv.status(&bob, "Girugamesh!", "public").await;
    let s3 = srv.status(&bob, "Girugameshnetworking!", "public").await;
    let home = srv.get("/api/v1/timelines/home", Some(&alice)).await;
    let shown = ids(&home.body);
    assert!(!shown.contains(&s1), "hidden by `hide`");
    assert!(shown.contains(&s2) && shown.contains(&s3));
    let warned = home
        .body
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == s2)
        .unwrap();
    assert_eq!(warned["filtered"][0]["filter"]["title"], "girugamesh");
    assert_eq!(warned["filtered"][0]["keyword_matches"], json!(["girugamesh"]));
    let other = home
        .body
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == s3)
        .unwrap();
    assert_eq!(other["filtered"], json!([]), "a whole word only");
    // Other contexts: the public timeline shows all three; a status by id too.
    let public = ids(&srv.get("/api/v1/timelines/public", Some(&alice)).await.body);
    assert!(public.contains(&s1));
    let one = srv.get(&format!("/api/v1/statuses/{s1}"), Some(&alice)).await;
    assert_eq!(one.status, 200);
    // Notifications: a hidden mention is not listed.
    srv.status(&bob, "@alice anime night?", "public").await;
    let kept = srv.status(&bob, "@alice dinner?", "public").await;
    let notes = srv.get("/api/v1/notifications", Some(&alice)).await;
    let about: Vec<&str> = notes
        .body
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|n| n["status"]["id"].as_str())
        .collect();
    assert_eq!(about, vec![kept.as_str()]);
    // A status filter matches one status; expired filters stop.
    let f = hide.body["id"].as_str().unwrap();
    let r = srv
        .post_json(
            &format!("/api/v2/filters/{f}/statuses"),
            Some(&alice),
            json!({"status_id": s3}),
        )
        .await;
    assert_eq!(r.body["status_id"], s3);
    assert!(!ids(&srv.get("/api/v1/timelines/home", Some(&alice)).await.body).contains(&s3));
    let r = srv
        .put_json(
            &format!("/api/v2/filters/{f}"),
            Some(&alice),
            json!({"expires_in": 1}),
        )
        .await;
    assert!(r.body["expires_at"].is_string());
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let shown = ids(&srv.get("/api/v1/timelines/home", Some(&alice)).await.body);
    assert!(
        shown.contains(&s1) && shown.contains(&s3),
        "an expired filter no longer hides"
    );
}

#[tokio::test]
async fn filter_keywords_and_statuses_are_managed_one_by_one() {
    let srv = TestServer::new().await;
    let alice = srv.user("alice").await;
    let bob = srv.user("bob").await;
    let f = srv
        .post_json(
            "/api/v2/filters",
            Some(&alice),
            json!({"title": "Test", "context": ["home", "public"], "filter_action": "warn",
                   "keywords_attributes": [{"keyword": "spam", "whole_word": true}, {"keyword": "eggs", "whole_word": false}]}),
        )
        .await;
    let id = f.body["id"].as_str().unwrap().to_owned();
    assert_eq!(f.body["keywords"].as_array().unwrap().len(), 2);
    let k = srv
        .post_json(
            &format!("/api/v2/filters/{id}/keywords"),
            Some(&alice),
            json!({"keyword": "foo"}),
        )
        .await;
    let kid = k.body["id"].as_str().unwrap().to_owned();
    assert_eq!(k.body["whole_word"], true);
    let k = srv
        .put_json(
            &format!("/api/v2/filters/keywords/{kid}"),
            Some(&alice),
            json!({"whole_word": false}),
        )
        .await;
    assert_eq!(k.body["whole_word"], false);
    // keywords_attributes: change one, destroy another, in one update.
    let first = f.body["keywords"][0]["id"].as_str().unwrap();
    let second = f.body["keywords"][1]["id"].as_str().unwrap();
    let r = srv
        .put_json(
            &format!("/api/v2/filters/{id}"),
            Some(&alice),
            json!({"title": "Renamed", "filter_action": "blur", "keywords_attributes": [
                {"id": first, "keyword": "ham"}, {"id": second, "_destroy": true}]}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let words: Vec<&str> = r.body["keywords"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["keyword"].as_str().unwrap())
        .collect();
    assert_eq!(words, vec!["ham", "foo"]);
    assert_eq!(r.body["filter_action"], "blur");
    // Someone else's keyword or filter is not found.
    assert_eq!(
        srv.get(&format!("/api/v2/filters/keywords/{kid}"), Some(&bob))
            .await
            .status,
        404
    );
    assert_eq!(
        srv.delete(&format!("/api/v2/filters/{id}"), Some(&bob))
            .await
            .status,
        404
    );
    // Statuses: added once, listed, removed.
    let s = srv.status(&bob, "this one", "public").await;
    let fs = srv
        .post_json(
            &format!("/api/v2/filters/{id}/statuses"),
            Some(&alice),
            json!({"status_id": s}),
        )
        .await;
    let again = srv
        .post_json(
            &format!("/api/v2/filters/{id}/statuses"),
            Some(&alice),
            json!({"status_id": s}),
        )
        .await;
    assert_eq!(again.status, 422);
    let fsid = fs.body["id"].as_str().unwrap();
    assert_eq!(
        srv.get(&format!("/api/v2/filters/statuses/{fsid}"), Some(&alice))
            .await
            .body["status_id"],
        s
    );
    assert_eq!(
        srv.delete(&format!("/api/v2/filters/statuses/{fsid}"), Some(&alice))
            .await
            .status,
        200
    );
    assert_eq!(
        srv.get(&format!("/api/v2/filters/{id}/statuses"), Some(&alice))
            .await
            .body,
        json!([])
    );
    // v1: a filter of one keyword is updated and deleted through its keyword's id.
    let r = srv
        .put_json(
            &format!("/api/v1/filters/{kid}"),
            Some(&alice),
            json!({"phrase": "bar"}),
        )
        .await;
    assert_eq!(r.status, 422, "two keywords left: {}", r.text);
    let v1 = srv
        .post_json(
            "/api/v1/filters",
            Some(&alice),
            json!({"phrase": "anime", "context": ["notifications"]}),
        )
        .await;
    let v1id = v1.body["id"].as_str().unwrap();
    let r = srv
        .put_json(
            &format!("/api/v1/filters/{v1id}"),
            Some(&alice),
            json!({"phrase": "japanimation"}),
        )
        .await;
    assert_eq!(r.body["phrase"], "japanimation");
    assert_eq!(
        srv.delete(&format!("/api/v1/filters/{v1id}"), Some(&alice))
            .await
            .status,
        200
    );
    assert_eq!(
        srv.get("/api/v2/filters", Some(&alice))
            .await
            .body
            .as_array()
            .unwrap()
            .len(),
        1
    );
}
