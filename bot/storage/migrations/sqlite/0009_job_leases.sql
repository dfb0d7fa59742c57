-- Several bot processes on one database (shards): work that must happen in one process at a
-- time (retention purge, flag card redaction, feed sync, command sync) is done by the process
-- holding the job's lease. A lease not renewed before it expires (its process stopped) is taken
-- over by another process. No personal data: the holder is a random id per process.
CREATE TABLE job_leases (
    job        TEXT    PRIMARY KEY,
    holder     TEXT    NOT NULL,
    expires_at INTEGER NOT NULL   -- UTC epoch seconds
);
