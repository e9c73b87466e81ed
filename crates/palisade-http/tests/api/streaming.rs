//! The streaming API over real sockets: WebSocket subscriptions and server-sent events,
//! payloads equal to the REST entities, the timelines' rules (nothing a timeline would hide
//! reaches a stream), slow clients and connection limits.

use std::time::Duration;

use palisade_testkit::TestServer;
use palisade_testkit::streaming::{Sse, TokenVia, Ws};
use serde_json::json;

const WAIT: Duration = Duration::from_secs(5);
const QUIET: Duration = Duration::from_millis(700);

#[tokio::test]
async fn websocket_user_stream_carries_the_rest_entities() {
    let srv = TestServer::spawn(40).await;
    let alice = srv.user("alice").await;
    let bob = srv.user("bob").await;
    let bob_id = srv.account_id(&bob).await;
    srv.post(&format!("/api/v1/accounts/{bob_id}/follow"), Some(&alice))
        .await;

    for via in [TokenVia::Protocol, TokenVia::Query, TokenVia::Header] {
        let mut ws = Ws::connect(&srv.url, Some(&alice), via, "stream=user")
            .await
            .expect("connect");
        let id = srv.status(&bob, &format!("hello over {via:?}"), "public").await;
        let e = ws.next_event(WAIT).await.expect("an update");
        assert_eq!(
            (e.event.as_str(), e.stream.clone()),
            ("update", vec!["user".to_owned()])
        );
        let rest = srv.get(&format!("/api/v1/statuses/{id}"), Some(&alice)).await;
        assert_eq!(
            e.payload, rest.body,
            "the payload is the REST entity for the subscriber"
        );
        srv.delete(&format!("/api/v1/statuses/{id}"), Some(&bob)).await;
        let e = ws.next_event(WAIT).await.expect("a delete");
        assert_eq!(
            (e.event.as_str(), e.payload.clone()),
            ("delete", json!(id.parse::<i64>().unwrap()))
        );
    }

    // A mention: the notification as REST shows it; an edit: status.update.
    let mut ws = Ws::connect(&srv.url, Some(&alice), TokenVia::Protocol, "")
        .await
        .unwrap();
    ws.send(json!({"type": "subscribe", "stream": "user"})).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    let id = srv.status(&bob, "hi @alice", "public").await;
    let mut events = Vec::new();
    for _ in 0..2 {
        events.push(ws.next_event(WAIT).await.expect("update and notification"));
    }
    let note = events
        .iter()
        .find(|e| e.event == "notification")
        .expect("a notification");
    let rest = srv.get("/api/v1/notifications?limit=1", Some(&alice)).await;
    assert_eq!(note.payload, rest.body[0]);
    assert!(
        events
            .iter()
            .any(|e| e.event == "update" && e.payload["id"] == id)
    );
    srv.put_json(
        &format!("/api/v1/statuses/{id}"),
        Some(&bob),
        json!({"status": "hi @alice, edited"}),
    )
    .await;
    let e = ws.next_event(WAIT).await.expect("an edit");
    assert_eq!(e.event, "status.update");
    assert!(e.payload["content"].as_str().unwrap().contains("edited"));

    // Unsubscribing stops it; an unknown stream is an error on an open socket.
    ws.send(json!({"type": "unsubscribe", "stream": "user"})).await;
    ws.send(json!({"type": "subscribe", "stream": "mastodonpy_invalid_stream"}))
        .await;
    let err = ws.next_json(WAIT).await.expect("an error message");
    assert_eq!(err, json!({"error": "Unknown stream type", "status": 400}));
    srv.status(&bob, "after unsubscribing", "public").await;
    assert!(ws.next_event(QUIET).await.is_none());
}

#[tokio::test]
async fn several_streams_on_one_socket() {
    let srv = TestServer::spawn(41).await;
    let alice = srv.user("alice").await;
    let bob = srv.user("bob").await;
    let mut ws = Ws::connect(&srv.url, Some(&alice), TokenVia::Protocol, "")
        .await
        .unwrap();
    ws.send(json!({"type": "subscribe", "stream": "hashtag", "tag": "First"}))
        .await;
    ws.send(json!({"type": "subscribe", "stream": "hashtag:local", "tag": "second"}))
        .await;
    ws.send(json!({"type": "subscribe", "stream": "public:local"}))
        .await;
    ws.send(json!({"type": "subscribe", "stream": "direct"})).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    let first = srv.status(&bob, "one #first", "public").await;
    let mut seen = Vec::new();
    for _ in 0..2 {
        let e = ws.next_event(WAIT).await.expect("hashtag and public events");
        assert_eq!(e.payload["id"], first);
        seen.push(e.stream);
    }
    seen.sort();
    assert_eq!(
        seen,
        vec![
            vec!["hashtag".to_owned(), "first".into()],
            vec!["public:local".into()]
        ]
    );
    // Unlisted posts are not on public streams; direct ones are conversations.
    srv.status(&bob, "quiet #second", "unlisted").await;
    assert!(
        ws.next_event(QUIET).await.is_none(),
        "unlisted stays off public streams"
    );
    let dm = srv.status(&bob, "@alice psst", "direct").await;
    let e = ws.next_event(WAIT).await.expect("a conversation");
    assert_eq!(
        (e.event.as_str(), e.stream[0].as_str()),
        ("conversation", "direct")
    );
    assert_eq!(e.payload["last_status"]["id"], dm);
    assert_eq!(e.payload["unread"], true);
}

