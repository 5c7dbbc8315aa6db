-- Several servers on one database: the order of a batch's records and
-- observations kept explicitly, which server wrote each run, and the
-- refresh lease only one server holds at a time.
-- The PostgreSQL twin of migrations/sqlite/0004_replicas.sql.

ALTER TABLE source_records ADD COLUMN position BIGINT NOT NULL DEFAULT 0;
ALTER TABLE observations ADD COLUMN position BIGINT NOT NULL DEFAULT 0;

-- When the run's transaction committed (NULL for runs stored before),
-- and the lease holder that wrote it (NULL for the command line).
ALTER TABLE refresh_runs ADD COLUMN committed_at TIMESTAMPTZ;
ALTER TABLE refresh_runs ADD COLUMN writer TEXT COLLATE "C";

-- One row ('refresh'). Times are milliseconds since 1970 by the database's
-- clock. A holder renews `expires_at_ms`; another server takes the row over
-- only once it has expired.
CREATE TABLE refresh_lease (
    name TEXT COLLATE "C" PRIMARY KEY,
    holder TEXT COLLATE "C" NOT NULL,
    acquired_at_ms BIGINT NOT NULL,
    expires_at_ms BIGINT NOT NULL,
    -- A refresh asked for (POST /api/v1/refresh) and not yet started.
    requested_at_ms BIGINT,
    -- The holder's refresh in progress.
    refreshing_since_ms BIGINT
);
