-- Palisade core schema (PostgreSQL). Ids are Mastodon-style time-sortable 64-bit integers
-- (milliseconds << 16 | sequence); timestamps are Unix milliseconds (BIGINT) on both backends.

CREATE TABLE accounts (
    id                BIGINT PRIMARY KEY,
    username          TEXT NOT NULL,
    domain            TEXT,                      -- NULL for local accounts
    display_name      TEXT NOT NULL DEFAULT '',
    note_source       TEXT NOT NULL DEFAULT '',  -- as typed (local) or empty (remote)
    note_html         TEXT NOT NULL DEFAULT '',
    fields_json       TEXT NOT NULL DEFAULT '[]',
    locked            BOOLEAN NOT NULL DEFAULT FALSE,
    bot               BOOLEAN NOT NULL DEFAULT FALSE,
    discoverable      BOOLEAN NOT NULL DEFAULT TRUE,
    indexable         BOOLEAN NOT NULL DEFAULT FALSE,
    hide_collections  BOOLEAN NOT NULL DEFAULT FALSE,
    avatar_url        TEXT,
    header_url        TEXT,
    uri               TEXT NOT NULL,
    url               TEXT NOT NULL,
    inbox_url         TEXT,
    shared_inbox_url  TEXT,
    outbox_url        TEXT,
    followers_url     TEXT,
    following_url     TEXT,
    featured_url      TEXT,
    public_key_pem    TEXT,
    private_key_pem   TEXT,
    statuses_count    BIGINT NOT NULL DEFAULT 0,
    followers_count   BIGINT NOT NULL DEFAULT 0,
    following_count   BIGINT NOT NULL DEFAULT 0,
    last_status_at    BIGINT,
    created_at        BIGINT NOT NULL,
    updated_at        BIGINT NOT NULL,
    fetched_at        BIGINT,
    suspended_at      BIGINT,
    silenced_at       BIGINT
);
CREATE UNIQUE INDEX accounts_username_domain ON accounts (lower(username), (COALESCE(lower(domain), '')));
CREATE UNIQUE INDEX accounts_uri ON accounts (uri);
CREATE INDEX accounts_domain ON accounts (domain) WHERE domain IS NOT NULL;

CREATE TABLE users (
    id              BIGINT PRIMARY KEY,
    account_id      BIGINT NOT NULL UNIQUE REFERENCES accounts (id) ON DELETE CASCADE,
    email           TEXT NOT NULL,
    password_hash   TEXT NOT NULL,
    role            TEXT NOT NULL DEFAULT 'user',   -- user | moderator | admin | owner
    approved        BOOLEAN NOT NULL DEFAULT TRUE,
    confirmed       BOOLEAN NOT NULL DEFAULT TRUE,
    disabled        BOOLEAN NOT NULL DEFAULT FALSE,
    locale          TEXT NOT NULL DEFAULT 'en',
    reason          TEXT,
    settings_json   TEXT NOT NULL DEFAULT '{}',
    created_at      BIGINT NOT NULL
);
CREATE UNIQUE INDEX users_email ON users (lower(email));

CREATE TABLE apps (
    id             BIGINT PRIMARY KEY,
    name           TEXT NOT NULL,
    website        TEXT,
    redirect_uris  TEXT NOT NULL,   -- newline separated
    scopes         TEXT NOT NULL,   -- space separated
    client_id      TEXT NOT NULL UNIQUE,
    client_secret  TEXT NOT NULL,
    owner_user_id  BIGINT REFERENCES users (id) ON DELETE CASCADE,
    created_at     BIGINT NOT NULL
);

CREATE TABLE oauth_codes (
    code_hash       TEXT PRIMARY KEY,
    app_id          BIGINT NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
    user_id         BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    scopes          TEXT NOT NULL,
    redirect_uri    TEXT NOT NULL,
    code_challenge  TEXT,
    expires_at      BIGINT NOT NULL
);

