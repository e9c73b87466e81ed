//! A browser for the web interface's tests: its cookies, and the CSRF token of the last page
//! it read; forms as urlencoded or multipart (with files) bodies.

use axum::http::Method;
use palisade_testkit::{Resp, TestServer};

/// A browser: its cookies, and the CSRF token of the last page it read.
pub struct Browser<'a> {
    pub srv: &'a TestServer,
    pub cookies: Vec<(String, String)>,
    pub token: String,
}

fn token_in(html: &str) -> Option<String> {
    let at = html.find("name=\"authenticity_token\" value=\"")? + 33;
    Some(html[at..].split('"').next()?.to_owned())
}

impl<'a> Browser<'a> {
    pub fn new(srv: &'a TestServer) -> Self {
        Browser {
            srv,
            cookies: Vec::new(),
            token: String::new(),
        }
    }

    fn keep(&mut self, r: &Resp) {
        for v in r.headers.get_all("set-cookie") {
            let v = v.to_str().unwrap();
            let (kv, _) = v.split_once(';').unwrap_or((v, ""));
            let (k, val) = kv.split_once('=').unwrap();
            self.cookies.retain(|(n, _)| n != k);
            if !val.is_empty() {
                self.cookies.push((k.to_owned(), val.to_owned()));
            }
        }
        if let Some(t) = token_in(&r.text) {
            self.token = t;
        }
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    pub async fn get(&mut self, path: &str) -> Resp {
        let c = self.cookie_header();
        let r = self
            .srv
            .request_with(Method::GET, path, None, None, &[("cookie", &c)])
            .await;
        self.keep(&r);
        r
    }

    /// A form POST; the page's CSRF token is added unless `with_token` is false.
    pub async fn post(&mut self, path: &str, form: &[(&str, &str)], with_token: bool) -> Resp {
        let mut fields: Vec<(&str, &str)> = form.to_vec();
        let token = self.token.clone();
        if with_token {
            fields.push(("authenticity_token", &token));
        }
        let body = serde_urlencoded::to_string(&fields).unwrap();
        let c = self.cookie_header();
        let r = self
            .srv
            .request_with(
                Method::POST,
                path,
                None,
                Some(("application/x-www-form-urlencoded", body)),
                &[("cookie", &c)],
            )
            .await;
        self.keep(&r);
        r
    }

    pub async fn sign_in(&mut self, login: &str) -> Resp {
        self.get("/auth/sign_in").await;
        self.post(
            "/auth/sign_in",
            &[("login", login), ("password", "correct horse battery")],
            true,
        )
        .await
    }

    /// A multipart form with files, as a browser sends the compose form: the page's CSRF
    /// token first (unless `with_token` is false), then `form`, then `files`.
    pub async fn post_files(
        &mut self,
        path: &str,
        form: &[(&str, &str)],
        files: &[(&str, &str, &str, &[u8])],
        with_token: bool,
    ) -> Resp {
        let token = self.token.clone();
        let mut fields: Vec<(&str, &str)> = Vec::new();
        if with_token {
            fields.push(("authenticity_token", &token));
        }
        fields.extend_from_slice(form);
        let c = self.cookie_header();
        let r = self
            .srv
            .multipart_with(Method::POST, path, None, &fields, files, &[("cookie", &c)])
            .await;
        self.keep(&r);
        r
    }
}
