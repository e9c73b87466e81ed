-- Browser sessions of the web interface, and instance settings kept in the database
-- (the domain recorded on first start; federation settings admins change from the web).
CREATE TABLE web_sessions (
    id            BIGINT PRIMARY KEY,
    secret_hash   TEXT NOT NULL UNIQUE,
    user_id       BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    user_agent    TEXT,
    created_at    BIGINT NOT NULL,
    last_used_at  BIGINT NOT NULL
);
CREATE INDEX web_sessions_user ON web_sessions (user_id);

CREATE TABLE instance_settings (
    key         TEXT PRIMARY KEY,
    value       TEXT NOT NULL,
    updated_at  BIGINT NOT NULL
);
