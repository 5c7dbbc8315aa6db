-- What a record's runs were run with and, where the source publishes them,
-- their per-task results. The PostgreSQL twin of
-- migrations/sqlite/0006_record_runs.sql.

ALTER TABLE source_records ADD COLUMN harness TEXT COLLATE "C";
ALTER TABLE source_records ADD COLUMN tasks TEXT COLLATE "C" NOT NULL DEFAULT '[]';
