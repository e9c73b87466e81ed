-- The rest of the client API real apps call (PostgreSQL): lists, direct-message conversations, filters,
-- polls, scheduled statuses, Web Push, featured hashtags, announcements, notification
-- policies and requests, dismissed suggestions.

-- Lists: a member's own selection of accounts they follow. A membership hangs on the
-- follow it needs (unfollowing, blocking or a suspension removes it); list timelines are
-- materialised on write like the home feed, and lose a member's posts with the membership.
CREATE TABLE lists (
    id              BIGINT PRIMARY KEY,
    account_id      BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    title           TEXT NOT NULL,
    replies_policy  TEXT NOT NULL DEFAULT 'list',   -- followed | list | none
    exclusive       BOOLEAN NOT NULL DEFAULT FALSE,
    created_at      BIGINT NOT NULL
);
CREATE INDEX lists_account ON lists (account_id, id);

CREATE TABLE list_accounts (
    list_id     BIGINT NOT NULL REFERENCES lists (id) ON DELETE CASCADE,
    account_id  BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    follow_id   BIGINT NOT NULL REFERENCES follows (id) ON DELETE CASCADE,
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (list_id, account_id)
);
CREATE INDEX list_accounts_account ON list_accounts (account_id);
CREATE INDEX list_accounts_follow ON list_accounts (follow_id);

CREATE TABLE list_feed (
    list_id    BIGINT NOT NULL,
    status_id  BIGINT NOT NULL REFERENCES statuses (id) ON DELETE CASCADE,
    author_id  BIGINT NOT NULL,   -- who posted or boosted: the member
    PRIMARY KEY (list_id, status_id),
    FOREIGN KEY (list_id, author_id) REFERENCES list_accounts (list_id, account_id) ON DELETE CASCADE
);
CREATE INDEX list_feed_status ON list_feed (status_id);
CREATE INDEX list_feed_member ON list_feed (list_id, author_id);

-- Direct-message conversations, one row per local participant and set of other
-- participants (as Mastodon's account_conversations), with the statuses they hold.
CREATE TABLE account_conversations (
    id               BIGINT PRIMARY KEY,
    account_id       BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    conversation_id  BIGINT NOT NULL,
    participant_ids  TEXT NOT NULL,     -- the other participants, sorted, comma separated
    last_status_id   BIGINT NOT NULL,
    unread           BOOLEAN NOT NULL DEFAULT FALSE,
    updated_at       BIGINT NOT NULL,
    UNIQUE (account_id, conversation_id, participant_ids)
);
CREATE INDEX account_conversations_page ON account_conversations (account_id, last_status_id DESC);

CREATE TABLE conversation_statuses (
    account_conversation_id  BIGINT NOT NULL REFERENCES account_conversations (id) ON DELETE CASCADE,
    status_id                BIGINT NOT NULL REFERENCES statuses (id) ON DELETE CASCADE,
    PRIMARY KEY (account_conversation_id, status_id)
);
CREATE INDEX conversation_statuses_status ON conversation_statuses (status_id);

-- Filters (v2). A v1 filter is a v2 filter with one keyword; its id is the keyword's.
CREATE TABLE filters (
    id          BIGINT PRIMARY KEY,
    account_id  BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    title       TEXT NOT NULL,
    context     TEXT NOT NULL,                 -- comma separated: home,notifications,public,thread,account
    action      TEXT NOT NULL DEFAULT 'warn',  -- warn | hide | blur
    expires_at  BIGINT,
    created_at  BIGINT NOT NULL
);
CREATE INDEX filters_account ON filters (account_id, id);

CREATE TABLE filter_keywords (
    id          BIGINT PRIMARY KEY,
    filter_id   BIGINT NOT NULL REFERENCES filters (id) ON DELETE CASCADE,
    keyword     TEXT NOT NULL,
    whole_word  BOOLEAN NOT NULL DEFAULT TRUE,
    created_at  BIGINT NOT NULL
);
CREATE INDEX filter_keywords_filter ON filter_keywords (filter_id, id);

CREATE TABLE filter_statuses (
    id          BIGINT PRIMARY KEY,
    filter_id   BIGINT NOT NULL REFERENCES filters (id) ON DELETE CASCADE,
    status_id   BIGINT NOT NULL REFERENCES statuses (id) ON DELETE CASCADE,
    created_at  BIGINT NOT NULL,
    UNIQUE (filter_id, status_id)
);
CREATE INDEX filter_statuses_status ON filter_statuses (status_id);

-- Polls. Local polls count their votes; remote ones keep the origin's tallies (updated by
-- Update(Question)) plus the votes of members cast since.
CREATE TABLE polls (
    id             BIGINT PRIMARY KEY,
    status_id      BIGINT NOT NULL UNIQUE REFERENCES statuses (id) ON DELETE CASCADE,
    account_id     BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    local          BOOLEAN NOT NULL,
    options        TEXT NOT NULL,      -- JSON array of titles
    cached_counts  TEXT NOT NULL,      -- JSON array of counts (remote polls)
    cached_voters  BIGINT,             -- votersCount (remote polls)
    multiple       BOOLEAN NOT NULL DEFAULT FALSE,
    hide_totals    BOOLEAN NOT NULL DEFAULT FALSE,
    expires_at     BIGINT,
    ended_notified BOOLEAN NOT NULL DEFAULT FALSE,
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL
);

