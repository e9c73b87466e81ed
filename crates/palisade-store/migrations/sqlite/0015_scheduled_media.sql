-- Attachments of a scheduled status are held for it (as Mastodon's
-- media_attachments.scheduled_status_id): not pruned as unattached, not attachable elsewhere,
-- attached when it is published, released when it is cancelled.

ALTER TABLE media_attachments ADD COLUMN scheduled_status_id BIGINT;
CREATE INDEX media_scheduled ON media_attachments (scheduled_status_id) WHERE scheduled_status_id IS NOT NULL;
