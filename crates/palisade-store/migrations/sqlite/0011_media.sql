-- Media: uploaded and remote files (attachments, avatars, headers, custom emoji, preview card
-- images), custom emoji, preview cards, and the verification of profile links.

-- Every file a client may be shown. Local files are stored under `file_key`/`preview_key`;
-- remote ones (`remote_url`) are fetched by the instance into the same keys when first
-- needed, and dropped again by pruning (`cached_at` NULL).
CREATE TABLE media_attachments (
    id            INTEGER PRIMARY KEY,
    account_id    BIGINT REFERENCES accounts (id) ON DELETE CASCADE,
    status_id     BIGINT REFERENCES statuses (id) ON DELETE SET NULL,
    position      BIGINT,                    -- order in its status; NULL once an edit removed it
    purpose       TEXT NOT NULL,             -- attachment | avatar | header | emoji | card
    kind          TEXT NOT NULL,             -- image | gifv | video | audio | unknown
    state         TEXT NOT NULL,             -- ready | processing | failed
    remote_url    TEXT,                      -- the file at its origin (remote media only)
    domain        TEXT,                      -- the origin's host (remote media only)
    content_type  TEXT,
    file_key      TEXT,
    preview_key   TEXT,
    upload_key    TEXT,                      -- an upload waiting to be processed
    custom_thumbnail BOOLEAN NOT NULL DEFAULT FALSE,
    file_size     BIGINT NOT NULL DEFAULT 0, -- bytes stored (file and preview)
    description   TEXT NOT NULL DEFAULT '',
    blurhash      TEXT,
    meta_json     TEXT NOT NULL DEFAULT '{}',
    error         TEXT,
    cached_at     BIGINT,
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL
);
CREATE INDEX media_status ON media_attachments (status_id, position) WHERE status_id IS NOT NULL;
CREATE INDEX media_account ON media_attachments (account_id, purpose);
CREATE INDEX media_domain ON media_attachments (domain) WHERE domain IS NOT NULL;
CREATE INDEX media_cached ON media_attachments (cached_at) WHERE cached_at IS NOT NULL;
CREATE INDEX media_unattached ON media_attachments (created_at) WHERE status_id IS NULL AND purpose = 'attachment';

-- The attachments of each version in a status' edit history, with the descriptions then.
CREATE TABLE status_edit_media (
    edit_id      BIGINT NOT NULL REFERENCES status_edits (id) ON DELETE CASCADE,
    media_id     BIGINT NOT NULL REFERENCES media_attachments (id) ON DELETE CASCADE,
    position     BIGINT NOT NULL,
    description  TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (edit_id, media_id)
);

CREATE TABLE custom_emojis (
    id                 INTEGER PRIMARY KEY,
    shortcode          TEXT NOT NULL,
    domain             TEXT,                 -- NULL: this instance's own
    media_id           BIGINT REFERENCES media_attachments (id) ON DELETE SET NULL,
    uri                TEXT,
    image_remote_url   TEXT,
    category           TEXT,
    -- As served: the stored files' keys (local) or `proxy/MEDIA_ID/…` (remote).
    image_path         TEXT,
    static_path        TEXT,
    visible_in_picker  BOOLEAN NOT NULL DEFAULT TRUE,
    disabled           BOOLEAN NOT NULL DEFAULT FALSE,
    created_at         BIGINT NOT NULL,
    updated_at         BIGINT NOT NULL
);
CREATE UNIQUE INDEX custom_emojis_shortcode ON custom_emojis (shortcode, (COALESCE(domain, '')));

CREATE TABLE status_emojis (
    status_id  BIGINT NOT NULL REFERENCES statuses (id) ON DELETE CASCADE,
    emoji_id   BIGINT NOT NULL REFERENCES custom_emojis (id) ON DELETE CASCADE,
    PRIMARY KEY (status_id, emoji_id)
);

-- Link previews, fetched by the instance in the background.
CREATE TABLE preview_cards (
    id             INTEGER PRIMARY KEY,
    url            TEXT NOT NULL UNIQUE,
    state          TEXT NOT NULL,            -- pending | ready | failed
    kind           TEXT NOT NULL DEFAULT 'link',
    title          TEXT NOT NULL DEFAULT '',
    description    TEXT NOT NULL DEFAULT '',
    author_name    TEXT NOT NULL DEFAULT '',
    author_url     TEXT NOT NULL DEFAULT '',
    provider_name  TEXT NOT NULL DEFAULT '',
    provider_url   TEXT NOT NULL DEFAULT '',
    language       TEXT,
    published_at   BIGINT,
    image_media_id BIGINT REFERENCES media_attachments (id) ON DELETE SET NULL,
    image_path     TEXT,                     -- as served: `proxy/MEDIA_ID/original`
    image_width    BIGINT,
    image_height   BIGINT,
    blurhash       TEXT,
    error          TEXT,
    fetched_at     BIGINT,
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL
);

CREATE TABLE status_cards (
    status_id  BIGINT PRIMARY KEY REFERENCES statuses (id) ON DELETE CASCADE,
    card_id    BIGINT NOT NULL REFERENCES preview_cards (id) ON DELETE CASCADE
);
CREATE INDEX status_cards_card ON status_cards (card_id);

-- Profile images and emoji, as the Account entity shows them: `*_path` is the file's key
-- (local accounts) or `proxy/MEDIA_ID/original` (remote ones, served through the instance).
ALTER TABLE accounts ADD COLUMN avatar_path TEXT;
ALTER TABLE accounts ADD COLUMN header_path TEXT;
ALTER TABLE accounts ADD COLUMN avatar_description TEXT NOT NULL DEFAULT '';
ALTER TABLE accounts ADD COLUMN header_description TEXT NOT NULL DEFAULT '';
ALTER TABLE accounts ADD COLUMN emojis_json TEXT NOT NULL DEFAULT '[]';
-- When this instance last checked the account's profile links for rel="me".
ALTER TABLE accounts ADD COLUMN links_checked_at BIGINT;
