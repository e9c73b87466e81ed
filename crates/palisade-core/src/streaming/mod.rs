//! The streaming room's rules: which streams exist (Mastodon's names), who may subscribe to
//! them, and, for each live event, what each subscriber receives (`fanout`). The web layer
//! holds the connections and turns messages into JSON; every message is built by the same
//! services and rules as the REST timelines, for its own subscriber.

mod fanout;

use palisade_store::accounts::Account;
use palisade_store::feeds::Origin;

pub use fanout::{Delivery, LiveMessage, Subscriber};

use crate::auth::Viewer;
use crate::{Core, Error, Result};

/// A stream a client subscribes to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Stream {
    /// Home timeline events and notifications (`user`).
    User,
    /// Notifications only (`user:notification`).
    UserNotification,
    /// The federated timeline (`public`, `public:local`, `public:remote`, `…:media`).
    Public {
        origin: Origin,
        only_media: bool,
    },
    /// A hashtag (`hashtag`, `hashtag:local`), named in lowercase.
    Hashtag {
        tag: String,
        local: bool,
    },
    List(i64),
    /// Direct-message conversations (`direct`).
    Direct,
}

/// Why a stream cannot be subscribed to, in Mastodon's words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StreamError {
    Unknown,
    MissingTag,
    MissingList,
    /// 401: no token where one is needed.
    Unauthenticated,
    /// 401: the token lacks the scope.
    Scope,
    /// 404-like: not the viewer's list.
    NoSuchList,
}

impl StreamError {
    pub fn message(&self) -> &'static str {
        match self {
            StreamError::Unknown => "Unknown stream type",
            StreamError::MissingTag => "Missing tag name parameter",
            StreamError::MissingList => "Missing list name parameter",
            StreamError::Unauthenticated => "Missing access token",
            StreamError::Scope => "Access token does not have the required scopes",
            StreamError::NoSuchList => "List not found",
        }
    }

    /// The HTTP status Mastodon's streaming server answers with.
    pub fn status(&self) -> u16 {
        match self {
            StreamError::Unauthenticated | StreamError::Scope => 401,
            StreamError::NoSuchList => 404,
            _ => 400,
        }
    }
}

impl Stream {
    /// A stream by Mastodon's name, with its `tag` or `list` parameter.
    pub fn parse(
        name: &str,
        tag: Option<&str>,
        list: Option<&str>,
    ) -> std::result::Result<Stream, StreamError> {
        let public = |origin, only_media| Ok(Stream::Public { origin, only_media });
        let hashtag = |local| match tag
            .map(|t| t.trim().trim_start_matches('#'))
            .filter(|t| !t.is_empty())
        {
            Some(t) => Ok(Stream::Hashtag {
                tag: t.to_lowercase(),
                local,
            }),
            None => Err(StreamError::MissingTag),
        };
        match name {
            "user" => Ok(Stream::User),
            "user:notification" => Ok(Stream::UserNotification),
            "public" => public(Origin::All, false),
            "public:media" => public(Origin::All, true),
            "public:local" => public(Origin::Local, false),
            "public:local:media" => public(Origin::Local, true),
            "public:remote" => public(Origin::Remote, false),
            "public:remote:media" => public(Origin::Remote, true),
            "hashtag" => hashtag(false),
            "hashtag:local" => hashtag(true),
            "list" => match list {
                None | Some("") => Err(StreamError::MissingList),
                Some(l) => l
                    .trim()
                    .parse()
                    .map(Stream::List)
                    .map_err(|_| StreamError::NoSuchList),
            },
            "direct" => Ok(Stream::Direct),
            _ => Err(StreamError::Unknown),
        }
    }

