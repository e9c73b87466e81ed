-- Federation: actor types and keys, durable jobs, inbound de-duplication, tombstones, peers.

ALTER TABLE accounts ADD COLUMN actor_type TEXT NOT NULL DEFAULT 'Person';
ALTER TABLE accounts ADD COLUMN key_id TEXT;
CREATE INDEX accounts_key_id ON accounts (key_id);

-- Further keys of remote actors (several keys per actor, Multikeys): key id → account.
CREATE TABLE account_keys (
    key_id          TEXT PRIMARY KEY,
    account_id      BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    public_key_pem  TEXT NOT NULL,
    fetched_at      BIGINT NOT NULL
);
CREATE INDEX account_keys_account ON account_keys (account_id);

-- The durable queue: inbound activities to process, deliveries to send.
CREATE TABLE jobs (
    id            INTEGER PRIMARY KEY,
    queue         TEXT NOT NULL,
    payload       TEXT NOT NULL,
    host          TEXT,
    attempts      INTEGER NOT NULL DEFAULT 0,
    run_at        BIGINT NOT NULL,
    locked_by     TEXT,
    locked_until  BIGINT,
    last_error    TEXT,
    created_at    BIGINT NOT NULL
);
CREATE INDEX jobs_due ON jobs (queue, run_at);
CREATE INDEX jobs_host ON jobs (host) WHERE host IS NOT NULL;

-- Activity ids already accepted, so a redelivered activity is processed once.
CREATE TABLE inbound_seen (
    activity_id  TEXT PRIMARY KEY,
    received_at  BIGINT NOT NULL
);

-- Local statuses that were deleted: their URIs answer 410 with a Tombstone.
CREATE TABLE tombstones (
    uri         TEXT PRIMARY KEY,
    account_id  BIGINT NOT NULL,
    deleted_at  BIGINT NOT NULL
);

-- Every known peer, with delivery health and the reason of its last failure.
CREATE TABLE peers (
    domain               TEXT PRIMARY KEY,
    software             TEXT,
    version              TEXT,
    first_seen_at        BIGINT NOT NULL,
    last_seen_at         BIGINT,
    last_success_at      BIGINT,
    last_failure_at      BIGINT,
    last_failure_class   TEXT,
    last_failure_message TEXT,
    failure_days         TEXT NOT NULL DEFAULT '',
    unavailable_since    BIGINT,
    delivery_paused      BOOLEAN NOT NULL DEFAULT FALSE
);

-- Per peer, per day, per outcome: the figures behind 24 h and 7 day health.
CREATE TABLE peer_stats (
    domain   TEXT NOT NULL,
    day      BIGINT NOT NULL,
    outcome  TEXT NOT NULL,
    count    BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (domain, day, outcome)
);

-- One boost per account and status, enforced by the database (concurrent double-taps).
CREATE UNIQUE INDEX statuses_one_boost ON statuses (account_id, reblog_of_id) WHERE reblog_of_id IS NOT NULL;