CREATE TABLE tokens (
    id             BIGINT PRIMARY KEY,
    token_hash     TEXT NOT NULL UNIQUE,
    refresh_hash   TEXT UNIQUE,
    app_id         BIGINT REFERENCES apps (id) ON DELETE CASCADE,
    user_id        BIGINT REFERENCES users (id) ON DELETE CASCADE,
    scopes         TEXT NOT NULL,
    created_at     BIGINT NOT NULL,
    last_used_at   BIGINT,
    revoked_at     BIGINT
);
CREATE INDEX tokens_user ON tokens (user_id);

CREATE TABLE statuses (
    id                      BIGINT PRIMARY KEY,
    account_id              BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    uri                     TEXT NOT NULL,
    url                     TEXT,
    local                   BOOLEAN NOT NULL,
    visibility              TEXT NOT NULL,          -- public | unlisted | private | direct
    text_source             TEXT NOT NULL DEFAULT '',
    content_html            TEXT NOT NULL DEFAULT '',
    spoiler_text            TEXT NOT NULL DEFAULT '',
    sensitive               BOOLEAN NOT NULL DEFAULT FALSE,
    language                TEXT,
    in_reply_to_id          BIGINT,
    in_reply_to_account_id  BIGINT,
    in_reply_to_uri         TEXT,
    reblog_of_id            BIGINT REFERENCES statuses (id) ON DELETE CASCADE,
    app_id                  BIGINT REFERENCES apps (id) ON DELETE SET NULL,
    replies_count           BIGINT NOT NULL DEFAULT 0,
    reblogs_count           BIGINT NOT NULL DEFAULT 0,
    favourites_count        BIGINT NOT NULL DEFAULT 0,
    created_at              BIGINT NOT NULL,
    edited_at               BIGINT
);
CREATE UNIQUE INDEX statuses_uri ON statuses (uri);
CREATE INDEX statuses_account ON statuses (account_id, id DESC);
CREATE INDEX statuses_reply ON statuses (in_reply_to_id) WHERE in_reply_to_id IS NOT NULL;
CREATE INDEX statuses_reblog ON statuses (reblog_of_id, account_id) WHERE reblog_of_id IS NOT NULL;
-- Public timelines: public, original (non-boost) statuses, newest first.
CREATE INDEX statuses_public ON statuses (id DESC) WHERE visibility = 'public' AND reblog_of_id IS NULL;
CREATE INDEX statuses_public_local ON statuses (local, id DESC) WHERE visibility = 'public' AND reblog_of_id IS NULL;

CREATE TABLE status_edits (
    id            BIGINT PRIMARY KEY,
    status_id     BIGINT NOT NULL REFERENCES statuses (id) ON DELETE CASCADE,
    text_source   TEXT NOT NULL,
    content_html  TEXT NOT NULL,
    spoiler_text  TEXT NOT NULL,
    sensitive     BOOLEAN NOT NULL,
    created_at    BIGINT NOT NULL
);
CREATE INDEX status_edits_status ON status_edits (status_id, id);

CREATE TABLE mentions (
    status_id   BIGINT NOT NULL REFERENCES statuses (id) ON DELETE CASCADE,
    account_id  BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    PRIMARY KEY (status_id, account_id)
);
CREATE INDEX mentions_account ON mentions (account_id, status_id DESC);

CREATE TABLE tags (
    id          BIGINT PRIMARY KEY,
    name        TEXT NOT NULL,     -- as first used
    name_lower  TEXT NOT NULL UNIQUE,
    created_at  BIGINT NOT NULL
);

CREATE TABLE status_tags (
    status_id  BIGINT NOT NULL REFERENCES statuses (id) ON DELETE CASCADE,
    tag_id     BIGINT NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
    PRIMARY KEY (status_id, tag_id)
);
CREATE INDEX status_tags_tag ON status_tags (tag_id, status_id DESC);

CREATE TABLE follows (
    id                 BIGINT PRIMARY KEY,
    account_id         BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    target_account_id  BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    show_reblogs       BOOLEAN NOT NULL DEFAULT TRUE,
    notify             BOOLEAN NOT NULL DEFAULT FALSE,
    languages          TEXT,
    uri                TEXT,
    created_at         BIGINT NOT NULL,
    UNIQUE (account_id, target_account_id)
);
CREATE INDEX follows_target ON follows (target_account_id, id DESC);
CREATE INDEX follows_account ON follows (account_id, id DESC);

