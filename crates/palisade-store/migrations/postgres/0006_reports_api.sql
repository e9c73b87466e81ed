-- The reports API: the rules a report cites, when it last changed (resolved, reopened), and
-- an index for the admin list's filter by reporter.
ALTER TABLE reports ADD COLUMN rule_ids TEXT;
ALTER TABLE reports ADD COLUMN updated_at BIGINT;
UPDATE reports SET updated_at = COALESCE(action_taken_at, created_at);
CREATE INDEX reports_account ON reports (account_id);
