//! Reports: `POST /api/v1/reports` (shape, validation, forwarding), the admin reports API,
//! and two instances where a forwarded report arrives as a Flag from the instance actor.

use palisade_core::events::Event;
use palisade_federation::outbound::DeliveryJob;
use palisade_store::accounts;
use palisade_store::jobs;
const OUTBOUND_QUEUE: &str = palisade_core::jobs::Queue::Outbound.name();
const DELIVER_QUEUE: &str = palisade_core::jobs::Queue::Deliver.name();
use palisade_testkit::{BASE_URL, DOMAIN, TestServer};
use serde_json::{Value, json};

fn keys(v: &Value) -> Vec<String> {
    let mut k: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
    k.sort();
    k
}

#[tokio::test]
async fn a_member_reports_a_local_account() {
    let mut settings = palisade_core::Settings::for_tests(DOMAIN, BASE_URL);
    settings.instance.rules = vec!["Be kind".into(), "No spam".into()];
    let srv = TestServer::with_settings(settings).await;
    let alice = srv.user("alice").await;
    let bob = srv.user("bob").await;
    let bob_id = srv.account_id(&bob).await;
    let post = srv.status(&bob, "buy my stuff", "public").await;

    let r = srv
        .post_json(
            "/api/v1/reports",
            Some(&alice),
            json!({"account_id": bob_id, "status_ids": [post], "comment": "spam", "category": "spam", "forward": true}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        keys(&r.body),
        [
            "action_taken",
            "action_taken_at",
            "category",
            "comment",
            "created_at",
            "forwarded",
            "id",
            "rule_ids",
            "status_ids",
            "target_account"
        ]
    );
    assert!(r.body["id"].is_string());
    assert_eq!(r.body["action_taken"], false);
    assert_eq!(r.body["action_taken_at"], Value::Null);
    assert_eq!(r.body["category"], "spam");
    assert_eq!(r.body["comment"], "spam");
    // A local account: nothing to forward.
    assert_eq!(r.body["forwarded"], false);
    assert_eq!(r.body["status_ids"], json!([post]));
    assert_eq!(r.body["rule_ids"], Value::Null);
    assert_eq!(r.body["target_account"]["id"], bob_id.as_str());
    assert!(r.body["created_at"].as_str().unwrap().ends_with('Z'));

    // A form with brackets, citing rules: the category becomes `violation`.
    let r = srv
        .post_form(
            "/api/v1/reports",
            Some(&alice),
            &[
                ("account_id", &bob_id),
                ("status_ids[]", &post),
                ("rule_ids[]", "2"),
                ("category", "other"),
            ],
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["category"], "violation");
    assert_eq!(r.body["rule_ids"], json!(["2"]));
    assert_eq!(r.body["comment"], "");

    // Without statuses or category.
    let r = srv
        .post_json("/api/v1/reports", Some(&alice), json!({"account_id": bob_id}))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["category"], "other");
    assert_eq!(r.body["status_ids"], json!([]));
}

