//! OAuth scopes as Mastodon defines them. A granted scope covers itself and, for the
//! top-level scopes, all of its sub-scopes (`read` covers `read:statuses`); the legacy
//! `follow` scope covers the block, follow and mute sub-scopes of `read` and `write`.

/// Every scope a client may request.
pub const ALL: &[&str] = &[
    "read",
    "write",
    "follow",
    "push",
    "profile",
    "read:accounts",
    "read:blocks",
    "read:bookmarks",
    "read:favourites",
    "read:filters",
    "read:follows",
    "read:lists",
    "read:mutes",
    "read:notifications",
    "read:search",
    "read:statuses",
    "write:accounts",
    "write:blocks",
    "write:bookmarks",
    "write:conversations",
    "write:favourites",
    "write:filters",
    "write:follows",
    "write:lists",
    "write:media",
    "write:mutes",
    "write:notifications",
    "write:reports",
    "write:statuses",
    "admin:read",
    "admin:write",
    "admin:read:accounts",
    "admin:read:reports",
    "admin:read:domain_allows",
    "admin:read:domain_blocks",
    "admin:read:ip_blocks",
    "admin:read:email_domain_blocks",
    "admin:read:canonical_email_blocks",
    "admin:write:accounts",
    "admin:write:reports",
    "admin:write:domain_allows",
    "admin:write:domain_blocks",
    "admin:write:ip_blocks",
    "admin:write:email_domain_blocks",
    "admin:write:canonical_email_blocks",
];

const FOLLOW_COVERS: &[&str] = &[
    "read:blocks",
    "write:blocks",
    "read:follows",
    "write:follows",
    "read:mutes",
    "write:mutes",
];

/// A parsed, validated set of scopes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scopes(Vec<String>);

impl Scopes {
    /// Parses a space- (or `+`-, or comma-) separated list; `None` if any scope is unknown.
    pub fn parse(s: &str) -> Option<Scopes> {
        let mut out: Vec<String> = Vec::new();
        for part in s.split([' ', '+', ',']).filter(|p| !p.is_empty()) {
            if !ALL.contains(&part) {
                return None;
            }
            if !out.iter().any(|o| o == part) {
                out.push(part.to_owned());
            }
        }
        Some(Scopes(out))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn as_vec(&self) -> &[String] {
        &self.0
    }

    pub fn to_space_separated(&self) -> String {
        self.0.join(" ")
    }

    /// Whether one of the granted scopes covers `wanted`.
    pub fn allows(&self, wanted: &str) -> bool {
        self.0.iter().any(|granted| covers(granted, wanted))
    }

    /// Whether every scope in `other` is covered by this set (a token may not ask its app
    /// for more than the app registered).
    pub fn covers_all(&self, other: &Scopes) -> bool {
        other.0.iter().all(|s| self.allows(s))
    }
}

fn covers(granted: &str, wanted: &str) -> bool {
    if granted == wanted {
        return true;
    }
    if granted == "follow" {
        return FOLLOW_COVERS.contains(&wanted);
    }
    // `read` covers `read:x`; `admin:read` covers `admin:read:x`.
    wanted
        .strip_prefix(granted)
        .is_some_and(|rest| rest.starts_with(':'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hierarchy() {
        let s = Scopes::parse("read write:statuses follow").expect("valid");
        assert!(s.allows("read:accounts"));
        assert!(s.allows("write:statuses"));
        assert!(!s.allows("write:favourites"));
        assert!(s.allows("write:blocks"));
        assert!(!s.allows("admin:read"));
        assert!(!Scopes::parse("admin:read").expect("valid").allows("read"));
        assert!(
            Scopes::parse("admin:read")
                .expect("valid")
                .allows("admin:read:accounts")
        );
        assert!(!Scopes::parse("read").expect("valid").allows("readx"));
    }

    #[test]
    fn unknown_scopes_are_refused() {
        assert!(Scopes::parse("read bogus").is_none());
        assert_eq!(
            Scopes::parse("read+write").expect("valid").to_space_separated(),
            "read write"
        );
    }
}
