-- What each run changed against the ranking before it (docs/CHANGES.md):
-- one row per run that changed something, and its changes in order. Kind,
-- model and line are columns for filtering; the whole change is JSON.
-- The PostgreSQL twin of migrations/sqlite/0005_changes.sql.

CREATE TABLE change_sets (
    refresh_run_id BIGINT PRIMARY KEY REFERENCES refresh_runs(id),
    -- The run whose ranking this one was compared with.
    previous_run_id BIGINT NOT NULL REFERENCES refresh_runs(id),
    -- When the run was written, in milliseconds since 1970 (compared as a
    -- number for `since=TIME`).
    at_ms BIGINT NOT NULL,
    changes BIGINT NOT NULL
);

CREATE TABLE changes (
    refresh_run_id BIGINT NOT NULL REFERENCES change_sets(refresh_run_id),
    position BIGINT NOT NULL,
    kind TEXT COLLATE "C" NOT NULL,
    model_id TEXT COLLATE "C",
    line_id TEXT COLLATE "C",
    change_json TEXT NOT NULL,
    PRIMARY KEY (refresh_run_id, position)
);
CREATE INDEX changes_by_model ON changes(model_id, refresh_run_id);
CREATE INDEX changes_by_line ON changes(line_id, refresh_run_id);
