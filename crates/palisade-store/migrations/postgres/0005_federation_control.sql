-- Federation control: member domain blocks, instance domain policies, severed relationships
-- (kept so that lifting a suspension within its grace period can restore them), audit log.

CREATE TABLE account_domain_blocks (
    id          BIGINT PRIMARY KEY,
    account_id  BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    domain      TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    UNIQUE (account_id, domain)
);

-- An event that severed follows: a member's domain block, an instance suspension.
CREATE TABLE severance_events (
    id           BIGINT PRIMARY KEY,
    kind         TEXT NOT NULL,      -- domain_block | user_domain_block | account_suspension
    target_name  TEXT NOT NULL,
    purged       BOOLEAN NOT NULL DEFAULT FALSE,
    created_at   BIGINT NOT NULL
);

-- What one member lost in an event (the notification's counts).
CREATE TABLE account_severances (
    id               BIGINT PRIMARY KEY,
    account_id       BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    event_id         BIGINT NOT NULL REFERENCES severance_events (id) ON DELETE CASCADE,
    followers_count  BIGINT NOT NULL,
    following_count  BIGINT NOT NULL,
    created_at       BIGINT NOT NULL
);
CREATE INDEX account_severances_account ON account_severances (account_id, id DESC);

-- Each severed follow, as it was.
CREATE TABLE severed_relationships (
    id                 BIGINT PRIMARY KEY,
    event_id           BIGINT NOT NULL REFERENCES severance_events (id) ON DELETE CASCADE,
    account_id         BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    target_account_id  BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    show_reblogs       BOOLEAN NOT NULL DEFAULT TRUE,
    notify             BOOLEAN NOT NULL DEFAULT FALSE,
    languages          TEXT,
    uri                TEXT,
    created_at         BIGINT NOT NULL
);
CREATE INDEX severed_relationships_event ON severed_relationships (event_id);

-- Instance policies per domain (subdomains included).
CREATE TABLE domain_blocks (
    id               BIGINT PRIMARY KEY,
    domain           TEXT NOT NULL UNIQUE,
    severity         TEXT NOT NULL,            -- noop | silence | suspend
    reject_media     BOOLEAN NOT NULL DEFAULT FALSE,
    reject_reports   BOOLEAN NOT NULL DEFAULT FALSE,
    private_comment  TEXT,
    public_comment   TEXT,
    obfuscate        BOOLEAN NOT NULL DEFAULT FALSE,
    expires_at       BIGINT,
    severance_event_id BIGINT,
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL
);

CREATE TABLE domain_allows (
    id          BIGINT PRIMARY KEY,
    domain      TEXT NOT NULL UNIQUE,
    created_at  BIGINT NOT NULL
);

-- Every moderation action: who, what, when, before and after.
CREATE TABLE admin_actions (
    id           BIGINT PRIMARY KEY,
    account_id   BIGINT,
    action       TEXT NOT NULL,
    target_type  TEXT NOT NULL,
    target       TEXT NOT NULL,
    before_json  TEXT,
    after_json   TEXT,
    created_at   BIGINT NOT NULL
);
CREATE INDEX admin_actions_recent ON admin_actions (id DESC);

-- A `severed_relationships` notification points at its event.
ALTER TABLE notifications ADD COLUMN event_id BIGINT;
