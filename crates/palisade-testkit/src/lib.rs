//! A Palisade instance in-process on a fresh database, and an HTTP client for it.
//! SQLite by default; PostgreSQL when `PALISADE_TEST_DATABASE_URL` is set (CI runs both).

pub mod fuzzing;

use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode};
use http_body_util::BodyExt;
use palisade_core::accounts::NewUser;

use palisade_core::{Core, Settings};
use palisade_federation::{Federation, FederationConfig};
use palisade_http::AppState;
use palisade_store::Db;
use serde_json::Value;
use tower::ServiceExt;
use tower_http::normalize_path::NormalizePath;

pub mod streaming;

pub const BASE_URL: &str = "https://palisade.test";
pub const DOMAIN: &str = "palisade.test";

/// Where a test server keeps its data.
#[derive(Clone, Debug)]
pub enum TestDatabase {
    /// A fresh database on the PostgreSQL server of `PALISADE_TEST_DATABASE_URL` when it is
    /// set, else a fresh SQLite file in the temporary folder.
    FromEnv,
    /// A fresh database on this PostgreSQL server (`postgres://…/postgres`).
    FreshPostgres(String),
    /// A fresh SQLite file in this folder (a small file system, in the fault tests).
    SqliteIn(std::path::PathBuf),
}

pub struct TestServer {
    pub core: Core,
    /// The database, for tests that look underneath the services.
    pub db: Db,
    pub fed: Federation,
    /// For spawned servers: the job runners.
    runners: Option<palisade_jobs::Runners>,
    /// The streaming connections of this server.
    pub hub: palisade_http::streaming::Hub,
    /// For spawned servers: the base URL.
    pub url: String,
    /// The database this server uses (another process would connect to the same).
    pub database_url: String,
    app: NormalizePath<axum::Router>,
    sqlite_path: Option<std::path::PathBuf>,
    /// On PostgreSQL: the server the test database was made on (it is dropped there).
    pg_base: Option<String>,
}

/// A response: status, headers and JSON body (`Value::Null` when not JSON).
#[derive(Debug)]
pub struct Resp {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Value,
    pub text: String,
}

/// A browser's web session: its `cookie` header and its forms' `authenticity_token`.
#[derive(Clone, Debug)]
pub struct WebSession {
    pub cookie: String,
    pub csrf: String,
}

impl Resp {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

impl TestServer {
    pub async fn new() -> TestServer {
        Self::with_settings(Settings::for_tests(DOMAIN, BASE_URL)).await
    }

    pub async fn with_settings(settings: Settings) -> TestServer {
        Self::on_database(settings, TestDatabase::FromEnv).await
    }

    /// A server on the database `where_` says (fault tests use their own).
    pub async fn on_database(settings: Settings, where_: TestDatabase) -> TestServer {
        // Errors logged by the server show up in a failing test's output.
        let _ = tracing_subscriber::fmt()
            .with_test_writer()
            .with_env_filter("warn")
            .try_init();
        let from_env = std::env::var("PALISADE_TEST_DATABASE_URL")
            .ok()
            .filter(|b| !b.is_empty());
        let where_ = match (where_, from_env) {
            (TestDatabase::FromEnv, Some(base)) => TestDatabase::FreshPostgres(base),
            (TestDatabase::FromEnv, None) => TestDatabase::SqliteIn(std::env::temp_dir()),
            (other, _) => other,
        };
        let (url, sqlite_path, pg_base) = match where_ {
            TestDatabase::FreshPostgres(base) => (
                palisade_store::testing::fresh_postgres(&base)
                    .await
                    .expect("create a test database"),
                None,
                Some(base),
            ),
            TestDatabase::SqliteIn(dir) => {
                let mut bytes = [0u8; 8];
                getrandom::fill(&mut bytes).expect("random");
                let path = dir.join(format!("palisade-test-{}.db", u64::from_le_bytes(bytes)));
                (format!("sqlite:{}", path.display()), Some(path), None)
            }
            TestDatabase::FromEnv => unreachable!("resolved above"),
        };
        let database_url = url.clone();
        let db = Db::connect(&url).await.expect("connect to the test database");
        palisade_store::migrate(&db).await.expect("migrate");
        let core = Core::new(db.clone(), settings);
        let mut config = FederationConfig::new("Palisade test".into());
        // Test instances talk to each other over loopback and plain HTTP.
        config.fetch.allow_private_addresses = true;
        config.plain_http_peers = true;
        let fed = Federation::new(core.clone(), config).await.expect("federation");
        let state = AppState::new(fed.clone());
        let hub = state.hub.clone();
        let app = palisade_http::app(state);
        let url = core.settings.public_url.clone();
        TestServer {
            core,
            db,
            fed,
            app,
            sqlite_path,
            pg_base,
            runners: None,
            hub,
            url,
            database_url,
        }
    }

