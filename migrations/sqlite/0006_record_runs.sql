-- What a record's runs were run with and, where the source publishes them,
-- their per-task results: the agent or harness (`mini-swe-agent`), and a
-- JSON list of `{benchmark, tasks: [{id, solved, cost_usd}]}` (empty: none).

ALTER TABLE source_records ADD COLUMN harness TEXT;
ALTER TABLE source_records ADD COLUMN tasks TEXT NOT NULL DEFAULT '[]';
