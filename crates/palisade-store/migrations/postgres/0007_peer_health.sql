-- Per peer, per hour, per outcome: "last 24 hours" and "last 7 days" become true windows.
-- Buckets older than eight days are pruned by the worker.
CREATE TABLE peer_stats_hourly (
    domain   TEXT NOT NULL,
    hour     BIGINT NOT NULL,
    outcome  TEXT NOT NULL,
    count    BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (domain, hour, outcome)
);

-- Per peer and outcome since the peer was first seen: never pruned, so they are counters
-- for Prometheus.
CREATE TABLE peer_totals (
    domain   TEXT NOT NULL,
    outcome  TEXT NOT NULL,
    count    BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (domain, outcome)
);

INSERT INTO peer_totals (domain, outcome, count)
    SELECT domain, outcome, SUM(count) FROM peer_stats GROUP BY domain, outcome;
-- A day's figures land on the day's first hour.
INSERT INTO peer_stats_hourly (domain, hour, outcome, count)
    SELECT domain, day * 24, outcome, count FROM peer_stats;
DROP TABLE peer_stats;
