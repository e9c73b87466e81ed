-- When a peer's NodeInfo was last asked for (whatever the answer), so that it is asked again
-- about once a day and never in a loop.
ALTER TABLE peers ADD COLUMN software_checked_at BIGINT;