#[tokio::test]
async fn streams_hide_what_timelines_hide() {
    let srv = TestServer::spawn(42).await;
    let alice = srv.user("alice").await;
    let bob = srv.user("bob").await;
    let carol = srv.user("carol").await;
    let carol_id = srv.account_id(&carol).await;
    // Alice blocks carol and filters "spoilers" (hide) and "meh" (warn).
    srv.post(&format!("/api/v1/accounts/{carol_id}/block"), Some(&alice))
        .await;
    let f = srv
        .post_json(
            "/api/v2/filters",
            Some(&alice),
            json!({"title": "no spoilers", "context": ["public"], "filter_action": "hide",
                   "keywords_attributes": [{"keyword": "spoilers"}]}),
        )
        .await;
    assert_eq!(f.status, 200, "{}", f.text);
    srv.post_json(
        "/api/v2/filters",
        Some(&alice),
        json!({"title": "meh", "context": ["public"], "filter_action": "warn",
               "keywords_attributes": [{"keyword": "meh", "whole_word": true}]}),
    )
    .await;
    let mut sse = Sse::connect(&srv.url, "/api/v1/streaming/public/local", Some(&alice))
        .await
        .expect("sse");
    let mut anonymous = Sse::connect(&srv.url, "/api/v1/streaming/public", None)
        .await
        .expect("anonymous sse");
    tokio::time::sleep(Duration::from_millis(200)).await;
    srv.status(&carol, "carol speaks", "public").await;
    srv.status(&bob, "big spoilers ahead", "public").await;
    srv.status(&bob, "bob's private thoughts", "private").await;
    let warned = srv.status(&bob, "meh, fine", "public").await;
    let e = sse.next_event(WAIT).await.expect("only the warned status");
    assert_eq!(
        (e.event.as_str(), e.payload["id"].clone()),
        ("update", json!(warned))
    );
    assert_eq!(e.payload["filtered"][0]["filter"]["title"], "meh");
    assert_eq!(e.payload["filtered"][0]["keyword_matches"], json!(["meh"]));
    assert!(sse.next_event(QUIET).await.is_none());
    // The anonymous stream has everything public, nothing private, and no viewer fields.
    let mut public = Vec::new();
    while let Some(e) = anonymous.next_event(QUIET).await {
        public.push(e.payload);
    }
    assert_eq!(public.len(), 3, "{public:?}");
    assert!(
        public
            .iter()
            .all(|p| p.get("favourited").is_none() && p["visibility"] == "public")
    );
}

#[tokio::test]
async fn sse_endpoints_authenticate_like_mastodon() {
    let srv = TestServer::spawn(43).await;
    let alice = srv.user("alice").await;
    let r = srv.get("/api/v1/streaming/health", None).await;
    assert_eq!((r.status.as_u16(), r.text.as_str()), (200, "OK"));
    for (path, token, status) in [
        ("/api/v1/streaming/user", None, 401),
        ("/api/v1/streaming/user", Some("nope"), 401),
        ("/api/v1/streaming/hashtag", Some(alice.as_str()), 400),
        ("/api/v1/streaming/list?list=123", Some(alice.as_str()), 404),
        ("/api/v1/streaming/direct", None, 401),
    ] {
        let r = Sse::connect(&srv.url, path, token).await;
        assert_eq!(r.err().map(|e| e.0), Some(status), "{path}");
    }
    let ok = Sse::connect(&srv.url, "/api/v1/streaming/user/notification", Some(&alice)).await;
    assert!(ok.is_ok());
    let ok = Sse::connect(&srv.url, "/api/v1/streaming?stream=hashtag&tag=x", None).await;
    assert!(ok.is_ok());
    let bad = Ws::connect(&srv.url, Some("not-a-token"), TokenVia::Protocol, "").await;
    assert_eq!(bad.err(), Some(401));
}

