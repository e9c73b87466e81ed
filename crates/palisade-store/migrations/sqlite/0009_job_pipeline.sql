-- The job pipeline: jobs about the same object run in order (an Update or Delete after its
-- Create), and a worker's leases are renewed or released by its name.

ALTER TABLE jobs ADD COLUMN ordering_key TEXT;
CREATE INDEX jobs_ordering ON jobs (queue, ordering_key, id) WHERE ordering_key IS NOT NULL;
CREATE INDEX jobs_locked_by ON jobs (locked_by) WHERE locked_by IS NOT NULL;
