//! The public URLs of local things. ActivityPub ids use `/users/NAME` (as Mastodon does) so
//! that peers and Palisade agree on them; profile pages use `/@NAME`.

pub struct Urls<'a> {
    base: &'a str,
    /// Where this instance's own files are served (a CDN), if not under `base/system`.
    files: Option<&'a str>,
}

impl<'a> Urls<'a> {
    pub fn new(base: &'a str) -> Urls<'a> {
        Urls { base, files: None }
    }

    pub fn with_files(base: &'a str, files: Option<&'a str>) -> Urls<'a> {
        Urls { base, files }
    }

    /// A stored file of this instance (its key).
    pub fn file(&self, key: &str) -> String {
        match self.files {
            Some(f) => format!("{}/{key}", f.trim_end_matches('/')),
            None => format!("{}/system/{key}", self.base),
        }
    }

    /// A remote file, served (fetched first when not cached) by this instance.
    pub fn proxy(&self, media_id: i64, variant: &str) -> String {
        format!("{}/system/proxy/{media_id}/{variant}", self.base)
    }

    /// A path as stored for profile images and emoji: `proxy/…` or a file key.
    pub fn served(&self, path: &str) -> String {
        if path.starts_with("proxy/") {
            format!("{}/system/{path}", self.base)
        } else {
            self.file(path)
        }
    }

    /// An emoji as an ActivityPub object.
    pub fn emoji(&self, id: i64) -> String {
        format!("{}/emojis/{id}", self.base)
    }
    pub fn base(&self) -> &str {
        self.base
    }
    pub fn actor(&self, username: &str) -> String {
        format!("{}/users/{username}", self.base)
    }
    pub fn profile(&self, username: &str) -> String {
        format!("{}/@{username}", self.base)
    }
    pub fn inbox(&self, username: &str) -> String {
        format!("{}/users/{username}/inbox", self.base)
    }
    pub fn shared_inbox(&self) -> String {
        format!("{}/inbox", self.base)
    }
    pub fn outbox(&self, username: &str) -> String {
        format!("{}/users/{username}/outbox", self.base)
    }
    pub fn followers(&self, username: &str) -> String {
        format!("{}/users/{username}/followers", self.base)
    }
    pub fn following(&self, username: &str) -> String {
        format!("{}/users/{username}/following", self.base)
    }
    pub fn featured(&self, username: &str) -> String {
        format!("{}/users/{username}/collections/featured", self.base)
    }
    pub fn status(&self, username: &str, id: i64) -> String {
        format!("{}/users/{username}/statuses/{id}", self.base)
    }
    pub fn status_page(&self, username: &str, id: i64) -> String {
        format!("{}/@{username}/{id}", self.base)
    }
    pub fn boost(&self, username: &str, id: i64) -> String {
        format!("{}/users/{username}/statuses/{id}/activity", self.base)
    }
    pub fn tag(&self, name: &str) -> String {
        format!("{}/tags/{}", self.base, name.to_lowercase())
    }
    pub fn default_avatar(&self) -> String {
        format!("{}/avatars/original/missing.png", self.base)
    }
    pub fn default_header(&self) -> String {
        format!("{}/headers/original/missing.png", self.base)
    }
}
