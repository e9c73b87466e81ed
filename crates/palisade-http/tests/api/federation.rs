//! Two Palisade instances federating over real HTTP on loopback (127.0.0.2 and 127.0.0.3),
//! each with its workers, each on its own database. The harness under tests/interop runs the
//! same story against a Fedify peer over HTTPS.

use palisade_testkit::{Resp, TestServer};
use serde_json::json;

fn texts(r: &Resp) -> Vec<String> {
    r.body
        .as_array()
        .map(|a| {
            a.iter()
                .map(|s| s["content"].as_str().unwrap_or("").to_owned())
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_follow_post_reply_like_boost_delete() {
    let a = TestServer::spawn(2).await;
    let b = TestServer::spawn(3).await;
    let alice = a.user("alice").await;
    let bob = b.user("bob").await;

    // Alice finds bob through WebFinger and follows him; bob's server accepts.
    let bob_at_a = a.resolve(&alice, &b.handle("bob")).await;
    let r = a
        .post(&format!("/api/v1/accounts/{bob_at_a}/follow"), Some(&alice))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    a.eventually("alice's follow is accepted", || async {
        a.relationship(&alice, &bob_at_a).await["following"] == true
    })
    .await;
    let bob_id = b.account_id(&bob).await;
    b.eventually("bob sees his follower", || async {
        b.get(&format!("/api/v1/accounts/{bob_id}"), None).await.body["followers_count"] == 1
    })
    .await;
    let n = b.get("/api/v1/notifications", Some(&bob)).await;
    assert_eq!(n.body[0]["type"], "follow");
    assert_eq!(n.body[0]["account"]["acct"], a.handle("alice"));

    // Bob posts; it reaches alice's home with bob's remote handle.
    let post = b
        .status(&bob, "hello from the other side #federation", "public")
        .await;
    a.eventually("bob's post reaches alice", || async {
        texts(&a.get("/api/v1/timelines/home", Some(&alice)).await)
            .iter()
            .any(|t| t.contains("other side"))
    })
    .await;
    let home = a.get("/api/v1/timelines/home", Some(&alice)).await;
    let remote_post = home
        .body
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["content"].as_str().unwrap().contains("other side"))
        .unwrap()
        .clone();
    assert_eq!(remote_post["account"]["acct"], b.handle("bob"));
    assert_eq!(remote_post["tags"][0]["name"], "federation");
    let remote_id = remote_post["id"].as_str().unwrap().to_owned();

    // Alice replies mentioning bob, likes and boosts; bob sees all three.
    let reply = a
        .post_json(
            "/api/v1/statuses",
            Some(&alice),
            json!({"status": format!("@{} nice", b.handle("bob")), "in_reply_to_id": remote_id}),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    a.post(&format!("/api/v1/statuses/{remote_id}/favourite"), Some(&alice))
        .await;
    a.post(&format!("/api/v1/statuses/{remote_id}/reblog"), Some(&alice))
        .await;
    b.eventually("bob is told of the reply, the like and the boost", || async {
        let n = b.get("/api/v1/notifications", Some(&bob)).await;
        let kinds: Vec<String> = n
            .body
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x["type"].as_str().unwrap().to_owned())
            .collect();
        ["mention", "favourite", "reblog"]
            .iter()
            .all(|k| kinds.iter().any(|x| x == k))
    })
    .await;
    let ctx = b
        .get(&format!("/api/v1/statuses/{post}/context"), Some(&bob))
        .await;
    assert!(
        ctx.body["descendants"][0]["content"]
            .as_str()
            .unwrap()
            .contains("nice")
    );
    let counted = b.get(&format!("/api/v1/statuses/{post}"), Some(&bob)).await;
    assert_eq!(counted.body["favourites_count"], 1);
    assert_eq!(counted.body["reblogs_count"], 1);
    assert_eq!(counted.body["replies_count"], 1);

    // Bob edits, then deletes: alice sees the edit, then the post is gone.
    b.put_json(
        &format!("/api/v1/statuses/{post}"),
        Some(&bob),
        json!({"status": "hello again, edited"}),
    )
    .await;
    a.eventually("the edit arrives", || async {
        a.get(&format!("/api/v1/statuses/{remote_id}"), Some(&alice))
            .await
            .body["content"]
            .as_str()
            .unwrap_or("")
            .contains("edited")
    })
    .await;
    b.delete(&format!("/api/v1/statuses/{post}"), Some(&bob)).await;
    a.eventually("the deletion arrives", || async {
        a.get(&format!("/api/v1/statuses/{remote_id}"), Some(&alice))
            .await
            .status
            == 404
    })
    .await;

    // Unfollow reaches bob's server.
    a.post(&format!("/api/v1/accounts/{bob_at_a}/unfollow"), Some(&alice))
        .await;
    b.eventually("bob loses his follower", || async {
        b.get(&format!("/api/v1/accounts/{bob_id}"), None).await.body["followers_count"] == 0
    })
    .await;

    // Prometheus sees the deliveries to bob's server, and the inbound ones from it.
    let b_domain = b.handle("bob").rsplit('@').next().unwrap_or_default().to_owned();
    // Its NodeInfo says what it runs.
    assert_eq!(a.fed.refresh_peer_software(10).await.unwrap(), 1);
    let peer = a.core.peer_report(&b_domain).await.unwrap().peer.unwrap();
    assert_eq!(
        (peer.software.as_deref(), peer.version.as_deref()),
        (Some("palisade"), Some(env!("CARGO_PKG_VERSION")))
    );
    assert_eq!(
        a.fed.refresh_peer_software(10).await.unwrap(),
        0,
        "asked once a day"
    );
    // The list of every peer (grouped queries) says what the one-peer report says.
    let one = a.core.peer_report(&b_domain).await.unwrap();
    let all = a.core.peer_reports().await.unwrap();
    let listed = all.iter().find(|r| r.domain == b_domain).unwrap();
    assert_eq!(listed.ties, one.ties);
    assert_eq!(listed.last_day, one.last_day);
    assert_eq!(listed.last_week, one.last_week);
    assert_eq!(
        listed.peer.as_ref().map(|p| &p.software),
        one.peer.as_ref().map(|p| &p.software)
    );
    assert_eq!(one.ties.accounts, 1, "{:?}", one.ties);
    let metrics = palisade_http::metrics::render(&a.core.metrics().await.unwrap());
    let sample = |prefix: &str| -> i64 {
        metrics
            .lines()
            .find(|l| l.starts_with(prefix))
            .and_then(|l| l.rsplit_once(' '))
            .and_then(|(_, v)| v.parse().ok())
            .unwrap_or(0)
    };
    let delivered =
        format!("palisade_peer_deliveries_total{{peer=\"{b_domain}\",result=\"delivered\",class=\"\"}}");
    assert!(sample(&delivered) >= 3, "{metrics}");
    assert!(
        sample(&format!("palisade_peer_inbound_total{{peer=\"{b_domain}\"}}")) >= 3,
        "{metrics}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn locked_accounts_approve_remote_followers_and_bad_signatures_get_401() {
    let a = TestServer::spawn(4).await;
    let b = TestServer::spawn(5).await;
    let alice = a.user("alice").await;
    let bob = b.user("bob").await;
    b.patch_form(
        "/api/v1/accounts/update_credentials",
        Some(&bob),
        &[("locked", "true")],
    )
    .await;
    let bob_at_a = a.resolve(&alice, &b.handle("bob")).await;
    let r = a
        .post(&format!("/api/v1/accounts/{bob_at_a}/follow"), Some(&alice))
        .await;
    assert_eq!(r.body["requested"], true);
    b.eventually("the request arrives", || async {
        b.get("/api/v1/follow_requests", Some(&bob))
            .await
            .body
            .as_array()
            .is_some_and(|x| !x.is_empty())
    })
    .await;
    let requester = b.get("/api/v1/follow_requests", Some(&bob)).await.body[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    b.post(
        &format!("/api/v1/follow_requests/{requester}/authorize"),
        Some(&bob),
    )
    .await;
    a.eventually("the approval reaches alice", || async {
        a.relationship(&alice, &bob_at_a).await["following"] == true
    })
    .await;
    // Followers-only posts reach approved followers.
    b.status(&bob, "only for followers", "private").await;
    a.eventually("a followers-only post arrives", || async {
        texts(&a.get("/api/v1/timelines/home", Some(&alice)).await)
            .iter()
            .any(|t| t.contains("only for followers"))
    })
    .await;

    // Unsigned or wrongly signed deliveries are refused with 401, and nothing is stored.
    let body = json!({"type": "Create", "actor": "http://127.0.0.4:1/users/x", "object": {"type": "Note"}})
        .to_string();
    let r = b
        .request(
            axum::http::Method::POST,
            "/inbox",
            None,
            Some(("application/activity+json", body.clone())),
        )
        .await;
    assert_eq!(r.status, 401);
    let forged = "keyId=\"http://127.0.0.9:9/users/x#main-key\",algorithm=\"rsa-sha256\",headers=\"(request-target) host date digest\",signature=\"AAAA\"";
    let r = b
        .request_with(
            axum::http::Method::POST,
            "/inbox",
            None,
            Some(("application/activity+json", body)),
            &[
                ("signature", forged),
                ("date", &httpdate_now()),
                ("digest", "SHA-256=x"),
                ("host", "b"),
            ],
        )
        .await;
    assert_eq!(r.status, 401, "{}", r.text);
}

fn httpdate_now() -> String {
    // RFC 7231 date without pulling a crate into the tests.
    let output = std::process::Command::new("date")
        .args(["-u", "+%a, %d %b %Y %H:%M:%S GMT"])
        .output()
        .expect("date");
    String::from_utf8_lossy(&output.stdout).trim().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_member_blocks_a_whole_domain() {
    let a = TestServer::spawn(6).await;
    let b = TestServer::spawn(7).await;
    let alice = a.user("alice").await;
    let bob = b.user("bob").await;
    b.user("carol").await;
    let b_domain = b.core.settings.domain.clone();

    // Alice follows bob and carol; bob follows alice.
    let bob_at_a = a.resolve(&alice, &b.handle("bob")).await;
    let carol_at_a = a.resolve(&alice, &b.handle("carol")).await;
    for id in [&bob_at_a, &carol_at_a] {
        a.post(&format!("/api/v1/accounts/{id}/follow"), Some(&alice))
            .await;
    }
    let alice_at_b = b.resolve(&bob, &a.handle("alice")).await;
    b.post(&format!("/api/v1/accounts/{alice_at_b}/follow"), Some(&bob))
        .await;
    a.eventually("follows settle", || async {
        let r = a
            .get(
                &format!("/api/v1/accounts/relationships?id[]={bob_at_a}&id[]={carol_at_a}"),
                Some(&alice),
            )
            .await;
        r.body[0]["following"] == true && r.body[1]["following"] == true && r.body[0]["followed_by"] == true
    })
    .await;
    b.status(&bob, &format!("hi @{}", a.handle("alice")), "public")
        .await;
    a.eventually("bob's mention arrives", || async {
        a.get("/api/v1/notifications?types[]=mention", Some(&alice))
            .await
            .body
            .as_array()
            .is_some_and(|n| !n.is_empty())
    })
    .await;

    // The prompt's counts, deduplicated: two accounts followed there, one follower from there.
    let p = a
        .get(
            &format!("/api/v1/domain_blocks/preview?domain={b_domain}"),
            Some(&alice),
        )
        .await;
    assert_eq!(
        p.body,
        json!({"following_count": 2, "followers_count": 1}),
        "{}",
        p.text
    );
    assert_eq!(
        a.post_form(
            "/api/v1/domain_blocks",
            Some(&alice),
            &[("domain", "not a domain")]
        )
        .await
        .status,
        422
    );
    let r = a
        .post_form("/api/v1/domain_blocks", Some(&alice), &[("domain", &b_domain)])
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body, json!({}));

    // The other side is told: bob and carol lose alice as follower (Undo Follow), and bob
    // no longer follows alice (Reject).
    let bob_id = b.account_id(&bob).await;
    b.eventually("the Undo and the Reject arrive", || async {
        let bob_acct = b.get(&format!("/api/v1/accounts/{bob_id}"), None).await;
        let rel = b
            .get(
                &format!("/api/v1/accounts/relationships?id[]={alice_at_b}"),
                Some(&bob),
            )
            .await;
        bob_acct.body["followers_count"] == 0 && rel.body[0]["following"] == false
    })
    .await;
    // A new follow from the blocked domain is rejected, as Mastodon does.
    b.post(&format!("/api/v1/accounts/{alice_at_b}/follow"), Some(&bob))
        .await;
    b.eventually("bob's new follow is rejected", || async {
        let rel = b
            .get(
                &format!("/api/v1/accounts/relationships?id[]={alice_at_b}"),
                Some(&bob),
            )
            .await;
        rel.body[0]["following"] == false && rel.body[0]["requested"] == false
    })
    .await;
    // Alice's side: relationships gone, domain_blocking set, notifications from there gone,
    // a severed_relationships notice with its counts.
    let rel = a
        .get(
            &format!("/api/v1/accounts/relationships?id[]={bob_at_a}"),
            Some(&alice),
        )
        .await;
    assert_eq!(rel.body[0]["following"], false);
    assert_eq!(rel.body[0]["followed_by"], false);
    assert_eq!(rel.body[0]["domain_blocking"], true);
    let n = a.get("/api/v1/notifications", Some(&alice)).await;
    let kinds: Vec<&str> = n
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["type"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, vec!["severed_relationships"], "{}", n.text);
    assert_eq!(n.body[0]["event"]["type"], "user_domain_block");
    assert_eq!(n.body[0]["event"]["target_name"], b_domain.as_str());
    assert_eq!(n.body[0]["event"]["following_count"], 2);
    assert_eq!(n.body[0]["event"]["followers_count"], 1);
    let sev = a.get("/api/v1/severed_relationships", Some(&alice)).await;
    assert_eq!(sev.body[0]["target_name"], b_domain.as_str());
    assert_eq!(
        a.get("/api/v1/domain_blocks", Some(&alice)).await.body,
        json!([b_domain])
    );

    // While it stands, nothing from there reaches alice: not search, not statuses.
    let s = a
        .get(
            &format!("/api/v2/search?q=%40{}&type=accounts", b.handle("carol")),
            Some(&alice),
        )
        .await;
    assert_eq!(s.body["accounts"], json!([]));
    let export = a.get("/api/v1/domain_blocks/export", Some(&alice)).await;
    assert_eq!(export.text, format!("{b_domain}\n"));

    // Undo: the block goes (severed follows are not restored, as in Mastodon).
    a.delete(&format!("/api/v1/domain_blocks?domain={b_domain}"), Some(&alice))
        .await;
    assert_eq!(a.get("/api/v1/domain_blocks", Some(&alice)).await.body, json!([]));
    let r = a
        .request(
            axum::http::Method::POST,
            "/api/v1/domain_blocks/import",
            Some(&alice),
            Some((
                "application/x-www-form-urlencoded",
                format!("data={b_domain}%0Abad%20line%0Aexample.com&mode=merge"),
            )),
        )
        .await;
    assert_eq!(r.body, json!({"imported": 2, "skipped": 1}), "{}", r.text);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admins_preview_limit_suspend_and_lift() {
    let a = TestServer::spawn(8).await;
    let b = TestServer::spawn(9).await;
    let admin = a.staff("admin", "admin").await;
    let alice = a.user("alice").await;
    let carol = a.user("carol").await;
    let bob = b.user("bob").await;
    let b_domain = b.core.settings.domain.clone();

    // Alice and bob follow each other; bob posts.
    let bob_at_a = a.resolve(&alice, &b.handle("bob")).await;
    a.post(&format!("/api/v1/accounts/{bob_at_a}/follow"), Some(&alice))
        .await;
    let alice_at_b = b.resolve(&bob, &a.handle("alice")).await;
    b.post(&format!("/api/v1/accounts/{alice_at_b}/follow"), Some(&bob))
        .await;
    a.eventually("follows both ways", || async {
        let r = a
            .get(
                &format!("/api/v1/accounts/relationships?id[]={bob_at_a}"),
                Some(&alice),
            )
            .await;
        r.body[0]["following"] == true && r.body[0]["followed_by"] == true
    })
    .await;
    b.status(&bob, "before any policy", "public").await;
    a.eventually("bob's post arrives", || async {
        texts(&a.get("/api/v1/timelines/home", Some(&alice)).await)
            .iter()
            .any(|t| t.contains("before any policy"))
    })
    .await;
    let remote_post = a.get("/api/v1/timelines/home", Some(&alice)).await.body[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();

    // Members may not use the admin API.
    assert_eq!(
        a.get("/api/v1/admin/domain_blocks", Some(&alice)).await.status,
        403
    );
    // The preview, deduplicated.
    let p = a
        .get(
            &format!("/api/v1/admin/domain_blocks/preview?domain={b_domain}&severity=suspend"),
            Some(&admin),
        )
        .await;
    assert_eq!(p.status, 200, "{}", p.text);
    assert_eq!(p.body["impact"]["accounts"], 1);
    assert_eq!(p.body["impact"]["members_following"], 1);
    assert_eq!(p.body["impact"]["followers_there"], 1);
    assert_eq!(p.body["impact"]["relationships"], 2);
    assert_eq!(p.body["impact"]["members_affected"], 1);
    assert!(p.body["impact"]["statuses"].as_i64().unwrap() >= 1);
    // The peer list and the peer page agree with the preview.
    let shown = a
        .get(&format!("/api/v1/admin/instances/{b_domain}"), Some(&admin))
        .await;
    let list = a.get("/api/v1/admin/instances", Some(&admin)).await;
    let listed = list
        .body
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["domain"] == b_domain.as_str())
        .unwrap()
        .clone();
    for key in [
        "accounts",
        "statuses",
        "members_following",
        "followers_of_members",
        "relationships",
    ] {
        assert_eq!(listed[key], shown.body[key], "{key}: {}", list.text);
    }
    assert_eq!(shown.body["relationships"], 2, "{}", shown.text);
    assert_eq!(shown.body["members_following"], 1);
    assert_eq!(shown.body["followers_of_members"], 1);

    // Limit (silence): bob's posts only for his followers.
    let r = a
        .post_form(
            "/api/v1/admin/domain_blocks",
            Some(&admin),
            &[("domain", &b_domain), ("severity", "silence")],
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let block_id = r.body["id"].as_str().unwrap().to_owned();
    assert_eq!(
        a.get(&format!("/api/v1/statuses/{remote_post}"), Some(&alice))
            .await
            .status,
        200,
        "a follower sees it"
    );
    assert_eq!(
        a.get(&format!("/api/v1/statuses/{remote_post}"), Some(&carol))
            .await
            .status,
        404,
        "others do not"
    );
    let again = a
        .post_form(
            "/api/v1/admin/domain_blocks",
            Some(&admin),
            &[("domain", &b_domain), ("severity", "noop")],
        )
        .await;
    assert_eq!(again.status, 422, "a block already exists");

    // Suspend: follows end with notices, everything is hidden, nothing goes out or comes in.
    let r = a
        .put_json(
            &format!("/api/v1/admin/domain_blocks/{block_id}"),
            Some(&admin),
            json!({"severity": "suspend"}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["severity"], "suspend");
    let rel = a
        .get(
            &format!("/api/v1/accounts/relationships?id[]={bob_at_a}"),
            Some(&alice),
        )
        .await;
    assert_eq!(rel.body[0]["following"], false);
    let n = a
        .get(
            "/api/v1/notifications?types[]=severed_relationships",
            Some(&alice),
        )
        .await;
    assert_eq!(n.body[0]["event"]["type"], "domain_block", "{}", n.text);
    assert_eq!(n.body[0]["event"]["followers_count"], 1, "{}", n.text);
    assert_eq!(n.body[0]["event"]["following_count"], 1);
    let me = a.get("/api/v1/accounts/verify_credentials", Some(&alice)).await;
    assert_eq!(
        (
            me.body["followers_count"].clone(),
            me.body["following_count"].clone()
        ),
        (json!(0), json!(0))
    );
    assert_eq!(
        a.get(&format!("/api/v1/accounts/{bob_at_a}"), Some(&alice))
            .await
            .status,
        404
    );
    assert_eq!(
        a.get(&format!("/api/v1/statuses/{remote_post}"), Some(&alice))
            .await
            .status,
        404
    );
    a.status(&alice, "not for the suspended", "public").await;
    b.status(&bob, "refused at the door", "public").await;
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    assert!(
        !texts(&b.get("/api/v1/timelines/public", Some(&bob)).await)
            .iter()
            .any(|t| t.contains("not for the suspended"))
    );
    let peer = a
        .get(&format!("/api/v1/admin/instances/{b_domain}"), Some(&admin))
        .await;
    assert_eq!(peer.body["policy"]["severity"], "suspend", "{}", peer.text);
    let s = a
        .get(
            &format!("/api/v2/search?q=%40{}&resolve=true", b.handle("bob")),
            Some(&alice),
        )
        .await;
    assert_eq!(s.body["accounts"], json!([]));
    // Its signed fetches are refused, even without authorized fetch.
    let alice_uri = format!("{}/users/alice", a.url);
    let fetched = b.fed.fetch_object(&alice_uri).await;
    assert!(
        fetched.as_ref().is_err_and(|e| e.to_string().contains("403")),
        "{fetched:?}"
    );

    // Made milder within the grace period: what was hidden comes back, and the follows too.
    let r = a
        .put_json(
            &format!("/api/v1/admin/domain_blocks/{block_id}"),
            Some(&admin),
            json!({"severity": "silence"}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let r = a
        .delete(&format!("/api/v1/admin/domain_blocks/{block_id}"), Some(&admin))
        .await;
    assert_eq!(r.status, 200);
    let rel = a
        .get(
            &format!("/api/v1/accounts/relationships?id[]={bob_at_a}"),
            Some(&alice),
        )
        .await;
    assert_eq!(rel.body[0]["following"], true, "{}", rel.text);
    assert_eq!(rel.body[0]["followed_by"], true);
    let me = a.get("/api/v1/accounts/verify_credentials", Some(&alice)).await;
    assert_eq!(
        (
            me.body["followers_count"].clone(),
            me.body["following_count"].clone()
        ),
        (json!(1), json!(1))
    );
    assert_eq!(
        a.get(&format!("/api/v1/statuses/{remote_post}"), Some(&alice))
            .await
            .status,
        200
    );
    let log = a.get("/api/v1/admin/audit_log", Some(&admin)).await;
    let actions: Vec<&str> = log
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        vec![
            "delete_domain_block",
            "update_domain_block",
            "update_domain_block",
            "create_domain_block"
        ]
    );
    assert_eq!(log.body[2]["before"]["severity"], "silence");
    assert_eq!(log.body[2]["after"]["severity"], "suspend");
}
