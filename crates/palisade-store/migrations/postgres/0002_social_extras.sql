-- Threads, private notes, endorsements, followed hashtags, conversation mutes.

-- The thread a status belongs to (the id of its root), as Mastodon's conversation_id:
-- muting a conversation mutes every status that shares it.
ALTER TABLE statuses ADD COLUMN conversation_id BIGINT;
UPDATE statuses SET conversation_id = id WHERE in_reply_to_id IS NULL;
CREATE INDEX statuses_conversation ON statuses (conversation_id);

CREATE TABLE account_notes (
    account_id         BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    target_account_id  BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    comment            TEXT NOT NULL,
    updated_at         BIGINT NOT NULL,
    PRIMARY KEY (account_id, target_account_id)
);

-- Accounts featured on a profile ("endorsements", formerly account pins).
CREATE TABLE endorsements (
    id                 BIGINT PRIMARY KEY,
    account_id         BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    target_account_id  BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    created_at         BIGINT NOT NULL,
    UNIQUE (account_id, target_account_id)
);

CREATE TABLE tag_follows (
    id          BIGINT PRIMARY KEY,
    account_id  BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    tag_id      BIGINT NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
    created_at  BIGINT NOT NULL,
    UNIQUE (account_id, tag_id)
);
CREATE INDEX tag_follows_tag ON tag_follows (tag_id);

CREATE TABLE conversation_mutes (
    account_id       BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    conversation_id  BIGINT NOT NULL,
    PRIMARY KEY (account_id, conversation_id)
);

-- Grouped notifications (Mastodon 4.3's /api/v2/notifications): favourites and boosts of
-- one status, and follows, on the same day share a key; others have none.
ALTER TABLE notifications ADD COLUMN group_key TEXT;
CREATE INDEX notifications_group ON notifications (account_id, group_key);
