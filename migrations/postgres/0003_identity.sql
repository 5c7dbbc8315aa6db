-- Identity 0.3: model lines, and the candidate models of a name left
-- unmatched because the evidence did not settle between them.
-- The PostgreSQL twin of migrations/sqlite/0003_identity.sql.

ALTER TABLE models ADD COLUMN line_id TEXT COLLATE "C";
-- A JSON list of model ids.
ALTER TABLE unmatched_names ADD COLUMN candidates TEXT NOT NULL DEFAULT '[]';