#[tokio::test]
async fn bad_reports_are_refused_as_mastodon_does() {
    let srv = TestServer::new().await;
    let alice = srv.user("alice").await;
    let bob = srv.user("bob").await;
    let carol = srv.user("carol").await;
    let bob_id = srv.account_id(&bob).await;
    let bobs = srv.status(&bob, "bob's", "public").await;
    let carols = srv.status(&carol, "carol's", "public").await;
    let bobs_private = srv.status(&bob, "followers only", "private").await;
    let report = |body: Value| srv.post_json("/api/v1/reports", Some(&alice), body);

    assert_eq!(report(json!({})).await.status, 404, "no account");
    assert_eq!(report(json!({"account_id": "999999"})).await.status, 404);
    assert_eq!(report(json!({"account_id": "nope"})).await.status, 404);
    let r = report(json!({"account_id": bob_id, "status_ids": [carols]})).await;
    assert_eq!(r.status, 422, "another account's status: {}", r.text);
    assert!(r.body["details"]["status_ids"].is_array(), "{}", r.text);
    let r = report(json!({"account_id": bob_id, "status_ids": [bobs_private]})).await;
    assert_eq!(r.status, 422, "a status alice cannot see: {}", r.text);
    let r = report(json!({"account_id": bob_id, "status_ids": ["x"]})).await;
    assert_eq!(r.status, 422, "{}", r.text);
    let r = report(json!({"account_id": bob_id, "comment": "x".repeat(1001)})).await;
    assert_eq!(r.status, 422);
    assert_eq!(
        r.body["error"],
        "Validation failed: Comment is too long (maximum is 1000 characters)"
    );
    assert_eq!(
        report(json!({"account_id": bob_id, "comment": "é".repeat(1000)}))
            .await
            .status,
        200,
        "1000 characters is fine, whatever their bytes"
    );
    let r = report(json!({"account_id": bob_id, "category": "rude"})).await;
    assert_eq!(r.status, 422, "{}", r.text);
    assert_eq!(
        r.body["error"],
        "Validation failed: Category is not included in the list"
    );
    // No rules on this instance: none can be cited, and `violation` needs one.
    let r = report(json!({"account_id": bob_id, "rule_ids": ["1"]})).await;
    assert_eq!(r.status, 422, "{}", r.text);
    assert!(r.body["details"]["rule_ids"].is_array(), "{}", r.text);
    let r = report(json!({"account_id": bob_id, "category": "violation"})).await;
    assert_eq!(r.status, 422, "{}", r.text);
    // A blank category is the default.
    let r = report(json!({"account_id": bob_id, "category": "", "status_ids": [bobs]})).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["category"], "other");

    // Tokens: none, or without write:reports.
    let r = srv
        .post_json("/api/v1/reports", None, json!({"account_id": bob_id}))
        .await;
    assert_eq!(r.status, 401);
    let reader = srv.user_with_scopes("dave", "read").await;
    let r = srv
        .post_json("/api/v1/reports", Some(&reader), json!({"account_id": bob_id}))
        .await;
    assert_eq!(r.status, 403);
    let narrow = srv.user_with_scopes("erin", "write:reports").await;
    let r = srv
        .post_json("/api/v1/reports", Some(&narrow), json!({"account_id": bob_id}))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
}