CREATE TABLE poll_votes (
    id          BIGINT PRIMARY KEY,
    poll_id     BIGINT NOT NULL REFERENCES polls (id) ON DELETE CASCADE,
    account_id  BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    choice      BIGINT NOT NULL,
    uri         TEXT,
    created_at  BIGINT NOT NULL,
    UNIQUE (poll_id, account_id, choice)
);
CREATE INDEX poll_votes_account ON poll_votes (account_id, poll_id);

-- Statuses to publish later (the job queue publishes them when due).
CREATE TABLE scheduled_statuses (
    id            BIGINT PRIMARY KEY,
    account_id    BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    scheduled_at  BIGINT NOT NULL,
    params        TEXT NOT NULL,     -- JSON: what the status will be
    created_at    BIGINT NOT NULL
);
CREATE INDEX scheduled_statuses_account ON scheduled_statuses (account_id, id);

-- Web Push: one subscription per access token; the instance's VAPID key pair.
CREATE TABLE push_subscriptions (
    id          BIGINT PRIMARY KEY,
    token_id    BIGINT NOT NULL UNIQUE REFERENCES tokens (id) ON DELETE CASCADE,
    account_id  BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    endpoint    TEXT NOT NULL,
    key_p256dh  TEXT NOT NULL,
    key_auth    TEXT NOT NULL,
    -- The subscribing token itself: Mastodon's push payload carries it, and apps (Ice
    -- Cubes) find the account a message is for by it. Only this table holds it in clear.
    access_token TEXT NOT NULL,
    alerts      TEXT NOT NULL,     -- JSON object: type -> bool
    policy      TEXT NOT NULL DEFAULT 'all',
    standard    BOOLEAN NOT NULL DEFAULT FALSE,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);
CREATE INDEX push_subscriptions_account ON push_subscriptions (account_id);

CREATE TABLE instance_secrets (
    name        TEXT PRIMARY KEY,
    value       TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);

-- Hashtags featured on a profile.
CREATE TABLE featured_tags (
    id          BIGINT PRIMARY KEY,
    account_id  BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    tag_id      BIGINT NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
    created_at  BIGINT NOT NULL,
    UNIQUE (account_id, tag_id)
);

-- Announcements from the instance (admin CLI), their reactions and who dismissed them.
CREATE TABLE announcements (
    id            BIGINT PRIMARY KEY,
    text          TEXT NOT NULL,
    content_html  TEXT NOT NULL,
    starts_at     BIGINT,
    ends_at       BIGINT,
    all_day       BOOLEAN NOT NULL DEFAULT FALSE,
    published_at  BIGINT,
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL
);

CREATE TABLE announcement_reactions (
    announcement_id  BIGINT NOT NULL REFERENCES announcements (id) ON DELETE CASCADE,
    account_id       BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    name             TEXT NOT NULL,
    created_at       BIGINT NOT NULL,
    PRIMARY KEY (announcement_id, account_id, name)
);

CREATE TABLE announcement_reads (
    announcement_id  BIGINT NOT NULL REFERENCES announcements (id) ON DELETE CASCADE,
    account_id       BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    PRIMARY KEY (announcement_id, account_id)
);

-- Notification policies (Mastodon 4.3): what happens to notifications from strangers.
CREATE TABLE notification_policies (
    account_id            BIGINT PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
    for_not_following     TEXT NOT NULL DEFAULT 'accept',
    for_not_followers     TEXT NOT NULL DEFAULT 'accept',
    for_new_accounts      TEXT NOT NULL DEFAULT 'accept',
    for_private_mentions  TEXT NOT NULL DEFAULT 'filter',
    for_limited_accounts  TEXT NOT NULL DEFAULT 'filter',
    updated_at            BIGINT NOT NULL
);

-- Filtered notifications wait in a request per sender until accepted or dismissed.
ALTER TABLE notifications ADD COLUMN filtered BOOLEAN NOT NULL DEFAULT FALSE;

CREATE TABLE notification_requests (
    id               BIGINT PRIMARY KEY,
    account_id       BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    from_account_id  BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    last_status_id   BIGINT,
    updated_at       BIGINT NOT NULL,
    UNIQUE (account_id, from_account_id)
);
CREATE INDEX notification_requests_page ON notification_requests (account_id, id DESC);

CREATE TABLE notification_permissions (
    account_id       BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    from_account_id  BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    created_at       BIGINT NOT NULL,
    PRIMARY KEY (account_id, from_account_id)
);

-- Follow suggestions a member dismissed.
CREATE TABLE suggestion_dismissals (
    account_id         BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    target_account_id  BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    created_at         BIGINT NOT NULL,
    PRIMARY KEY (account_id, target_account_id)
);
