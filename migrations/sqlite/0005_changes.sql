-- What each run changed against the ranking before it (docs/CHANGES.md):
-- one row per run that changed something, and its changes in order. Kind,
-- model and line are columns for filtering; the whole change is JSON.

CREATE TABLE change_sets (
    refresh_run_id INTEGER PRIMARY KEY REFERENCES refresh_runs(id),
    -- The run whose ranking this one was compared with.
    previous_run_id INTEGER NOT NULL REFERENCES refresh_runs(id),
    -- When the run was written, in milliseconds since 1970 (compared as a
    -- number for `since=TIME`).
    at_ms INTEGER NOT NULL,
    changes INTEGER NOT NULL
);

CREATE TABLE changes (
    refresh_run_id INTEGER NOT NULL REFERENCES change_sets(refresh_run_id),
    position INTEGER NOT NULL,
    kind TEXT NOT NULL,
    model_id TEXT,
    line_id TEXT,
    change_json TEXT NOT NULL,
    PRIMARY KEY (refresh_run_id, position)
);
CREATE INDEX changes_by_model ON changes(model_id, refresh_run_id);
CREATE INDEX changes_by_line ON changes(line_id, refresh_run_id);