CREATE TABLE follow_requests (
    id                 BIGINT PRIMARY KEY,
    account_id         BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    target_account_id  BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    show_reblogs       BOOLEAN NOT NULL DEFAULT TRUE,
    notify             BOOLEAN NOT NULL DEFAULT FALSE,
    languages          TEXT,
    uri                TEXT,
    created_at         BIGINT NOT NULL,
    UNIQUE (account_id, target_account_id)
);
CREATE INDEX follow_requests_target ON follow_requests (target_account_id, id DESC);

CREATE TABLE blocks (
    id                 BIGINT PRIMARY KEY,
    account_id         BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    target_account_id  BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    uri                TEXT,
    created_at         BIGINT NOT NULL,
    UNIQUE (account_id, target_account_id)
);
CREATE INDEX blocks_target ON blocks (target_account_id);

CREATE TABLE mutes (
    id                  BIGINT PRIMARY KEY,
    account_id          BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    target_account_id   BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    hide_notifications  BOOLEAN NOT NULL DEFAULT TRUE,
    expires_at          BIGINT,
    created_at          BIGINT NOT NULL,
    UNIQUE (account_id, target_account_id)
);

CREATE TABLE favourites (
    id          BIGINT PRIMARY KEY,
    account_id  BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    status_id   BIGINT NOT NULL REFERENCES statuses (id) ON DELETE CASCADE,
    uri         TEXT,
    created_at  BIGINT NOT NULL,
    UNIQUE (account_id, status_id)
);
CREATE INDEX favourites_status ON favourites (status_id, id DESC);
CREATE INDEX favourites_account ON favourites (account_id, id DESC);

CREATE TABLE bookmarks (
    id          BIGINT PRIMARY KEY,
    account_id  BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    status_id   BIGINT NOT NULL REFERENCES statuses (id) ON DELETE CASCADE,
    created_at  BIGINT NOT NULL,
    UNIQUE (account_id, status_id)
);
CREATE INDEX bookmarks_account ON bookmarks (account_id, id DESC);

CREATE TABLE status_pins (
    id          BIGINT PRIMARY KEY,
    account_id  BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    status_id   BIGINT NOT NULL REFERENCES statuses (id) ON DELETE CASCADE,
    created_at  BIGINT NOT NULL,
    UNIQUE (account_id, status_id)
);

-- Home timelines are materialised on write (as Mastodon does in Redis) so that reading a
-- page is one index range scan: (account_id, status_id DESC).
CREATE TABLE home_feed (
    account_id  BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    status_id   BIGINT NOT NULL REFERENCES statuses (id) ON DELETE CASCADE,
    author_id   BIGINT NOT NULL,   -- who posted or boosted: lets unfollow remove entries by index
    PRIMARY KEY (account_id, status_id)
);
CREATE INDEX home_feed_author ON home_feed (account_id, author_id);
CREATE INDEX home_feed_status ON home_feed (status_id);

CREATE TABLE notifications (
    id               BIGINT PRIMARY KEY,
    account_id       BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    from_account_id  BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    kind             TEXT NOT NULL,
    status_id        BIGINT REFERENCES statuses (id) ON DELETE CASCADE,
    created_at       BIGINT NOT NULL
);
CREATE INDEX notifications_account ON notifications (account_id, id DESC);
CREATE INDEX notifications_from ON notifications (from_account_id);

CREATE TABLE markers (
    account_id  BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    timeline    TEXT NOT NULL,
    last_read_id BIGINT NOT NULL,
    version     BIGINT NOT NULL DEFAULT 0,
    updated_at  BIGINT NOT NULL,
    PRIMARY KEY (account_id, timeline)
);

-- Replays of POST /api/v1/statuses with the same Idempotency-Key return the first result.
CREATE TABLE idempotency_keys (
    account_id  BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    key         TEXT NOT NULL,
    status_id   BIGINT NOT NULL REFERENCES statuses (id) ON DELETE CASCADE,
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (account_id, key)
);