#[tokio::test]
async fn moderators_list_show_resolve_and_reopen() {
    let srv = TestServer::new().await;
    let admin = srv.staff("admin", "admin").await;
    let moderator = srv.staff("mod", "moderator").await;
    let alice = srv.user("alice").await;
    let bob = srv.user("bob").await;
    let carol = srv.user("carol").await;
    let (alice_id, bob_id, carol_id) = (
        srv.account_id(&alice).await,
        srv.account_id(&bob).await,
        srv.account_id(&carol).await,
    );
    let private = srv.status(&bob, "followers only", "private").await;
    let mut ids = Vec::new();
    for (token, target) in [(&carol, &bob_id), (&alice, &carol_id), (&alice, &bob_id)] {
        let r = srv
            .post_json(
                "/api/v1/reports",
                Some(token),
                json!({"account_id": target, "comment": "look"}),
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.text);
        ids.push(r.body["id"].as_str().unwrap().to_owned());
    }
    // Bob's own report of himself may cite his private status (he can see it).
    let r = srv
        .post_json(
            "/api/v1/reports",
            Some(&bob),
            json!({"account_id": bob_id, "status_ids": [private]}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let with_status = r.body["id"].as_str().unwrap().to_owned();

    // Members: 403; moderators read.
    assert_eq!(srv.get("/api/v1/admin/reports", Some(&alice)).await.status, 403);
    let r = srv.get("/api/v1/admin/reports", Some(&moderator)).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let list = r.body.as_array().unwrap();
    assert_eq!(list.len(), 4);
    assert_eq!(list[0]["id"], with_status.as_str(), "newest first");
    let first = &list[3];
    assert_eq!(
        keys(first),
        [
            "account",
            "action_taken",
            "action_taken_at",
            "action_taken_by_account",
            "assigned_account",
            "category",
            "comment",
            "created_at",
            "forwarded",
            "id",
            "rules",
            "statuses",
            "target_account",
            "updated_at"
        ]
    );
    assert_eq!(first["account"]["id"], carol_id.as_str());
    assert_eq!(first["account"]["username"], "carol");
    assert_eq!(first["account"]["domain"], Value::Null);
    assert_eq!(first["account"]["email"], "carol@example.com");
    assert_eq!(first["account"]["account"]["acct"], "carol");
    assert_eq!(first["target_account"]["id"], bob_id.as_str());
    assert_eq!(first["assigned_account"], Value::Null);
    assert_eq!(first["action_taken_by_account"], Value::Null);
    // The moderator sees the private status that was reported.
    assert_eq!(list[0]["statuses"][0]["id"], private.as_str());

    // Filters and pagination.
    let r = srv
        .get(
            &format!("/api/v1/admin/reports?account_id={alice_id}"),
            Some(&admin),
        )
        .await;
    assert_eq!(r.body.as_array().unwrap().len(), 2, "{}", r.text);
    let r = srv
        .get(
            &format!("/api/v1/admin/reports?target_account_id={bob_id}&account_id={alice_id}"),
            Some(&admin),
        )
        .await;
    assert_eq!(r.body[0]["id"], ids[2].as_str(), "{}", r.text);
    assert_eq!(r.body.as_array().unwrap().len(), 1);
    let r = srv.get("/api/v1/admin/reports?limit=2", Some(&admin)).await;
    assert_eq!(r.body.as_array().unwrap().len(), 2);
    let link = r.header("link").unwrap().to_owned();
    assert!(link.contains("rel=\"next\""), "{link}");
    let next = link
        .split(['<', '>'])
        .nth(1)
        .unwrap()
        .trim_start_matches(BASE_URL)
        .to_owned();
    let r = srv.get(&next, Some(&admin)).await;
    assert_eq!(r.body[0]["id"], ids[1].as_str(), "{}", r.text);

    // Show, resolve, reopen.
    let path = format!("/api/v1/admin/reports/{}", ids[0]);
    assert_eq!(srv.get(&path, Some(&moderator)).await.body["comment"], "look");
    assert_eq!(
        srv.get("/api/v1/admin/reports/123", Some(&admin)).await.status,
        404
    );
    assert_eq!(
        srv.post(&format!("{path}/resolve"), Some(&alice)).await.status,
        403
    );
    let r = srv.post(&format!("{path}/resolve"), Some(&moderator)).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["action_taken"], true);
    assert!(r.body["action_taken_at"].is_string());
    assert_eq!(r.body["action_taken_by_account"]["username"], "mod");
    assert_eq!(r.body["action_taken_by_account"]["role"]["name"], "Moderator");
    let open = srv.get("/api/v1/admin/reports", Some(&admin)).await;
    assert_eq!(
        open.body.as_array().unwrap().len(),
        3,
        "resolved ones leave the list"
    );
    let resolved = srv.get("/api/v1/admin/reports?resolved=true", Some(&admin)).await;
    assert_eq!(resolved.body[0]["id"], ids[0].as_str());
    assert_eq!(resolved.body.as_array().unwrap().len(), 1);
    let r = srv.post(&format!("{path}/reopen"), Some(&admin)).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["action_taken"], false);
    assert_eq!(r.body["action_taken_by_account"], Value::Null);

    // Both are in the audit log, with who did them.
    let log = srv.get("/api/v1/admin/audit_log", Some(&admin)).await;
    let actions: Vec<(String, String)> = log
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["action"].as_str().unwrap().to_owned(),
                a["target"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        actions[..2],
        [
            ("reopen_report".to_owned(), ids[0].clone()),
            ("resolve_report".to_owned(), ids[0].clone())
        ]
    );
    assert!(log.body[1]["after"]["action_taken_at"].is_i64(), "{}", log.text);
}