#[tokio::test]
async fn slow_clients_are_dropped() {
    let srv = TestServer::spawn_with(44, |s| s.limits.streaming_backlog = 2).await;
    let bob = srv.user("bob").await;
    // A connection nobody reads: its queue fills, and it is dropped, not waited for.
    let mut stuck = srv.hub.connect(None, None).await.unwrap();
    assert!(srv.hub.subscribe(
        stuck.id,
        palisade_core::streaming::Stream::parse("public", None, None).unwrap()
    ));
    let mut reader = Sse::connect(&srv.url, "/api/v1/streaming/public", None)
        .await
        .unwrap();
    for i in 0..4 {
        srv.status(&bob, &format!("post {i}"), "public").await;
    }
    for i in 0..4 {
        let e = reader
            .next_event(WAIT)
            .await
            .expect("the reading client gets everything");
        assert!(
            e.payload["content"]
                .as_str()
                .unwrap()
                .contains(&format!("post {i}"))
        );
    }
    let mut held = 0;
    while stuck.rx.try_recv().is_ok() {
        held += 1;
    }
    assert_eq!(held, 2, "the slow client got its backlog, then was cut off");
    assert!(stuck.rx.recv().await.is_none(), "and its connection is closed");
}

#[tokio::test]
async fn connections_are_limited_per_token_and_address() {
    let srv = TestServer::spawn_with(46, |s| {
        s.limits.streaming_per_token = 2;
        s.limits.streaming_per_address = 3;
    })
    .await;
    let alice = srv.user("alice").await;
    let bob = srv.user("bob").await;
    // Per token: two at once; per address: three.
    let a = Ws::connect(&srv.url, Some(&alice), TokenVia::Query, "")
        .await
        .unwrap();
    let b = Ws::connect(&srv.url, Some(&alice), TokenVia::Query, "")
        .await
        .unwrap();
    assert_eq!(
        Ws::connect(&srv.url, Some(&alice), TokenVia::Query, "")
            .await
            .err(),
        Some(429)
    );
    let c = Ws::connect(&srv.url, Some(&bob), TokenVia::Query, "")
        .await
        .unwrap();
    let r = Sse::connect(&srv.url, "/api/v1/streaming/public", None).await;
    assert_eq!(r.err().map(|e| e.0), Some(429));
    drop((a, b, c));
}

#[tokio::test]
async fn revoking_a_token_ends_its_streams() {
    let srv = TestServer::spawn(45).await;
    let app = srv
        .post_form(
            "/api/v1/apps",
            None,
            &[
                ("client_name", "streamer"),
                ("redirect_uris", "urn:ietf:wg:oauth:2.0:oob"),
            ],
        )
        .await;
    let alice = srv.user("alice").await;
    let (id, secret) = (
        app.body["client_id"].as_str().unwrap(),
        app.body["client_secret"].as_str().unwrap(),
    );
    let token = srv
        .post_form(
            "/oauth/token",
            None,
            &[
                ("grant_type", "password"),
                ("username", "alice@example.com"),
                ("password", "correct horse battery"),
                ("client_id", id),
                ("client_secret", secret),
                ("scope", "read"),
            ],
        )
        .await;
    let t = token.body["access_token"].as_str().expect("a token").to_owned();
    let mut ws = Ws::connect(&srv.url, Some(&t), TokenVia::Protocol, "stream=user")
        .await
        .unwrap();
    let r = srv
        .post_form(
            "/oauth/revoke",
            None,
            &[("token", &t), ("client_id", id), ("client_secret", secret)],
        )
        .await;
    assert_eq!(r.status, 200);
    assert!(ws.closed_within(WAIT).await);
    drop(alice);
}

#[tokio::test]
async fn media_only_streams_carry_statuses_with_attachments_only() {
    let srv = TestServer::spawn(41).await;
    let alice = srv.user("alice").await;
    let bob = srv.user("bob").await;
    let mut ws = Ws::connect(&srv.url, Some(&alice), TokenVia::Protocol, "")
        .await
        .unwrap();
    for stream in ["public:media", "public:local:media"] {
        ws.send(json!({"type": "subscribe", "stream": stream})).await;
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    srv.status(&bob, "words only", "public").await;
    let png = palisade_media::testdata::png(64, 48, false);
    let up = srv.upload(&bob, "a.png", "image/png", &png, &[]).await;
    assert_eq!(up.status, 200, "{}", up.text);
    let posted = srv
        .post_json(
            "/api/v1/statuses",
            Some(&bob),
            json!({"status": "a picture", "media_ids": [up.body["id"]]}),
        )
        .await;
    assert_eq!(posted.status, 200, "{}", posted.text);
    let mut streams = Vec::new();
    for _ in 0..2 {
        let e = ws.next_event(WAIT).await.expect("the picture on both streams");
        assert_eq!(e.event, "update");
        assert_eq!(e.payload["id"], posted.body["id"], "only the status with media");
        assert_eq!(e.payload["media_attachments"][0]["id"], up.body["id"]);
        streams.extend(e.stream);
    }
    streams.sort();
    assert_eq!(streams, ["public:local:media", "public:media"]);
    assert!(ws.next_event(QUIET).await.is_none(), "nothing else");
}
