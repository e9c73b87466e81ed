//! Polls, and scheduled statuses published by the timer queue.

use palisade_core::timers::Timer;
use palisade_store::q;
use palisade_testkit::TestServer;
use serde_json::json;

#[tokio::test]
async fn polls_are_created_voted_and_ended() {
    let srv = TestServer::new().await;
    let alice = srv.user("alice").await;
    let bob = srv.user("bob").await;
    let carol = srv.user("carol").await;
    for (poll, why) in [
        (json!({"options": ["only one"], "expires_in": 300}), "one option"),
        (json!({"options": ["a", "a"], "expires_in": 300}), "duplicates"),
        (json!({"options": ["a", "b"], "expires_in": 60}), "too soon"),
        (
            json!({"options": ["a", "b", "c", "d", "e"], "expires_in": 300}),
            "too many",
        ),
        (json!({"options": ["a", "b"]}), "no expiry"),
    ] {
        let r = srv
            .post_json(
                "/api/v1/statuses",
                Some(&bob),
                json!({"status": "q", "poll": poll}),
            )
            .await;
        assert_eq!(r.status, 422, "{why}: {}", r.text);
    }
    // Form style, as Mastodon.py sends it.
    let r = srv
        .post_form(
            "/api/v1/statuses",
            Some(&bob),
            &[
                ("status", "nice"),
                ("poll[options][]", "four twenty"),
                ("poll[options][]", "sixty-nine"),
                ("poll[expires_in]", "300"),
                ("poll[multiple]", "true"),
            ],
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let poll = &r.body["poll"];
    assert_eq!(
        (
            poll["votes_count"].clone(),
            poll["own_votes"].clone(),
            poll["multiple"].clone()
        ),
        (json!(0), json!([]), json!(true))
    );
    assert_eq!(
        poll["options"][1],
        json!({"title": "sixty-nine", "votes_count": 0})
    );
    let id = poll["id"].as_str().unwrap().to_owned();
    let status = r.body["id"].as_str().unwrap().to_owned();
    let vote = |token: String, choices: serde_json::Value| {
        let srv = &srv;
        let id = id.clone();
        async move {
            srv.post_json(
                &format!("/api/v1/polls/{id}/votes"),
                Some(&token),
                json!({"choices": choices}),
            )
            .await
        }
    };
    assert_eq!(
        vote(bob.clone(), json!([0])).await.status,
        422,
        "not in one's own poll"
    );
    assert_eq!(
        vote(alice.clone(), json!([7])).await.status,
        422,
        "no such option"
    );
    let r = vote(alice.clone(), json!([1])).await;
    assert_eq!(
        (
            r.body["votes_count"].clone(),
            r.body["own_votes"].clone(),
            r.body["voted"].clone()
        ),
        (json!(1), json!([1]), json!(true))
    );
    let r = vote(alice.clone(), json!(["0"])).await;
    assert_eq!(
        (r.body["votes_count"].clone(), r.body["own_votes"].clone()),
        (json!(2), json!([1, 0])),
        "more choices later in a multiple-choice poll"
    );
    assert_eq!(
        vote(alice.clone(), json!([0])).await.status,
        422,
        "not twice the same"
    );
    let r = vote(carol.clone(), json!([1])).await;
    assert_eq!(
        (
            r.body["voters_count"].clone(),
            r.body["options"][1]["votes_count"].clone()
        ),
        (json!(2), json!(2))
    );
    let anon = srv.get(&format!("/api/v1/polls/{id}"), None).await;
    assert!(anon.body.get("own_votes").is_none() && anon.body["votes_count"] == 3);

    // The end: voters and the author are told, once.
    let poll_id: i64 = id.parse().unwrap();
    q("UPDATE polls SET expires_at = $1 WHERE id = $2")
        .bind(palisade_store::now_ms() - 1000)
        .bind(poll_id)
        .execute(&srv.db)
        .await
        .unwrap();
    assert_eq!(vote(carol.clone(), json!([0])).await.status, 422, "ended");
    for _ in 0..2 {
        srv.core.run_timer(&Timer::PollEnded { poll_id }).await.unwrap();
    }
    for token in [&alice, &carol, &bob] {
        let n = srv.get("/api/v1/notifications?types[]=poll", Some(token)).await;
        assert_eq!(n.body.as_array().unwrap().len(), 1, "{}", n.text);
        assert_eq!(n.body[0]["status"]["id"], status);
        assert_eq!(n.body[0]["status"]["poll"]["expired"], true);
    }
    // A single-choice poll takes one vote; hidden totals stay hidden from others.
    let r = srv
        .post_json(
            "/api/v1/statuses",
            Some(&bob),
            json!({"status": "secret", "poll": {"options": ["x", "y"], "expires_in": 600, "hide_totals": true}}),
        )
        .await;
    let single = r.body["poll"]["id"].as_str().unwrap().to_owned();
    let path = format!("/api/v1/polls/{single}/votes");
    assert_eq!(
        srv.post_json(&path, Some(&alice), json!({"choices": [0, 1]}))
            .await
            .status,
        422
    );
    let r = srv.post_json(&path, Some(&alice), json!({"choices": [0]})).await;
    assert_eq!(
        (
            r.body["voters_count"].clone(),
            r.body["options"][0]["votes_count"].clone()
        ),
        (json!(null), json!(null))
    );
    assert_eq!(
        srv.post_json(&path, Some(&alice), json!({"choices": [1]}))
            .await
            .status,
        422
    );
    let own = srv.get(&format!("/api/v1/polls/{single}"), Some(&bob)).await;
    assert_eq!(
        own.body["options"][0]["votes_count"], 1,
        "the author sees the totals"
    );
}

#[tokio::test]
async fn scheduled_statuses_wait_then_post_once() {
    let mut srv = TestServer::new().await;
    let alice = srv.user("alice").await;
    let soon = palisade_http::entities::iso(palisade_store::now_ms() + 4 * 60_000);
    let r = srv
        .post_json(
            "/api/v1/statuses",
            Some(&alice),
            json!({"status": "too soon", "scheduled_at": soon}),
        )
        .await;
    assert_eq!(r.status, 422);
    assert_eq!(
        r.body["error"],
        "Validation failed: Scheduled at The scheduled date must be in the future"
    );
    let r = srv
        .post_json(
            "/api/v1/statuses",
            Some(&alice),
            json!({"status": "x", "scheduled_at": "whenever"}),
        )
        .await;
    assert_eq!(r.status, 422);
    let later = palisade_http::entities::iso(palisade_store::now_ms() + 6 * 60_000);
    let r = srv
        .post_json(
            "/api/v1/statuses",
            Some(&alice),
            json!({"status": "please ensure adequate headroom", "scheduled_at": later, "visibility": "unlisted",
                   "poll": {"options": ["yes", "no"], "expires_in": 3600}}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["params"]["text"], "please ensure adequate headroom");
    assert_eq!(r.body["params"]["visibility"], "unlisted");
    assert_eq!(r.body["params"]["poll"]["options"], json!(["yes", "no"]));
    let id = r.body["id"].as_str().unwrap().to_owned();
    let path = format!("/api/v1/scheduled_statuses/{id}");
    let far = "4000-01-01T12:13:14.000Z";
    let r = srv
        .put_json(&path, Some(&alice), json!({"scheduled_at": far}))
        .await;
    assert_eq!(r.body["scheduled_at"], far);
    let list = srv.get("/api/v1/scheduled_statuses", Some(&alice)).await;
    assert_eq!(list.body[0]["id"], id);
    // A second one, cancelled: never posted.
    let other = srv
        .post_json(
            "/api/v1/statuses",
            Some(&alice),
            json!({"status": "never", "scheduled_at": later}),
        )
        .await;
    let other_path = format!(
        "/api/v1/scheduled_statuses/{}",
        other.body["id"].as_str().unwrap()
    );
    assert_eq!(srv.delete(&other_path, Some(&alice)).await.status, 200);
    assert_eq!(srv.get(&other_path, Some(&alice)).await.status, 404);
    // Time passes (the job falls due while no worker runs); a worker starting later posts it.
    let sid: i64 = id.parse().unwrap();
    q("UPDATE scheduled_statuses SET scheduled_at = $1 WHERE id = $2")
        .bind(palisade_store::now_ms())
        .bind(sid)
        .execute(&srv.db)
        .await
        .unwrap();
    q("UPDATE jobs SET run_at = $1 WHERE queue = 'timers'")
        .bind(palisade_store::now_ms())
        .execute(&srv.db)
        .await
        .unwrap();
    assert!(srv.get("/api/v1/timelines/home", Some(&alice)).await.body == json!([]));
    srv.start_runners();
    srv.eventually("the scheduled status is posted", || async {
        srv.get("/api/v1/timelines/home", Some(&alice))
            .await
            .body
            .as_array()
            .is_some_and(|a| a.len() == 1)
    })
    .await;
    let home = srv.get("/api/v1/timelines/home", Some(&alice)).await;
    assert_eq!(home.body[0]["visibility"], "unlisted");
    assert_eq!(home.body[0]["poll"]["options"][0]["title"], "yes");
    assert_eq!(
        srv.get(&path, Some(&alice)).await.status,
        404,
        "no longer scheduled"
    );
    srv.core
        .run_timer(&Timer::PublishScheduled { id: sid })
        .await
        .unwrap();
    let posts = srv
        .get(
            &format!("/api/v1/accounts/{}/statuses", srv.account_id(&alice).await),
            Some(&alice),
        )
        .await;
    assert_eq!(posts.body.as_array().unwrap().len(), 1, "posted exactly once");
}

#[tokio::test]
async fn scheduled_statuses_hold_their_attachments_until_published() {
    let srv = TestServer::new().await;
    let alice = srv.user("alice").await;
    let png = palisade_media::testdata::png(64, 48, false);
    let upload = || async { srv.upload(&alice, "a.png", "image/png", &png, &[]).await.body["id"].clone() };
    let (held, freed) = (upload().await, upload().await);
    let later = palisade_http::entities::iso(palisade_store::now_ms() + 6 * 60_000);
    let schedule = |media: serde_json::Value| {
        let (srv, alice, later) = (&srv, alice.clone(), later.clone());
        async move {
            srv.post_json(
                "/api/v1/statuses",
                Some(&alice),
                json!({"status": "later, with a picture", "scheduled_at": later, "media_ids": [media]}),
            )
            .await
        }
    };
    let r = schedule(held.clone()).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["media_attachments"][0]["id"], held);
    assert_eq!(r.body["params"]["media_ids"], json!([held]));
    let sid: i64 = r.body["id"].as_str().unwrap().parse().unwrap();
    let listed = srv.get("/api/v1/scheduled_statuses", Some(&alice)).await;
    assert_eq!(listed.body[0]["media_attachments"][0]["id"], held);

    // Held: neither another post nor another schedule may take it, and pruning spares it.
    let now = srv
        .post_json(
            "/api/v1/statuses",
            Some(&alice),
            json!({"status": "now", "media_ids": [held]}),
        )
        .await;
    assert_eq!(now.status, 422, "{}", now.text);
    assert_eq!(schedule(held.clone()).await.status, 422);
    let stale =
        palisade_store::media::unattached_before(&srv.db, palisade_store::now_ms() + 86_400_000 * 30, 100)
            .await
            .unwrap();
    let stale: Vec<String> = stale.iter().map(|m| m.id.to_string()).collect();
    assert!(
        !stale.contains(&held.as_str().unwrap().to_owned()),
        "a held upload is not pruned"
    );

    // Cancelled: its upload is free again.
    let other = schedule(freed.clone()).await;
    let other_path = format!(
        "/api/v1/scheduled_statuses/{}",
        other.body["id"].as_str().unwrap()
    );
    assert_eq!(srv.delete(&other_path, Some(&alice)).await.status, 200);
    let now = srv
        .post_json(
            "/api/v1/statuses",
            Some(&alice),
            json!({"status": "now", "media_ids": [freed]}),
        )
        .await;
    assert_eq!(now.status, 200, "{}", now.text);

    // Published: the status carries the held upload.
    q("UPDATE scheduled_statuses SET scheduled_at = $1 WHERE id = $2")
        .bind(palisade_store::now_ms())
        .bind(sid)
        .execute(&srv.db)
        .await
        .unwrap();
    srv.core
        .run_timer(&Timer::PublishScheduled { id: sid })
        .await
        .unwrap();
    let posts = srv
        .get(
            &format!("/api/v1/accounts/{}/statuses", srv.account_id(&alice).await),
            Some(&alice),
        )
        .await;
    let published = posts
        .body
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["content"].as_str().is_some_and(|c| c.contains("later")))
        .expect("the scheduled status is posted");
    assert_eq!(published["media_attachments"][0]["id"], held);
}