    /// A server listening for real on `127.0.0.{n}` (a random port), with its federation
    /// workers running, so that two of them federate over HTTP.
    pub async fn spawn(n: u8) -> TestServer {
        Self::spawn_with(n, |_| {}).await
    }

    /// `spawn`, with settings changed by `adjust` first.
    pub async fn spawn_with(n: u8, adjust: impl FnOnce(&mut Settings)) -> TestServer {
        Self::spawn_on(n, TestDatabase::FromEnv, adjust).await
    }

    /// `spawn_with`, on the database `where_` says.
    pub async fn spawn_on(n: u8, where_: TestDatabase, adjust: impl FnOnce(&mut Settings)) -> TestServer {
        let listener = tokio::net::TcpListener::bind((format!("127.0.0.{n}"), 0))
            .await
            .expect("bind");
        let port = listener.local_addr().expect("address").port();
        let domain = format!("127.0.0.{n}:{port}");
        let mut settings = Settings::for_tests(&domain, &format!("http://{domain}"));
        adjust(&mut settings);
        let mut srv = Self::on_database(settings, where_).await;
        let app = srv.app.clone();
        tokio::spawn(async move {
            let service = axum::ServiceExt::<axum::extract::Request>::into_make_service_with_connect_info::<
                std::net::SocketAddr,
            >(app);
            let _ = axum::serve(listener, service).await;
        });
        srv.start_runners();
        srv
    }

    /// Starts the job runners (spawned servers have them from the start).
    pub fn start_runners(&mut self) {
        if self.runners.is_none() {
            self.runners = Some(palisade_jobs::start(
                self.fed.clone(),
                palisade_jobs::Config::default(),
            ));
        }
    }

    /// A new user with `role` (`admin`, `moderator`…) and a token with the admin scopes.
    pub async fn staff(&self, username: &str, role: &str) -> String {
        let token = self
            .user_with_scopes(username, "read write follow admin:read admin:write")
            .await;
        self.core.set_role(username, role).await.expect("set role");
        token
    }

    /// The local id of a remote `user@domain`, resolved through search (WebFinger).
    pub async fn resolve(&self, token: &str, handle: &str) -> String {
        let r = self
            .get(
                &format!("/api/v2/search?q=%40{handle}&resolve=true&type=accounts"),
                Some(token),
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.text);
        r.body["accounts"][0]["id"]
            .as_str()
            .unwrap_or_else(|| panic!("{handle} not resolved: {}", r.text))
            .to_owned()
    }

    /// A remote account stored as if fetched from `domain` (nothing is contacted).
    pub async fn remote_account(&self, username: &str, domain: &str) -> palisade_store::accounts::Account {
        let base = format!("https://{domain}");
        let profile = palisade_store::accounts::RemoteProfile {
            uri: format!("{base}/users/{username}"),
            username: username.into(),
            domain: domain.into(),
            actor_type: "Person".into(),
            url: format!("{base}/@{username}"),
            inbox_url: Some(format!("{base}/users/{username}/inbox")),
            shared_inbox_url: Some(format!("{base}/inbox")),
            ..Default::default()
        };
        self.core
            .store_remote_actor(&profile, &[])
            .await
            .expect("store a remote account")
    }

