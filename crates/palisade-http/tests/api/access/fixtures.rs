//! The people and objects the route walk needs: alice owns one of every private object, bob
//! is another member, dave a third account to act on, carl a member whose token carries the
//! admin scopes (so that only his role stands between him and the admin API), and a
//! moderator and an admin. Each route's path parameters are filled from these.

use palisade_testkit::{TestServer, WebSession};
use serde_json::{Value, json};

pub struct Fixtures {
    pub alice: String,
    pub bob: String,
    pub carl: String,
    pub moderator: String,
    pub admin: String,
    pub web_alice: WebSession,
    pub web_moderator: WebSession,
    pub web_admin: WebSession,
    ids: Vec<(&'static str, String)>,
    /// Alice's tokens with one narrow scope each.
    narrow: Vec<(&'static str, String)>,
}

fn id(r: &palisade_testkit::Resp, what: &str) -> String {
    assert!(r.status.is_success(), "{what}: {} {}", r.status, r.text);
    match &r.body["id"] {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        other => panic!("{what}: no id in {other}"),
    }
}

impl Fixtures {
    pub async fn make(srv: &TestServer) -> Fixtures {
        let alice = srv.user("alice").await;
        let bob = srv.user("bob").await;
        let dave = srv.user("dave").await;
        let carl = srv
            .user_with_scopes("carl", "read write follow push admin:read admin:write")
            .await;
        let moderator = srv.staff("mod", "moderator").await;
        let admin = srv.staff("root", "admin").await;
        let a = Some(alice.as_str());
        let dave_id = srv.account_id(&dave).await;
        let alice_id = srv.account_id(&alice).await;
        let public = srv.status(&alice, "hello #palisade", "public").await;
        let private = srv.status(&alice, "for my followers only", "private").await;
        let poll = srv
            .post_json(
                "/api/v1/statuses",
                a,
                json!({"status": "which?", "visibility": "private",
                       "poll": {"options": ["a", "b"], "expires_in": 3600}}),
            )
            .await;
        let poll_id = poll.body["poll"]["id"].as_str().unwrap().to_owned();
        let list = id(
            &srv.post_json("/api/v1/lists", a, json!({"title": "friends"}))
                .await,
            "list",
        );
        let filter_v1 = id(
            &srv.post_json(
                "/api/v1/filters",
                a,
                json!({"phrase": "spoiler", "context": ["home"]}),
            )
            .await,
            "v1 filter",
        );
        let filter = srv
            .post_json(
                "/api/v2/filters",
                a,
                json!({"title": "noise", "context": ["home"],
                       "keywords_attributes": [{"keyword": "loud"}]}),
            )
            .await;
        let filter_id = id(&filter, "v2 filter");
        let keyword = filter.body["keywords"][0]["id"].as_str().unwrap().to_owned();
        let filter_status = id(
            &srv.post_json(
                &format!("/api/v2/filters/{filter_id}/statuses"),
                a,
                json!({"status_id": public}),
            )
            .await,
            "filter status",
        );
        let png = palisade_media::testdata::png(8, 8, false);
        let media = id(
            &srv.upload(&alice, "a.png", "image/png", &png, &[]).await,
            "media",
        );
        let at = (std::time::SystemTime::now() + std::time::Duration::from_secs(86_400))
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs();
        let scheduled_at = time_iso(at);
        let scheduled = id(
            &srv.post_json(
                "/api/v1/statuses",
                a,
                json!({"status": "later", "scheduled_at": scheduled_at}),
            )
            .await,
            "scheduled status",
        );
        srv.status(&alice, "@dave just us", "direct").await;
        let conversations = srv.get("/api/v1/conversations", a).await;
        let conversation = conversations.body[0]["id"].as_str().unwrap().to_owned();
        let featured = id(
            &srv.post_json("/api/v1/featured_tags", a, json!({"name": "palisade"}))
                .await,
            "featured tag",
        );
        // A notification for alice (bob favourites her public post), its group key.
        srv.post(&format!("/api/v1/statuses/{public}/favourite"), Some(&bob))
            .await;
        let notes = srv.get("/api/v1/notifications", a).await;
        let notification = notes.body[0]["id"].as_str().unwrap().to_owned();
        let groups = srv.get("/api/v2/notifications", a).await;
        let group = groups.body["notification_groups"][0]["group_key"]
            .as_str()
            .unwrap()
            .to_owned();
        // A filtered notification request: alice filters strangers, dave mentions her.
        srv.patch_form(
            "/api/v2/notifications/policy",
            a,
            &[("for_not_following", "filter")],
        )
        .await;
        srv.status(&dave, "@alice hello from a stranger", "public").await;
        let requests = srv.get("/api/v1/notifications/requests", a).await;
        let request = requests.body[0]["id"].as_str().unwrap_or("1").to_owned();
        // A follow request to alice, once she is locked.
        srv.patch_form("/api/v1/accounts/update_credentials", a, &[("locked", "true")])
            .await;
        srv.post(&format!("/api/v1/accounts/{alice_id}/follow"), Some(&bob))
            .await;
        let report = id(
            &srv.post_json(
                "/api/v1/reports",
                Some(&bob),
                json!({"account_id": dave_id, "comment": "spam"}),
            )
            .await,
            "report",
        );
        let block = id(
            &srv.post_json(
                "/api/v1/admin/domain_blocks",
                Some(&admin),
                json!({"domain": "blocked.example", "severity": "silence"}),
            )
            .await,
            "domain block",
        );
        let allow = id(
            &srv.post_json(
                "/api/v1/admin/domain_allows",
                Some(&admin),
                json!({"domain": "allowed.example"}),
            )
            .await,
            "domain allow",
        );
        let bob_id = srv.account_id(&bob).await;
        let ids = vec![
            ("public_status", public),
            ("status", private),
            ("poll", poll_id),
            ("list", list),
            ("filter_v1", filter_v1),
            ("filter", filter_id),
            ("keyword", keyword),
            ("filter_status", filter_status),
            ("media", media),
            ("scheduled", scheduled),
            ("conversation", conversation),
            ("featured", featured),
            ("notification", notification),
            ("group", group),
            ("request", request),
            ("follow_request", bob_id),
            ("account", dave_id),
            ("report", report),
            ("block", block),
            ("allow", allow),
        ];
        let alice_user = srv.core.local_user("alice").await.unwrap().1;
        let mut narrow = Vec::new();
        for scope in ["push", "read:filters", "write:lists"] {
            let t = srv
                .core
                .issue_token(None, Some(alice_user.id), scope)
                .await
                .unwrap();
            narrow.push((scope, t.access_token));
        }
        Fixtures {
            narrow,
            web_alice: srv.web_session("alice").await,
            web_moderator: srv.web_session("mod").await,
            web_admin: srv.web_session("root").await,
            alice,
            bob,
            carl,
            moderator,
            admin,
            ids,
        }
    }

    /// Alice's token with only `scope`.
    pub fn narrow(&self, scope: &str) -> &str {
        self.narrow
            .iter()
            .find(|(s, _)| *s == scope)
            .map(|(_, t)| t.as_str())
            .unwrap()
    }

    fn get(&self, name: &str) -> &str {
        self.ids
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or_else(|| panic!("no fixture {name}"))
    }

    /// The concrete path for a route's template, or a panic naming the template: a new
    /// route with a new kind of parameter needs a fixture here.
    pub fn fill(&self, template: &str) -> String {
        let mut path = String::new();
        let mut prefix = String::new();
        for seg in template.split('/').skip(1) {
            prefix.push('/');
            prefix.push_str(seg);
            let value = match seg {
                "{id}" | "{key}" => self.object(&prefix, template),
                "{name}" if template.contains("/reactions/") => "%F0%9F%91%8D",
                "{name}" => "alice",
                "{hashtag}" => "palisade",
                "{domain}" => "remote.example",
                "{file}" => "following.csv",
                "{which}" => "avatar",
                "{*path}" => "cache/none.png",
                "{action}" => action(template),
                "@{name}" => "@alice",
                s if s.contains('{') => panic!("no fixture for {s} in {template}: add one"),
                s => s,
            };
            path.push('/');
            path.push_str(value);
        }
        if path.is_empty() {
            path.push('/');
        }
        let query = match template {
            "/api/v1/accounts/lookup" => "acct=alice".to_owned(),
            "/api/v1/admin/domain_blocks/preview" | "/admin/domain_blocks/new" => {
                "domain=x.example".to_owned()
            }
            "/api/v1/domain_blocks/preview" | "/domain_blocks/new" => "domain=x.example".to_owned(),
            "/.well-known/webfinger" => "resource=acct:alice@palisade.test".to_owned(),
            "/api/v1/streaming" => "stream=user".to_owned(),
            "/api/v1/streaming/list" => format!("list={}", self.get("list")),
            "/api/v1/streaming/hashtag" | "/api/v1/streaming/hashtag/local" => "tag=palisade".to_owned(),
            _ => return path,
        };
        format!("{path}?{query}")
    }

    fn object(&self, prefix: &str, template: &str) -> &str {
        let name = match prefix {
            "/api/v1/statuses/{id}" => "status",
            "/api/v1/polls/{id}" => "poll",
            "/api/v1/lists/{id}" | "/api/v1/timelines/list/{id}" => "list",
            "/api/v1/filters/{id}" => "filter_v1",
            "/api/v2/filters/keywords/{id}" => "keyword",
            "/api/v2/filters/statuses/{id}" => "filter_status",
            "/api/v2/filters/{id}" => "filter",
            "/api/v1/media/{id}" => "media",
            "/api/v1/scheduled_statuses/{id}" => "scheduled",
            "/api/v1/conversations/{id}" => "conversation",
            "/api/v1/featured_tags/{id}" => "featured",
            "/api/v1/notifications/requests/{id}" => "request",
            "/api/v1/notifications/{id}" => "notification",
            "/api/v2/notifications/{key}" => "group",
            "/api/v1/follow_requests/{id}" => "follow_request",
            "/api/v1/accounts/{id}" | "/api/v1/suggestions/{id}" | "/accounts/{id}" => "account",
            "/api/v1/admin/reports/{id}" | "/admin/reports/{id}" => "report",
            "/api/v1/admin/domain_blocks/{id}" | "/admin/domain_blocks/{id}" => "block",
            "/api/v1/admin/domain_allows/{id}" | "/admin/domain_allows/{id}" => "allow",
            "/users/{name}/statuses/{id}" | "/statuses/{id}" | "/@{name}/{id}" => "public_status",
            // No such object: the route must still answer by its access rules.
            "/api/v1/announcements/{id}"
            | "/emojis/{id}"
            | "/admin/sign_ups/{id}"
            | "/settings/severed_relationships/{id}" => return "1",
            _ => panic!("no fixture for the id in {template}: add one"),
        };
        self.get(name)
    }
}

/// The action a route's `{action}` is filled with: a harmless one.
fn action(template: &str) -> &'static str {
    match template {
        "/api/v1/admin/instances/{domain}/{action}" | "/admin/peers/{domain}/{action}" => "resume",
        "/statuses/{id}/{action}" => "bookmark",
        "/accounts/{id}/{action}" => "mute",
        "/admin/reports/{id}/{action}" => "resolve",
        "/admin/sign_ups/{id}/{action}" => "approve",
        _ => panic!("no action for {template}: add one"),
    }
}

/// An ISO 8601 time from Unix seconds (UTC).
fn time_iso(secs: u64) -> String {
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    // Civil from days (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}
