use palisade_testkit::TestServer;
use serde_json::json;

async fn app_token(srv: &TestServer) -> String {
    let r = srv
        .post_form(
            "/api/v1/apps",
            None,
            &[
                ("client_name", "signup"),
                ("redirect_uris", "urn:ietf:wg:oauth:2.0:oob"),
                ("scopes", "read write follow push"),
            ],
        )
        .await;
    let (id, secret) = (
        r.body["client_id"].as_str().unwrap().to_owned(),
        r.body["client_secret"].as_str().unwrap().to_owned(),
    );
    let r = srv
        .post_form(
            "/oauth/token",
            None,
            &[
                ("grant_type", "client_credentials"),
                ("client_id", &id),
                ("client_secret", &secret),
                ("scope", "read write follow push"),
            ],
        )
        .await;
    r.body["access_token"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn registration_gives_a_token_and_reports_every_error() {
    let srv = TestServer::new().await;
    let app = app_token(&srv).await;
    let r = srv
        .post_form(
            "/api/v1/accounts",
            Some(&app),
            &[
                ("username", "dana"),
                ("email", "dana@example.com"),
                ("password", "long enough pw"),
                ("agreement", "1"),
                ("locale", "en"),
            ],
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let token = r.body["access_token"].as_str().unwrap().to_owned();
    let me = srv.get("/api/v1/accounts/verify_credentials", Some(&token)).await;
    assert_eq!(me.body["username"], "dana");
    assert_eq!(me.body["source"]["privacy"], "public");
    let r = srv
        .post_form(
            "/api/v1/accounts",
            Some(&app),
            &[("username", "dana"), ("email", "x@example.com")],
        )
        .await;
    assert_eq!(r.status, 422);
    let details = &r.body["details"];
    assert_eq!(details["username"][0]["error"], "ERR_TAKEN");
    assert_eq!(details["password"][0]["error"], "ERR_BLANK");
    assert_eq!(details["agreement"][0]["error"], "ERR_ACCEPTED");
    assert!(
        r.body["error"]
            .as_str()
            .unwrap()
            .starts_with("Validation failed: ")
    );
    // Without an app token there is no sign-up.
    let r = srv
        .post_form("/api/v1/accounts", None, &[("username", "eve")])
        .await;
    assert_eq!(r.status, 401);
}

#[tokio::test]
async fn update_credentials_form_fields_and_lookup() {
    let srv = TestServer::new().await;
    let alice = srv.user("alice").await;
    let r = srv
        .patch_form(
            "/api/v1/accounts/update_credentials",
            Some(&alice),
            &[
                ("display_name", "Alice <3"),
                ("note", "I write #rust at https://example.com"),
                ("locked", "true"),
                ("fields_attributes[0][name]", "Site"),
                ("fields_attributes[0][value]", "https://alice.example"),
                ("fields_attributes[1][name]", "Pronouns"),
                ("fields_attributes[1][value]", "she/her"),
                ("source[privacy]", "unlisted"),
            ],
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["display_name"], "Alice <3");
    assert_eq!(r.body["locked"], true);
    assert!(
        r.body["note"]
            .as_str()
            .unwrap()
            .contains("class=\"mention hashtag\"")
    );
    assert_eq!(r.body["source"]["note"], "I write #rust at https://example.com");
    assert_eq!(r.body["fields"][1]["value"], "she/her");
    assert!(
        r.body["fields"][0]["value"]
            .as_str()
            .unwrap()
            .starts_with("<a href=\"https://alice.example\"")
    );
    assert_eq!(r.body["source"]["fields"][0]["value"], "https://alice.example");
    assert_eq!(r.body["source"]["privacy"], "unlisted");
    // The default visibility is used when a post does not say.
    let s = srv
        .post_json("/api/v1/statuses", Some(&alice), json!({"status": "default"}))
        .await;
    assert_eq!(s.body["visibility"], "unlisted");
    let r = srv.get("/api/v1/accounts/lookup?acct=ALICE", None).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body["acct"], "alice");
    let r = srv
        .get("/api/v1/accounts/lookup?acct=alice@palisade.test", None)
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(
        srv.get("/api/v1/accounts/lookup?acct=nobody", None).await.status,
        404
    );
    let too_many: Vec<(String, String)> = (0..5)
        .flat_map(|i| {
            [
                (format!("fields_attributes[{i}][name]"), format!("n{i}")),
                (format!("fields_attributes[{i}][value]"), "v".into()),
            ]
        })
        .collect();
    let form: Vec<(&str, &str)> = too_many.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    let r = srv
        .patch_form("/api/v1/accounts/update_credentials", Some(&alice), &form)
        .await;
    assert_eq!(r.status, 422);
}

#[tokio::test]
async fn account_statuses_filters_and_visibility() {
    let srv = TestServer::new().await;
    let alice = srv.user("alice").await;
    let bob = srv.user("bob").await;
    let alice_id = srv.account_id(&alice).await;
    let first = srv.status(&alice, "public one", "public").await;
    srv.status(&alice, "followers only", "private").await;
    srv.status(&alice, "secret to @bob", "direct").await;
    srv.post_json(
        "/api/v1/statuses",
        Some(&alice),
        json!({"status": "self reply", "in_reply_to_id": first}),
    )
    .await;
    srv.post(&format!("/api/v1/statuses/{first}/reblog"), Some(&alice))
        .await;
    let texts = |r: &palisade_testkit::Resp| r.body.as_array().unwrap().len();
    // Anonymous: public, the self reply, the boost.
    let r = srv
        .get(&format!("/api/v1/accounts/{alice_id}/statuses"), None)
        .await;
    assert_eq!(texts(&r), 3, "{}", r.text);
    // Bob does not follow: the same. The direct post mentions him but is not listed.
    let r = srv
        .get(&format!("/api/v1/accounts/{alice_id}/statuses"), Some(&bob))
        .await;
    assert_eq!(texts(&r), 3);
    // The author sees everything.
    let r = srv
        .get(&format!("/api/v1/accounts/{alice_id}/statuses"), Some(&alice))
        .await;
    assert_eq!(texts(&r), 5);
    let r = srv
        .get(
            &format!("/api/v1/accounts/{alice_id}/statuses?exclude_reblogs=true&exclude_replies=1"),
            Some(&alice),
        )
        .await;
    assert_eq!(texts(&r), 4, "self replies stay, boosts go");
    srv.post(&format!("/api/v1/statuses/{first}/pin"), Some(&alice))
        .await;
    let r = srv
        .get(&format!("/api/v1/accounts/{alice_id}/statuses?pinned=true"), None)
        .await;
    assert_eq!(texts(&r), 1);
    let r = srv
        .get(
            &format!("/api/v1/accounts/{alice_id}/statuses?limit=2"),
            Some(&alice),
        )
        .await;
    assert_eq!(texts(&r), 2);
    let link = r.header("link").unwrap();
    assert!(link.contains("rel=\"next\"") && link.contains("max_id="));
    assert_eq!(srv.get("/api/v1/accounts/99999/statuses", None).await.status, 404);
}

#[tokio::test]
async fn search_finds_local_accounts_and_tags() {
    let srv = TestServer::new().await;
    let alice = srv.user("alice").await;
    srv.user("alicia").await;
    srv.status(&alice, "about #Gardening", "public").await;
    let r = srv.get("/api/v1/accounts/search?q=ali", Some(&alice)).await;
    assert_eq!(r.body.as_array().unwrap().len(), 2);
    let r = srv.get("/api/v2/search?q=garden", Some(&alice)).await;
    assert_eq!(r.body["hashtags"][0]["name"], "Gardening");
    let r = srv
        .get("/api/v2/search?q=%40alicia&type=accounts", Some(&alice))
        .await;
    assert_eq!(r.body["accounts"][0]["username"], "alicia");
    assert_eq!(r.body["statuses"], json!([]));
}