    /// `follower` follows `target`, written straight to the store (no activity, no counters):
    /// ties with remote accounts that no peer needs to confirm.
    pub async fn follow_directly(&self, follower: i64, target: i64, show_reblogs: bool) {
        use palisade_store::relationships::{self, Follow, FollowTable};
        let follow = Follow {
            id: palisade_store::ids::new_id(),
            account_id: follower,
            target_account_id: target,
            show_reblogs,
            notify: false,
            languages: None,
            uri: None,
            created_at: 0,
        };
        relationships::insert(&self.db, FollowTable::Follows, &follow)
            .await
            .expect("insert a follow");
    }

    /// The viewer's Relationship with account `id` (`/api/v1/accounts/relationships`).
    pub async fn relationship(&self, token: &str, id: &str) -> Value {
        let r = self
            .get(&format!("/api/v1/accounts/relationships?id[]={id}"), Some(token))
            .await;
        r.body[0].clone()
    }

    /// `user@domain` of a local username here.
    pub fn handle(&self, username: &str) -> String {
        format!("{username}@{}", self.core.settings.domain)
    }

    /// Polls `check` every 100 ms for up to 30 s (a loaded CI machine is slow); panics with
    /// `what` if it never holds.
    pub async fn eventually<F, Fut>(&self, what: &str, mut check: F)
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = bool>,
    {
        for _ in 0..300 {
            if check().await {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        panic!("timed out waiting for: {what}");
    }

    pub fn backend(&self) -> palisade_store::Backend {
        self.db.backend()
    }

    /// Creates a user and returns a token with `read write follow push`.
    pub async fn user(&self, username: &str) -> String {
        self.user_with_scopes(username, "read write follow push").await
    }

    pub async fn user_with_scopes(&self, username: &str, scopes: &str) -> String {
        let (_, user) = self
            .core
            .create_user(NewUser {
                username: username.into(),
                email: format!("{username}@example.com"),
                password: "correct horse battery".into(),
                agreement: true,
                locale: None,
                reason: None,
                role: "user".into(),
                via_api: false,
            })
            .await
            .expect("create user");
        self.core
            .issue_token(None, Some(user.id), scopes)
            .await
            .expect("token")
            .access_token
    }

    /// A multipart form: text `fields` and `files` (field, file name, content type, bytes).
    pub async fn multipart(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        fields: &[(&str, &str)],
        files: &[(&str, &str, &str, &[u8])],
    ) -> Resp {
        self.multipart_with(method, path, token, fields, files, &[]).await
    }

    /// [`TestServer::multipart`] with extra request `headers` (a browser's cookies).
    pub async fn multipart_with(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        fields: &[(&str, &str)],
        files: &[(&str, &str, &str, &[u8])],
        headers: &[(&str, &str)],
    ) -> Resp {
        let boundary = "palisade-test-boundary-7d9f";
        let mut body: Vec<u8> = Vec::new();
        for (name, value) in fields {
            body.extend_from_slice(
                format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
                    .as_bytes(),
            );
        }
        for (name, file_name, content_type, bytes) in files {
            body.extend_from_slice(
                format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{file_name}\"\r\nContent-Type: {content_type}\r\n\r\n"
                )
                .as_bytes(),
            );
            body.extend_from_slice(bytes);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        let mut req = Request::builder().method(method).uri(path).header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        );
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        if let Some(t) = token {
            req = req.header("authorization", format!("Bearer {t}"));
        }
        self.send(req.body(Body::from(body)).expect("request")).await
    }

    /// A request with a raw body.
    /// Any request: `headers` as given, `body` as bytes (hostile inputs).
    pub async fn request_raw(
        &self,
        method: Method,
        path: &str,
        headers: &[(&str, &str)],
        body: Vec<u8>,
    ) -> Resp {
        let mut req = Request::builder().method(method).uri(path);
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        self.send(req.body(Body::from(body)).expect("request")).await
    }

    pub async fn request_bytes(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        content_type: &str,
        body: Vec<u8>,
    ) -> Resp {
        let mut req = Request::builder()
            .method(method)
            .uri(path)
            .header("content-type", content_type);
        if let Some(t) = token {
            req = req.header("authorization", format!("Bearer {t}"));
        }
        self.send(req.body(Body::from(body)).expect("request")).await
    }

    /// Uploads one file to `/api/v2/media` with `fields`.
    pub async fn upload(
        &self,
        token: &str,
        file_name: &str,
        content_type: &str,
        bytes: &[u8],
        fields: &[(&str, &str)],
    ) -> Resp {
        self.multipart(
            Method::POST,
            "/api/v2/media",
            Some(token),
            fields,
            &[("file", file_name, content_type, bytes)],
        )
        .await
    }

    /// A GET whose body is kept as bytes (files under `/system`); `headers` as given.
    pub async fn get_bytes(&self, path: &str, headers: &[(&str, &str)]) -> (StatusCode, HeaderMap, Vec<u8>) {
        let mut req = Request::builder().method(Method::GET).uri(path);
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let resp = self
            .app
            .clone()
            .oneshot(req.body(Body::empty()).expect("request"))
            .await
            .expect("response");
        let status = resp.status();
        let headers = resp.headers().clone();
        let bytes = resp.into_body().collect().await.expect("body").to_bytes();
        (status, headers, bytes.to_vec())
    }

    /// Runs every due media job now, in this task (uploads processed, remote files fetched,
    /// cards, link checks); returns how many ran.
    pub async fn run_media_jobs(&self) -> usize {
        palisade_jobs::run_due_now(&self.fed, palisade_core::jobs::Queue::Media).await
    }

    /// Every stored key under `prefix` in this instance's media storage.
    pub async fn stored(&self, prefix: &str) -> Vec<String> {
        self.core
            .storage()
            .list(prefix)
            .await
            .expect("list the media storage")
    }

    pub async fn request(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<(&str, String)>,
    ) -> Resp {
        self.request_with(method, path, token, body, &[]).await
    }

    pub async fn request_with(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<(&str, String)>,
        headers: &[(&str, &str)],
    ) -> Resp {
        let mut req = Request::builder().method(method).uri(path);
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        if let Some(t) = token {
            req = req.header("authorization", format!("Bearer {t}"));
        }
        let body = match body {
            Some((ct, b)) => {
                req = req.header("content-type", ct);
                Body::from(b)
            }
            None => Body::empty(),
        };
        self.send(req.body(body).expect("request")).await
    }

    async fn send(&self, req: Request<Body>) -> Resp {
        let resp = self.app.clone().oneshot(req).await.expect("response");
        let status = resp.status();
        let headers = resp.headers().clone();
        let bytes = resp.into_body().collect().await.expect("body").to_bytes();
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        Resp {
            status,
            headers,
            body,
            text,
        }
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> Resp {
        self.request(Method::GET, path, token, None).await
    }

    pub async fn post_json(&self, path: &str, token: Option<&str>, body: Value) -> Resp {
        self.request(
            Method::POST,
            path,
            token,
            Some(("application/json", body.to_string())),
        )
        .await
    }

    pub async fn post_form(&self, path: &str, token: Option<&str>, form: &[(&str, &str)]) -> Resp {
        let body = serde_urlencoded::to_string(form).expect("form");
        self.request(
            Method::POST,
            path,
            token,
            Some(("application/x-www-form-urlencoded", body)),
        )
        .await
    }

    pub async fn post(&self, path: &str, token: Option<&str>) -> Resp {
        self.request(Method::POST, path, token, None).await
    }

    pub async fn put_json(&self, path: &str, token: Option<&str>, body: Value) -> Resp {
        self.request(
            Method::PUT,
            path,
            token,
            Some(("application/json", body.to_string())),
        )
        .await
    }

    pub async fn patch_form(&self, path: &str, token: Option<&str>, form: &[(&str, &str)]) -> Resp {
        let body = serde_urlencoded::to_string(form).expect("form");
        self.request(
            Method::PATCH,
            path,
            token,
            Some(("application/x-www-form-urlencoded", body)),
        )
        .await
    }

    pub async fn delete(&self, path: &str, token: Option<&str>) -> Resp {
        self.request(Method::DELETE, path, token, None).await
    }

    /// Signs `login` in on the web (password "correct horse battery"): the `cookie` header
    /// value and the CSRF token its forms must carry.
    pub async fn web_session(&self, login: &str) -> WebSession {
        let (secret, _) = self
            .core
            .sign_in(login, "correct horse battery", None)
            .await
            .expect("sign in");
        WebSession {
            cookie: format!("palisade_session={secret}"),
            csrf: palisade_core::secrets::hash_token(&format!("csrf:{secret}")),
        }
    }

    /// A visitor's CSRF cookie and the token that goes with it (forms of signed-out pages).
    pub fn visitor_session() -> WebSession {
        let basis = "visitor-csrf-basis-0123456789abcdef";
        WebSession {
            cookie: format!("palisade_csrf={basis}"),
            csrf: palisade_core::secrets::hash_token(&format!("csrf:{basis}")),
        }
    }

    /// Every table's row count, read from the database's own catalog (SQLite and
    /// PostgreSQL): compared before and after requests that must write nothing.
    pub async fn row_counts(&self) -> std::collections::BTreeMap<String, i64> {
        palisade_store::census::table_row_counts(&self.db)
            .await
            .expect("count the rows of every table")
    }

    /// Posts a status and returns its id.
    pub async fn status(&self, token: &str, text: &str, visibility: &str) -> String {
        let r = self
            .post_json(
                "/api/v1/statuses",
                Some(token),
                serde_json::json!({"status": text, "visibility": visibility}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "posting failed: {}", r.text);
        r.body["id"].as_str().expect("status id").to_owned()
    }

    /// The id of the account behind a token.
    pub async fn account_id(&self, token: &str) -> String {
        let r = self.get("/api/v1/accounts/verify_credentials", Some(token)).await;
        r.body["id"].as_str().expect("account id").to_owned()
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        // Dropping the runners stops them.
        if let Some(base) = &self.pg_base {
            palisade_store::testing::drop_postgres_blocking(base, &self.database_url);
        }
        if let Some(p) = &self.sqlite_path {
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", p.display()));
            }
        }
        // The media folder of this test instance (Settings::for_tests made it unique).
        let media = &self.core.settings.media.local_path;
        if media.starts_with(std::env::temp_dir())
            && media
                .file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("palisade-test-media-"))
        {
            let _ = std::fs::remove_dir_all(media);
        }
    }
}

/// A public note number `n` of `author`, as the federation crate hands it to
/// `Core::receive_status` (published now; change fields with struct update syntax).
pub fn remote_note(
    author: &palisade_store::accounts::Account,
    n: u32,
) -> palisade_core::remote::RemoteStatus {
    palisade_core::remote::RemoteStatus {
        uri: format!("{}/statuses/{n}", author.uri),
        url: None,
        author: author.clone(),
        content_html: format!("<p>status {n} of {}</p>", author.username),
        spoiler_text: String::new(),
        sensitive: false,
        visibility: palisade_core::model::Visibility::Public,
        language: None,
        in_reply_to: None,
        in_reply_to_uri: None,
        mentions: Vec::new(),
        tags: Vec::new(),
        published: palisade_store::now_ms(),
        edited: None,
        poll: None,
        attachments: Vec::new(),
        emojis: Vec::new(),
    }
}
