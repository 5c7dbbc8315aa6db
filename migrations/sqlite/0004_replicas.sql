-- Several servers on one database: the order of a batch's records and
-- observations kept explicitly (PostgreSQL has no rowid), which server
-- wrote each run, and the refresh lease only one server holds at a time.

ALTER TABLE source_records ADD COLUMN position INTEGER NOT NULL DEFAULT 0;
UPDATE source_records SET position = rowid;
ALTER TABLE observations ADD COLUMN position INTEGER NOT NULL DEFAULT 0;
UPDATE observations SET position = rowid;

-- When the run's transaction committed (NULL for runs stored before),
-- and the lease holder that wrote it (NULL for the command line).
ALTER TABLE refresh_runs ADD COLUMN committed_at TEXT;
ALTER TABLE refresh_runs ADD COLUMN writer TEXT;

-- One row ('refresh'). Times are milliseconds since 1970 by the database's
-- clock. A holder renews `expires_at_ms`; another server takes the row over
-- only once it has expired.
CREATE TABLE refresh_lease (
    name TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    acquired_at_ms INTEGER NOT NULL,
    expires_at_ms INTEGER NOT NULL,
    -- A refresh asked for (POST /api/v1/refresh) and not yet started.
    requested_at_ms INTEGER,
    -- The holder's refresh in progress.
    refreshing_since_ms INTEGER
);