    /// The stream's name as events carry it.
    pub fn name(&self) -> &'static str {
        match self {
            Stream::User => "user",
            Stream::UserNotification => "user:notification",
            Stream::Public { origin, only_media } => match (origin, only_media) {
                (Origin::All, false) => "public",
                (Origin::All, true) => "public:media",
                (Origin::Local, false) => "public:local",
                (Origin::Local, true) => "public:local:media",
                (Origin::Remote, false) => "public:remote",
                (Origin::Remote, true) => "public:remote:media",
            },
            Stream::Hashtag { local: false, .. } => "hashtag",
            Stream::Hashtag { local: true, .. } => "hashtag:local",
            Stream::List(_) => "list",
            Stream::Direct => "direct",
        }
    }

    /// The `stream` array of a WebSocket event: `["user"]`, `["hashtag", "tag"]`,
    /// `["list", "id"]`.
    pub fn names(&self) -> Vec<String> {
        let mut out = vec![self.name().to_owned()];
        match self {
            Stream::Hashtag { tag, .. } => out.push(tag.clone()),
            Stream::List(id) => out.push(id.to_string()),
            _ => {}
        }
        out
    }

    fn needs_account(&self) -> bool {
        matches!(
            self,
            Stream::User | Stream::UserNotification | Stream::List(_) | Stream::Direct
        )
    }
}

impl Core {
    /// Whether `viewer` (`None`: no token) may subscribe to `stream`: a signed-in user for
    /// their own streams and lists, `read` or `read:statuses` (`read:notifications` for
    /// notifications only) for any stream read with a token.
    pub async fn authorize_stream(
        &self,
        viewer: Option<&Viewer>,
        stream: &Stream,
    ) -> std::result::Result<(), StreamError> {
        let Some(v) = viewer else {
            return if stream.needs_account() {
                Err(StreamError::Unauthenticated)
            } else {
                Ok(())
            };
        };
        let scopes: &[&str] = match stream {
            Stream::UserNotification => &["read:notifications"],
            _ => &["read:statuses"],
        };
        if v.require_scope(scopes).is_err() {
            return Err(StreamError::Scope);
        }
        if stream.needs_account() && v.account.is_none() {
            return Err(StreamError::Unauthenticated);
        }
        if let Stream::List(id) = stream {
            match self.list(v, *id).await {
                Ok(_) => {}
                Err(Error::NotFound(_)) => return Err(StreamError::NoSuchList),
                Err(e) => {
                    tracing::warn!(error = %e, "checking a list stream failed");
                    return Err(StreamError::NoSuchList);
                }
            }
        }
        Ok(())
    }

    /// A subscriber's account, fresh (blocks and the like are read per event anyway).
    pub fn subscriber(key: u64, viewer: Option<&Viewer>, stream: Stream) -> Subscriber {
        Subscriber {
            key,
            account: viewer.and_then(|v| v.account.clone()),
            notifications: viewer.is_some_and(|v| v.require_scope(&["read:notifications"]).is_ok()),
            stream,
        }
    }
}

/// The account of a subscriber, if signed in.
pub(crate) fn account_of(s: &Subscriber) -> Option<&Account> {
    s.account.as_ref()
}

pub(crate) type Outcome = Result<Vec<Delivery>>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stream_names_round_trip() {
        for name in [
            "user",
            "user:notification",
            "public",
            "public:media",
            "public:local",
            "public:local:media",
            "public:remote",
            "public:remote:media",
            "direct",
        ] {
            assert_eq!(Stream::parse(name, None, None).unwrap().name(), name);
        }
        let tag = Stream::parse("hashtag:local", Some("#Rust"), None).unwrap();
        assert_eq!(tag.names(), vec!["hashtag:local", "rust"]);
        assert_eq!(Stream::parse("hashtag", None, None), Err(StreamError::MissingTag));
        assert_eq!(
            Stream::parse("list", None, Some("12")).unwrap().names(),
            vec!["list", "12"]
        );
        assert_eq!(
            Stream::parse("mastodonpy_invalid_stream", None, None),
            Err(StreamError::Unknown)
        );
    }
}