async fn remote_status(
    srv: &TestServer,
    author: &accounts::Account,
    n: u32,
    parent: Option<&palisade_store::statuses::Status>,
) -> palisade_store::statuses::Status {
    let note = palisade_core::remote::RemoteStatus {
        in_reply_to: parent.cloned(),
        in_reply_to_uri: parent.map(|p| p.uri.clone()),
        ..palisade_testkit::remote_note(author, n)
    };
    srv.core.receive_status(note).await.unwrap()
}

/// Plans the queued events and returns the deliveries that came of them.
async fn planned_deliveries(srv: &TestServer) -> Vec<DeliveryJob> {
    let db = &srv.db;
    for job in jobs::claim(db, OUTBOUND_QUEUE, "test", 100, 60_000, None)
        .await
        .unwrap()
    {
        let event: Event = serde_json::from_str(&job.payload).unwrap();
        srv.fed.plan_event(&event).await.unwrap();
        jobs::complete(db, &[job.id]).await.unwrap();
    }
    jobs::claim(db, DELIVER_QUEUE, "test", 100, 60_000, None)
        .await
        .unwrap()
        .iter()
        .map(|j| serde_json::from_str(&j.payload).unwrap())
        .collect()
}

#[tokio::test]
async fn forwarding_follows_mastodons_rule_and_the_policy() {
    let srv = TestServer::new().await;
    let admin = srv.staff("admin", "admin").await;
    let alice = srv.user("alice").await;
    let bob = srv.remote_account("bob", "b.example").await;
    let carol = srv.remote_account("carol", "c.example").await;
    let dave = srv.remote_account("dave", "d.example").await;
    let erin = srv.remote_account("erin", "e.example").await;
    let mut replies = Vec::new();
    for (n, parent_author) in [(1, &carol), (2, &dave), (3, &erin)] {
        let parent = remote_status(&srv, parent_author, n, None).await;
        replies.push(remote_status(&srv, &bob, 10 + n, Some(&parent)).await);
    }
    let r = srv
        .post_form(
            "/api/v1/admin/domain_blocks",
            Some(&admin),
            &[("domain", "d.example"), ("severity", "suspend")],
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);

    // Not asked to forward: nothing goes out.
    let body = json!({
        "account_id": bob.id.to_string(),
        "status_ids": replies.iter().map(|s| s.id.to_string()).collect::<Vec<_>>(),
        "comment": "harassment",
    });
    let r = srv.post_json("/api/v1/reports", Some(&alice), body.clone()).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["forwarded"], false);
    assert!(planned_deliveries(&srv).await.is_empty());

    // Forwarded: to bob's server and to carol's (listed, replied to); not to dave's
    // (suspended), erin's (not listed) or x.example (nobody there was replied to).
    let mut forward = body.clone();
    forward["forward"] = json!(true);
    forward["forward_to_domains"] = json!(["b.example", "C.example", "d.example", "x.example"]);
    let r = srv.post_json("/api/v1/reports", Some(&alice), forward).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["forwarded"], true);
    let mut deliveries = planned_deliveries(&srv).await;
    deliveries.sort_by(|a, b| a.inbox.cmp(&b.inbox));
    let inboxes: Vec<&str> = deliveries.iter().map(|d| d.inbox.as_str()).collect();
    assert_eq!(inboxes, ["https://b.example/inbox", "https://c.example/inbox"]);
    let flag: Value = serde_json::from_str(&deliveries[0].body).unwrap();
    assert_eq!(deliveries[0].signer_id, srv.fed.instance_actor.id);
    assert_eq!(flag["type"], "Flag");
    assert_eq!(flag["actor"], format!("{BASE_URL}/actor"));
    assert_eq!(flag["content"], "harassment");
    assert!(flag["id"].as_str().unwrap().starts_with(BASE_URL));
    let mut object = vec![bob.uri.clone()];
    object.extend(replies.iter().map(|s| s.uri.clone()));
    assert_eq!(flag["object"], json!(object));
    assert!(
        !deliveries[0].body.contains("alice"),
        "the reporter stays anonymous"
    );

    // Only other domains listed: the origin is left out, as in Mastodon.
    let mut elsewhere = body;
    elsewhere["forward"] = json!("true");
    elsewhere["forward_to_domains"] = json!(["c.example"]);
    let r = srv.post_json("/api/v1/reports", Some(&alice), elsewhere).await;
    assert_eq!(r.body["forwarded"], false, "{}", r.text);
    let deliveries = planned_deliveries(&srv).await;
    assert_eq!(deliveries.len(), 1);
    assert_eq!(deliveries[0].inbox, "https://c.example/inbox");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_forwarded_report_reaches_the_other_admin_unless_rejected() {
    let a = TestServer::spawn(30).await;
    let b = TestServer::spawn(31).await;
    let alice = a.user("alice").await;
    let bob = b.user("bob").await;
    let b_admin = b.staff("admin", "admin").await;
    let bob_id = b.account_id(&bob).await;

    // Alice follows bob and gets his post.
    let bob_at_a = a.resolve(&alice, &b.handle("bob")).await;
    a.post(&format!("/api/v1/accounts/{bob_at_a}/follow"), Some(&alice))
        .await;
    a.eventually("alice follows bob", || async {
        a.relationship(&alice, &bob_at_a).await["following"] == true
    })
    .await;
    let post = b.status(&bob, "something awful", "public").await;
    a.eventually("bob's post arrives", || async {
        a.get("/api/v1/timelines/home", Some(&alice)).await.body[0]["id"].is_string()
    })
    .await;
    let post_at_a = a.get("/api/v1/timelines/home", Some(&alice)).await.body[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();

    let r = a
        .post_json(
            "/api/v1/reports",
            Some(&alice),
            json!({"account_id": bob_at_a, "status_ids": [post_at_a], "comment": "awful", "forward": true}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["forwarded"], true);

    // B's admin sees it, made by A's instance actor, about bob and his post.
    b.eventually("the Flag arrives", || async {
        b.get("/api/v1/admin/reports", Some(&b_admin))
            .await
            .body
            .as_array()
            .is_some_and(|l| l.len() == 1)
    })
    .await;
    let report = &b.get("/api/v1/admin/reports", Some(&b_admin)).await.body[0];
    assert_eq!(report["account"]["account"]["uri"], format!("{}/actor", a.url));
    assert_eq!(report["account"]["domain"], a.core.settings.domain.as_str());
    assert_eq!(report["target_account"]["id"], bob_id.as_str());
    assert_eq!(report["comment"], "awful");
    assert_eq!(report["statuses"][0]["id"], post.as_str());
    assert!(
        !report.to_string().contains("alice"),
        "the reporter stays anonymous"
    );

    // B rejects A's reports: the next one is accepted and dropped.
    let r = b
        .post_form(
            "/api/v1/admin/domain_blocks",
            Some(&b_admin),
            &[
                ("domain", a.core.settings.domain.as_str()),
                ("severity", "noop"),
                ("reject_reports", "true"),
            ],
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let r = a
        .post_json(
            "/api/v1/reports",
            Some(&alice),
            json!({"account_id": bob_at_a, "comment": "again", "forward": true}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    a.eventually("A delivers the second Flag", || async {
        let db = &a.db;
        jobs::depth(db, OUTBOUND_QUEUE).await.unwrap() == 0
            && jobs::depth(db, DELIVER_QUEUE).await.unwrap() == 0
    })
    .await;
    b.eventually("B has processed its inbox", || async {
        jobs::depth(&b.db, palisade_core::jobs::Queue::Inbound.name())
            .await
            .unwrap()
            == 0
    })
    .await;
    // Delivered (not given up on): B took it and dropped it.
    let dead = format!("dead:{DELIVER_QUEUE}");
    assert_eq!(jobs::depth(&a.db, &dead).await.unwrap(), 0);
    let list = b.get("/api/v1/admin/reports", Some(&b_admin)).await;
    assert_eq!(list.body.as_array().unwrap().len(), 1, "{}", list.text);
}
