use palisade_testkit::TestServer;
use serde_json::json;

fn ids(r: &palisade_testkit::Resp) -> Vec<String> {
    r.body
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn home_follows_visibility_and_reply_rules() {
    let srv = TestServer::new().await;
    let alice = srv.user("alice").await;
    let bob = srv.user("bob").await;
    let carol = srv.user("carol").await;
    let alice_id = srv.account_id(&alice).await;
    let carol_id = srv.account_id(&carol).await;
    let before = srv.status(&alice, "before the follow", "public").await;
    srv.post(&format!("/api/v1/accounts/{alice_id}/follow"), Some(&bob))
        .await;
    let home = srv.get("/api/v1/timelines/home", Some(&bob)).await;
    assert_eq!(
        ids(&home),
        vec![before.clone()],
        "following backfills recent posts"
    );
    let private = srv.status(&alice, "followers only", "private").await;
    let direct_other = srv.status(&alice, "@carol only", "direct").await;
    let to_carol = srv
        .post_json("/api/v1/statuses", Some(&alice), json!({"status": "@carol reply", "in_reply_to_id": srv.status(&carol, "carol's post", "public").await}))
        .await
        .body["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let home = ids(&srv.get("/api/v1/timelines/home", Some(&bob)).await);
    assert!(home.contains(&private), "followers-only reaches followers");
    assert!(!home.contains(&direct_other), "a DM to someone else does not");
    assert!(
        !home.contains(&to_carol),
        "a reply to someone bob does not follow does not"
    );
    srv.post(&format!("/api/v1/accounts/{carol_id}/follow"), Some(&bob))
        .await;
    let reply2 = srv
        .post_json(
            "/api/v1/statuses",
            Some(&alice),
            json!({"status": "another reply", "in_reply_to_id": to_carol}),
        )
        .await
        .body["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let _ = reply2;
    // Own posts are in one's own home.
    let own = ids(&srv.get("/api/v1/timelines/home", Some(&alice)).await);
    assert!(own.contains(&private) && own.contains(&direct_other));
    // Unfollow removes alice's posts from bob's home.
    srv.post(&format!("/api/v1/accounts/{alice_id}/unfollow"), Some(&bob))
        .await;
    let home = ids(&srv.get("/api/v1/timelines/home", Some(&bob)).await);
    assert!(!home.contains(&before) && !home.contains(&private));
}

#[tokio::test]
async fn boosts_reach_followers_unless_reblogs_are_off() {
    let srv = TestServer::new().await;
    let alice = srv.user("alice").await;
    let bob = srv.user("bob").await;
    let carol = srv.user("carol").await;
    let bob_id = srv.account_id(&bob).await;
    srv.post(&format!("/api/v1/accounts/{bob_id}/follow"), Some(&carol))
        .await;
    let post = srv.status(&alice, "boost me", "public").await;
    let boost = srv
        .post(&format!("/api/v1/statuses/{post}/reblog"), Some(&bob))
        .await
        .body["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let home = srv.get("/api/v1/timelines/home", Some(&carol)).await;
    assert_eq!(ids(&home), vec![boost.clone()]);
    assert_eq!(home.body[0]["reblog"]["id"], post.as_str());
    let r = srv
        .post_json(
            &format!("/api/v1/accounts/{bob_id}/follow"),
            Some(&carol),
            json!({"reblogs": false}),
        )
        .await;
    assert_eq!(r.body["showing_reblogs"], false);
    assert!(ids(&srv.get("/api/v1/timelines/home", Some(&carol)).await).is_empty());
}

#[tokio::test]
async fn public_local_tag_timelines_and_pagination() {
    let srv = TestServer::new().await;
    let alice = srv.user("alice").await;
    let bob = srv.user("bob").await;
    let mut posted = Vec::new();
    for i in 0..5 {
        posted.push(srv.status(&alice, &format!("post {i} #Paging"), "public").await);
    }
    srv.status(&alice, "unlisted #Paging", "unlisted").await;
    posted.reverse();
    let r = srv.get("/api/v1/timelines/public?limit=2", None).await;
    assert_eq!(ids(&r), posted[..2].to_vec());
    let link = r.header("link").unwrap().to_owned();
    let next = link.split(", ").find(|l| l.ends_with("rel=\"next\"")).unwrap();
    let next_path = next
        .trim_start_matches('<')
        .split('>')
        .next()
        .unwrap()
        .trim_start_matches(palisade_testkit::BASE_URL)
        .to_owned();
    let r2 = srv.get(&next_path, None).await;
    assert_eq!(ids(&r2), posted[2..4].to_vec());
    // min_id: the page right after, oldest first but returned newest first.
    let r3 = srv
        .get(
            &format!("/api/v1/timelines/public?limit=2&min_id={}", posted[4]),
            None,
        )
        .await;
    assert_eq!(ids(&r3), posted[2..4].to_vec());
    let r4 = srv
        .get(&format!("/api/v1/timelines/public?since_id={}", posted[1]), None)
        .await;
    assert_eq!(ids(&r4), vec![posted[0].clone()]);
    assert_eq!(
        ids(&srv.get("/api/v1/timelines/public?local=true", None).await).len(),
        5
    );
    assert!(ids(&srv.get("/api/v1/timelines/public?remote=true", None).await).is_empty());
    assert!(ids(&srv.get("/api/v1/timelines/public?only_media=true", None).await).is_empty());
    let tag = srv.get("/api/v1/timelines/tag/paging?limit=10", Some(&bob)).await;
    assert_eq!(ids(&tag).len(), 5, "unlisted posts stay out of tag timelines");
    // A muted author disappears from the muter's public timeline.
    let alice_id = srv.account_id(&alice).await;
    srv.post(&format!("/api/v1/accounts/{alice_id}/mute"), Some(&bob))
        .await;
    assert!(ids(&srv.get("/api/v1/timelines/public", Some(&bob)).await).is_empty());
    assert_eq!(srv.get("/api/v1/timelines/home", None).await.status, 401);
}

#[tokio::test]
async fn favourites_list_pages_by_favourite() {
    let srv = TestServer::new().await;
    let alice = srv.user("alice").await;
    let old = srv.status(&alice, "old", "public").await;
    let new = srv.status(&alice, "new", "public").await;
    srv.post(&format!("/api/v1/statuses/{new}/favourite"), Some(&alice))
        .await;
    srv.post(&format!("/api/v1/statuses/{old}/favourite"), Some(&alice))
        .await;
    let r = srv.get("/api/v1/favourites", Some(&alice)).await;
    assert_eq!(ids(&r), vec![old, new], "newest favourite first");
}

/// Mastodon's `any[]`, `all[]` and `none[]` on a hashtag timeline (toot's timeline tests
/// use them): one of the tag and `any`, all of `all`, none of `none`; a status carrying
/// several of them comes once.
#[tokio::test]
async fn tag_timelines_take_any_all_and_none() {
    let srv = TestServer::new().await;
    let alice = srv.user("alice").await;
    let foo = srv.status(&alice, "one #foo", "public").await;
    let bar = srv.status(&alice, "two #bar", "public").await;
    let both = srv.status(&alice, "three #foo #bar", "public").await;
    let tag = |query: &str| format!("/api/v1/timelines/tag/foo{query}");
    assert_eq!(ids(&srv.get(&tag(""), None).await), [both.clone(), foo.clone()]);
    assert_eq!(
        ids(&srv.get(&tag("?any[]=bar"), None).await),
        [both.clone(), bar.clone(), foo.clone()]
    );
    assert_eq!(ids(&srv.get(&tag("?all[]=bar"), None).await), vec![both.clone()]);
    assert_eq!(ids(&srv.get(&tag("?none[]=bar"), None).await), vec![foo.clone()]);
    assert_eq!(
        ids(&srv.get(&tag("?any[]=bar&none[]=foo"), None).await),
        vec![bar.clone()]
    );
    // An unknown tag in `all` leaves nothing; in `any` or `none` it changes nothing.
    assert!(ids(&srv.get(&tag("?all[]=nowhere"), None).await).is_empty());
    assert_eq!(
        ids(&srv.get(&tag("?any[]=nowhere&none[]=nowhere"), None).await),
        [both.clone(), foo.clone()]
    );
    // Names are matched in any case, with or without '#', each once.
    assert_eq!(
        ids(&srv.get(&tag("?all[]=BAR&all[]=%23bar"), None).await),
        vec![both.clone()]
    );
    assert!(ids(&srv.get(&tag("?all[]=bar&all[]=Bar&all[]=nowhere"), None).await).is_empty());
    // Paging through `any` still gives each status once.
    let first = srv.get(&tag("?any[]=bar&limit=2"), None).await;
    assert_eq!(ids(&first), [both.clone(), bar.clone()]);
    let next = srv
        .get(&tag(&format!("?any[]=bar&limit=2&max_id={bar}")), None)
        .await;
    assert_eq!(ids(&next), [foo]);

    // A post naming a tag twice in two cases, beside a new one and a known one, carries each once.
    let r = srv
        .post_json(
            "/api/v1/statuses",
            Some(&alice),
            serde_json::json!({"status": "four #Fresh #fresh #FOO #foo"}),
        )
        .await;
    let mut names: Vec<String> = r.body["tags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap().to_lowercase())
        .collect();
    names.sort();
    assert_eq!(names, ["foo", "fresh"], "{}", r.text);
    let four = r.body["id"].as_str().unwrap().to_owned();
    assert_eq!(
        ids(&srv.get("/api/v1/timelines/tag/FRESH", None).await),
        vec![four.clone()]
    );
    assert_eq!(ids(&srv.get(&tag("?limit=1"), None).await), vec![four]);
}

/// Tags are created and read as sets, past one statement's share of bound values (a remote
/// note may name thousands): each name once in any case, in order, the same ids again.
#[tokio::test]
async fn thousands_of_tag_names_are_created_and_found_once_each_in_order() {
    use palisade_store::tags;
    let srv = TestServer::new().await;
    let mut names: Vec<String> = (0..1_200).map(|i| format!("t{i}")).collect();
    names.push("T7".into());
    let mut tx = srv.db.begin().await.unwrap();
    let made = tags::upsert(&mut tx, &names).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(made.len(), 1_200);
    assert!(made.iter().zip(&names).all(|(t, n)| t.name == *n), "in order");
    let mut tx = srv.db.begin().await.unwrap();
    let again = tags::upsert(&mut tx, &names[1_100..]).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(again.len(), 101);
    assert_eq!(again[0].id, made[1_100].id);
    assert_eq!(again[100].id, made[7].id, "T7 is t7");
    let mut wanted: Vec<String> = names.iter().rev().map(|n| n.to_uppercase()).collect();
    wanted.push("nowhere".into());
    let found = tags::by_names(&srv.db, &wanted).await.unwrap();
    assert_eq!(found.len(), 1_200);
    assert_eq!(found[0].id, made[7].id, "T7 came first");
    assert_eq!(found[1].id, made[1_199].id);
}
