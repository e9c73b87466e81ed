-- Reports (Flag activities from peers, and later the reports API).
CREATE TABLE reports (
    id                 BIGINT PRIMARY KEY,
    account_id         BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    target_account_id  BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    status_ids         TEXT NOT NULL DEFAULT '',
    comment            TEXT NOT NULL DEFAULT '',
    category           TEXT NOT NULL DEFAULT 'other',
    forwarded          BOOLEAN NOT NULL DEFAULT FALSE,
    uri                TEXT,
    created_at         BIGINT NOT NULL,
    action_taken_at    BIGINT,
    action_taken_by    BIGINT
);
CREATE INDEX reports_target ON reports (target_account_id);
CREATE INDEX reports_open ON reports (id DESC) WHERE action_taken_at IS NULL;

-- Every integer column is 64-bit on both backends (0003 made this one 32-bit on PostgreSQL).
ALTER TABLE jobs ALTER COLUMN attempts TYPE BIGINT;
