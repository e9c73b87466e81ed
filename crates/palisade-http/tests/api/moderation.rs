//! Instance domain blocks beyond the main story in federation.rs: partial updates, expiry,
//! and a suspension whose grace period has ended.

use palisade_testkit::TestServer;
use serde_json::json;

#[tokio::test]
async fn updating_a_block_keeps_what_is_not_given() {
    let srv = TestServer::new().await;
    let admin = srv.staff("admin", "admin").await;
    let r = srv
        .post_json(
            "/api/v1/admin/domain_blocks",
            Some(&admin),
            json!({"domain": "Threads.Test", "reject_media": true, "public_comment": "ads",
                   "private_comment": "see ticket 12"}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["domain"], "threads.test");
    assert_eq!(r.body["severity"], "silence", "Mastodon's default severity");
    let path = format!("/api/v1/admin/domain_blocks/{}", r.body["id"].as_str().unwrap());

    let r = srv
        .put_json(
            &path,
            Some(&admin),
            json!({"severity": "suspend", "expires_in": 3600}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["severity"], "suspend");
    assert_eq!(r.body["reject_media"], true);
    assert_eq!(r.body["public_comment"], "ads");
    assert_eq!(r.body["private_comment"], "see ticket 12");
    assert!(r.body["expires_at"].is_string(), "{}", r.text);

    // An empty comment clears it; expires_in 0 removes the expiry.
    let r = srv
        .put_json(
            &path,
            Some(&admin),
            json!({"public_comment": "", "expires_in": 0}),
        )
        .await;
    assert_eq!(r.body["public_comment"], serde_json::Value::Null, "{}", r.text);
    assert_eq!(r.body["expires_at"], serde_json::Value::Null);
    assert_eq!(r.body["severity"], "suspend");

    let bad = srv
        .put_json(&path, Some(&admin), json!({"severity": "obliterate"}))
        .await;
    assert_eq!(bad.status, 422, "{}", bad.text);
    assert_eq!(srv.get(&path, Some(&admin)).await.body["severity"], "suspend");
}

#[tokio::test]
async fn an_expired_block_no_longer_applies() {
    let srv = TestServer::new().await;
    let admin = srv.staff("admin", "admin").await;
    let r = srv
        .post_form(
            "/api/v1/admin/domain_blocks",
            Some(&admin),
            &[
                ("domain", "brief.test"),
                ("severity", "suspend"),
                ("expires_in", "1"),
            ],
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let policies = srv.core.policies().await.unwrap();
    assert!(policies.block_for("brief.test").is_some());
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    // A later moment's view of the same policies: the block has lapsed.
    let mut later = (*policies).clone();
    later.now = palisade_store::now_ms();
    assert!(later.block_for("brief.test").is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_suspension_past_its_grace_period_is_purged_and_lifting_restores_nothing() {
    let a = TestServer::spawn_with(10, |s| s.moderation.suspension_grace_days = 0).await;
    let b = TestServer::spawn(11).await;
    let admin = a.staff("admin", "admin").await;
    let alice = a.user("alice").await;
    let bob = b.user("bob").await;
    let b_domain = b.core.settings.domain.clone();
    let bob_at_a = a.resolve(&alice, &b.handle("bob")).await;
    a.post(&format!("/api/v1/accounts/{bob_at_a}/follow"), Some(&alice))
        .await;
    a.eventually("alice follows bob", || async {
        a.relationship(&alice, &bob_at_a).await["following"] == true
    })
    .await;
    b.status(&bob, "soon purged", "public").await;
    a.eventually("bob's post arrives", || async {
        a.get("/api/v1/timelines/home", Some(&alice))
            .await
            .text
            .contains("soon purged")
    })
    .await;

    let r = a
        .post_form(
            "/api/v1/admin/domain_blocks",
            Some(&admin),
            &[("domain", &b_domain), ("severity", "suspend")],
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let block_id = r.body["id"].as_str().unwrap().to_owned();
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    // The worker purges every ten minutes; here, at once.
    assert_eq!(a.core.purge_expired_suspensions().await.unwrap(), 1);
    let impact = a
        .get(
            &format!("/api/v1/admin/domain_blocks/preview?domain={b_domain}&severity=suspend"),
            Some(&admin),
        )
        .await;
    assert_eq!(impact.body["impact"]["accounts"], 0, "{}", impact.text);
    assert_eq!(impact.body["impact"]["statuses"], 0);

    a.delete(&format!("/api/v1/admin/domain_blocks/{block_id}"), Some(&admin))
        .await;
    // Nothing comes back: the account is gone, the follow with it.
    let me = a.get("/api/v1/accounts/verify_credentials", Some(&alice)).await;
    assert_eq!(me.body["following_count"], 0, "{}", me.text);
    assert!(
        !a.get("/api/v1/timelines/home", Some(&alice))
            .await
            .text
            .contains("soon purged")
    );
    // The member's notice stays, marked as purged.
    let n = a
        .get(
            "/api/v1/notifications?types[]=severed_relationships",
            Some(&alice),
        )
        .await;
    assert_eq!(n.body[0]["event"]["purged"], true, "{}", n.text);
}

#[tokio::test]
async fn importing_a_block_list_only_tightens_and_a_dry_run_writes_nothing() {
    let srv = TestServer::new().await;
    let admin = srv.staff("admin", "admin").await;
    srv.post_json(
        "/api/v1/admin/domain_blocks",
        Some(&admin),
        json!({"domain": "threads.test", "severity": "suspend", "reject_media": true,
               "public_comment": "ours"}),
    )
    .await;
    let csv = "#domain,#severity,#reject_media,#reject_reports,#public_comment,#obfuscate\n\
               threads.test,silence,false,true,theirs,false\n\
               sub.threads.test,silence,false,false,,false\n\
               spam.test,suspend,false,false,\"spam, lots\",true\n\
               not a domain,suspend,false,false,,false\n";
    let dry = srv
        .post_json(
            "/api/v1/admin/domain_blocks/import",
            Some(&admin),
            json!({"data": csv, "dry_run": true}),
        )
        .await;
    assert_eq!(dry.status, 200, "{}", dry.text);
    let changes: Vec<(&str, &str)> = dry.body["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| (l["domain"].as_str().unwrap(), l["change"].as_str().unwrap()))
        .collect();
    assert_eq!(
        changes,
        [
            ("threads.test", "update"),
            ("sub.threads.test", "skip"),
            ("spam.test", "create"),
            ("not a domain", "invalid")
        ],
        "{}",
        dry.text
    );
    let listed = srv.get("/api/v1/admin/domain_blocks", Some(&admin)).await;
    assert_eq!(
        listed.body.as_array().unwrap().len(),
        1,
        "a dry run writes nothing"
    );

    srv.post_json(
        "/api/v1/admin/domain_blocks/import",
        Some(&admin),
        json!({"data": csv}),
    )
    .await;
    let listed = srv.get("/api/v1/admin/domain_blocks", Some(&admin)).await;
    let threads = listed
        .body
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["domain"] == "threads.test")
        .unwrap()
        .clone();
    assert_eq!(threads["severity"], "suspend", "never loosened");
    assert_eq!(threads["reject_media"], true);
    assert_eq!(threads["reject_reports"], true, "tightened");
    assert_eq!(threads["public_comment"], "ours");
    assert_eq!(listed.body.as_array().unwrap().len(), 2);
}

/// An import's preview says what each line reaches here and what its suspensions reach
/// together, each relationship and each member counted once (a subdomain listed beside its
/// parent, a member tied to two of the domains); the API, the web page and the single
/// domain preview agree.
#[tokio::test]
async fn an_import_preview_counts_what_its_suspensions_reach_here_together() {
    let srv = TestServer::new().await;
    let admin = srv.staff("admin", "admin").await;
    let mut ids = Vec::new();
    for name in ["alice", "bob"] {
        let token = srv.user(name).await;
        let me = srv.get("/api/v1/accounts/verify_credentials", Some(&token)).await;
        ids.push(me.body["id"].as_str().unwrap().parse::<i64>().unwrap());
    }
    let (alice, bob) = (ids[0], ids[1]);
    let tom = srv.remote_account("tom", "big.test").await.id;
    let tia = srv.remote_account("tia", "sub.big.test").await.id;
    let ann = srv.remote_account("ann", "other.test").await.id;
    let zed = srv.remote_account("zed", "limited.test").await.id;
    for (follower, target) in [(alice, tom), (tom, alice), (bob, tia), (alice, ann), (bob, zed)] {
        srv.follow_directly(follower, target, true).await;
    }
    let csv = "#domain,#severity,#reject_media,#reject_reports,#public_comment,#obfuscate\n\
               big.test,suspend,false,false,,false\n\
               sub.big.test,suspend,false,false,,false\n\
               other.test,suspend,false,false,,false\n\
               limited.test,silence,false,false,,false\n\
               never-met.test,suspend,false,false,,false\n";
    let dry = srv
        .post_json(
            "/api/v1/admin/domain_blocks/import",
            Some(&admin),
            json!({"data": csv, "dry_run": true}),
        )
        .await;
    assert_eq!(dry.status, 200, "{}", dry.text);
    let reach: Vec<(&str, Option<i64>, Option<i64>)> = dry.body["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["domain"].as_str().unwrap(),
                l["impact"]["accounts"].as_i64(),
                l["impact"]["relationships"].as_i64(),
            )
        })
        .collect();
    assert_eq!(
        reach,
        [
            ("big.test", Some(2), Some(3)),
            ("sub.big.test", Some(1), Some(1)),
            ("other.test", Some(1), Some(1)),
            ("limited.test", Some(1), Some(1)),
            ("never-met.test", None, None),
        ],
        "{}",
        dry.text
    );
    // Together: tom, tia and ann; four relationships; alice and bob, once each.
    let total = &dry.body["suspensions"];
    assert_eq!(
        (
            &total["accounts"],
            &total["relationships"],
            &total["members_affected"]
        ),
        (&json!(3), &json!(4), &json!(2)),
        "{}",
        dry.text
    );
    let single = srv
        .get(
            "/api/v1/admin/domain_blocks/preview?domain=big.test&severity=suspend",
            Some(&admin),
        )
        .await;
    assert_eq!(
        single.body["impact"], dry.body["lines"][0]["impact"],
        "{}",
        single.text
    );

    let mut web = crate::web_browser::Browser::new(&srv);
    web.sign_in("admin").await;
    web.get("/admin/domain_blocks").await;
    let page = web
        .post("/admin/domain_blocks/import", &[("data", csv)], true)
        .await;
    assert_eq!(page.status, 200, "{}", page.text);
    assert!(
        page.text
            .contains("Its suspensions end 4 relationships of 2 members")
            && page
                .text
                .contains("ends 3 relationships of 2 members; hides 2 accounts")
            && page.text.contains("limits 1 accounts"),
        "{}",
        page.text
    );
    let listed = srv.get("/api/v1/admin/domain_blocks", Some(&admin)).await;
    assert_eq!(listed.body, json!([]), "a preview writes nothing");
}

#[tokio::test]
async fn the_published_block_list_follows_its_visibility_setting() {
    use palisade_core::settings::{BlocklistVisibility, Settings};
    let mut settings = Settings::for_tests("example.test", "https://example.test");
    settings.moderation.domain_blocks_visibility = BlocklistVisibility::Users;
    let srv = TestServer::with_settings(settings).await;
    let admin = srv.staff("admin", "admin").await;
    for (domain, severity, obfuscate) in [
        ("quiet.test", "noop", false),
        ("loud.example", "silence", false),
        ("hidden-name.example", "suspend", true),
    ] {
        let r = srv
            .post_json(
                "/api/v1/admin/domain_blocks",
                Some(&admin),
                json!({"domain": domain, "severity": severity, "obfuscate": obfuscate,
                       "public_comment": "why"}),
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.text);
    }
    assert_eq!(srv.get("/api/v1/instance/domain_blocks", None).await.status, 404);
    let member = srv.user("member").await;
    let r = srv.get("/api/v1/instance/domain_blocks", Some(&member)).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let list = r.body.as_array().unwrap();
    assert_eq!(list.len(), 2, "noop blocks are not published: {}", r.text);
    assert_eq!(list[0]["severity"], "suspend", "strictest first");
    let shown = list[0]["domain"].as_str().unwrap();
    assert!(shown.contains('*') && shown != "hidden-name.example", "{shown}");
    assert_eq!(
        list[0]["digest"],
        palisade_core::secrets::hash_token("hidden-name.example")
    );
    assert_eq!(list[1]["domain"], "loud.example");
    assert_eq!(list[1]["comment"], "why");
}

#[tokio::test]
async fn a_port_or_a_trailing_dot_does_not_get_around_a_block() {
    let srv = TestServer::new().await;
    let admin = srv.staff("admin", "admin").await;
    let alice = srv.user("alice").await;
    let on_port = srv.remote_account("ported", "threads.test:8443").await;
    let sub = srv.remote_account("sub", "eu.threads.test").await;
    let other = srv.remote_account("other", "notthreads.test").await;
    let p = srv
        .get(
            "/api/v1/admin/domain_blocks/preview?domain=threads.test&severity=suspend",
            Some(&admin),
        )
        .await;
    assert_eq!(p.body["impact"]["accounts"], 2, "{}", p.text);
    srv.post_json(
        "/api/v1/admin/domain_blocks",
        Some(&admin),
        json!({"domain": "threads.test", "severity": "suspend"}),
    )
    .await;
    for (account, status) in [(&on_port, 404), (&sub, 404), (&other, 200)] {
        let r = srv
            .get(&format!("/api/v1/accounts/{}", account.id), Some(&alice))
            .await;
        assert_eq!(
            r.status,
            status,
            "{}: {}",
            account.domain.as_deref().unwrap_or(""),
            r.text
        );
    }
    let policies = srv.core.policies().await.unwrap();
    for key_host in ["threads.test.", "threads.test:8443", "EU.threads.test.:443"] {
        assert!(
            policies.refused(palisade_core::policy::Boundary::Inbound, Some(key_host)),
            "{key_host}"
        );
    }
    // A member's own block, in SQL: the preview counts the ported account too.
    let alice_id = srv.account_id(&alice).await;
    palisade_store::relationships::insert(
        &srv.db,
        palisade_store::relationships::FollowTable::Follows,
        &palisade_store::relationships::Follow {
            id: palisade_store::ids::new_id(),
            account_id: alice_id.parse().unwrap(),
            target_account_id: on_port.id,
            show_reblogs: true,
            notify: false,
            languages: None,
            uri: None,
            created_at: 0,
        },
    )
    .await
    .unwrap();
    let p = srv
        .get("/api/v1/domain_blocks/preview?domain=threads.test", Some(&alice))
        .await;
    assert_eq!(p.body["following_count"], 1, "{}", p.text);
}

async fn following(srv: &TestServer, token: &str, id: i64) -> bool {
    let r = srv
        .get(&format!("/api/v1/accounts/relationships?id[]={id}"), Some(token))
        .await;
    r.body[0]["following"] == true
}

#[tokio::test]
async fn a_timed_suspension_lapses_restores_and_is_never_purged() {
    let mut settings = palisade_core::Settings::for_tests("example.test", "https://example.test");
    settings.moderation.suspension_grace_days = 0;
    let srv = TestServer::with_settings(settings).await;
    let admin = srv.staff("admin", "admin").await;
    let alice = srv.user("alice").await;
    let alice_id: i64 = srv.account_id(&alice).await.parse().unwrap();
    let x = srv.remote_account("x", "threads.test").await;
    srv.follow_directly(alice_id, x.id, true).await;
    let r = srv
        .post_json(
            "/api/v1/admin/domain_blocks",
            Some(&admin),
            json!({"domain": "threads.test", "severity": "suspend", "expires_in": 1}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert!(!following(&srv, &alice, x.id).await, "severed");
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    assert_eq!(
        srv.core.purge_expired_suspensions().await.unwrap(),
        0,
        "a lapsed block never purges"
    );
    assert_eq!(srv.core.lift_lapsed_blocks().await.unwrap(), 1);
    assert!(following(&srv, &alice, x.id).await, "restored when it lapsed");
    let blocks = srv.get("/api/v1/admin/domain_blocks", Some(&admin)).await;
    assert_eq!(blocks.body, json!([]));
    let log = srv.get("/api/v1/admin/audit_log", Some(&admin)).await;
    assert_eq!(log.body[0]["action"], "expire_domain_block", "{}", log.text);
}

#[tokio::test]
async fn lifting_a_suspension_keeps_severed_what_a_member_has_since_blocked() {
    let srv = TestServer::new().await;
    let admin = srv.staff("admin", "admin").await;
    let alice = srv.user("alice").await;
    let bob = srv.user("bob").await;
    let alice_id: i64 = srv.account_id(&alice).await.parse().unwrap();
    let bob_id: i64 = srv.account_id(&bob).await.parse().unwrap();
    let x = srv.remote_account("x", "threads.test").await;
    srv.follow_directly(alice_id, x.id, true).await;
    srv.follow_directly(bob_id, x.id, true).await;
    let r = srv
        .post_json(
            "/api/v1/admin/domain_blocks",
            Some(&admin),
            json!({"domain": "threads.test", "severity": "suspend"}),
        )
        .await;
    let block = r.body["id"].as_str().unwrap().to_owned();
    srv.post_form(
        "/api/v1/domain_blocks",
        Some(&alice),
        &[("domain", "threads.test")],
    )
    .await;
    srv.delete(&format!("/api/v1/admin/domain_blocks/{block}"), Some(&admin))
        .await;
    assert!(following(&srv, &bob, x.id).await, "bob's follow comes back");
    assert!(
        !following(&srv, &alice, x.id).await,
        "alice blocks that domain herself now"
    );
}

#[tokio::test]
async fn search_pages_stay_full_when_blocked_domains_are_left_out() {
    let srv = TestServer::new().await;
    let zed = srv.user("zed").await;
    for (name, domain) in [
        ("qa", "hidden.test"),
        ("qb", "hidden.test"),
        ("qc", "shown.test"),
        ("qd", "shown.test"),
    ] {
        srv.remote_account(name, domain).await;
    }
    srv.post_form("/api/v1/domain_blocks", Some(&zed), &[("domain", "hidden.test")])
        .await;
    let page = |offset: &'static str| {
        let srv = &srv;
        let zed = &zed;
        async move {
            let r = srv
                .get(
                    &format!("/api/v1/accounts/search?q=q&limit=1&offset={offset}"),
                    Some(zed),
                )
                .await;
            r.body
                .as_array()
                .unwrap()
                .iter()
                .map(|a| a["acct"].as_str().unwrap().to_owned())
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(page("0").await, ["qc@shown.test"]);
    assert_eq!(page("1").await, ["qd@shown.test"]);
    assert!(page("2").await.is_empty());
}
