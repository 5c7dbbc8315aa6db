-- The whole product's schema: runs, per-source outcomes, the records and
-- observations each source gave (kept until that source succeeds again),
-- canonical models with their aliases, and the ranking each refresh computed.

-- One refresh: a live fetch, a directory or mirror import, or a snapshot import.
CREATE TABLE refresh_runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    started_at TEXT NOT NULL,
    finished_at TEXT NOT NULL,
    origin TEXT NOT NULL,
    sources_ok INTEGER NOT NULL,
    sources_failed INTEGER NOT NULL
);

-- What happened to each source in each refresh.
CREATE TABLE source_runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    refresh_run_id INTEGER NOT NULL REFERENCES refresh_runs(id),
    source TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('ok', 'failed', 'skipped', 'stale')),
    attempted_at TEXT NOT NULL,
    rows_read INTEGER,
    rows_matched INTEGER,
    error TEXT,
    data_as_of TEXT
);
CREATE INDEX source_runs_by_source ON source_runs(source, id);

-- The current good batch of each source: when it was current and fetched.
CREATE TABLE source_batches (
    source TEXT PRIMARY KEY,
    source_run_id INTEGER NOT NULL REFERENCES source_runs(id),
    as_of TEXT NOT NULL,
    fetched_at TEXT NOT NULL,
    rows_read INTEGER NOT NULL
);

-- Each entry of a source's current batch, names verbatim.
CREATE TABLE source_records (
    source TEXT NOT NULL,
    name TEXT NOT NULL,
    other_names TEXT NOT NULL DEFAULT '[]',
    display_name TEXT,
    creator TEXT,
    canonical_slug TEXT,
    alias_of TEXT,
    hugging_face_id TEXT,
    open_weights INTEGER,
    release_date TEXT,
    is_free INTEGER NOT NULL DEFAULT 0,
    url TEXT,
    PRIMARY KEY (source, name)
);

-- Every number a source gave about one of its entries.
CREATE TABLE observations (
    source TEXT NOT NULL,
    source_name TEXT NOT NULL,
    metric TEXT NOT NULL,
    value REAL NOT NULL,
    as_of TEXT,
    fetched_at TEXT NOT NULL,
    url TEXT,
    PRIMARY KEY (source, source_name, metric),
    FOREIGN KEY (source, source_name) REFERENCES source_records(source, name) ON DELETE CASCADE
);

-- Canonical models, as the latest resolution made them.
CREATE TABLE models (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    creator TEXT,
    open_weights INTEGER,
    release_date TEXT,
    base_model_id TEXT,
    first_seen_run_id INTEGER NOT NULL REFERENCES refresh_runs(id)
);

-- Every source name merged into a model.
CREATE TABLE aliases (
    source TEXT NOT NULL,
    name TEXT NOT NULL,
    model_id TEXT NOT NULL REFERENCES models(id) ON DELETE CASCADE,
    PRIMARY KEY (source, name, model_id)
);
CREATE INDEX aliases_by_model ON aliases(model_id);

-- Names that matched no model.
CREATE TABLE unmatched_names (
    source TEXT NOT NULL,
    name TEXT NOT NULL,
    PRIMARY KEY (source, name)
);

-- The ranking each refresh computed: headline figures as columns for
-- history queries, the whole row as JSON for serving.
CREATE TABLE ranking_rows (
    refresh_run_id INTEGER NOT NULL REFERENCES refresh_runs(id),
    model_id TEXT NOT NULL,
    rank INTEGER,
    overall_score REAL,
    composite_score REAL,
    performance_score REAL,
    value_score REAL,
    price_blended REAL,
    throughput_median REAL,
    ttft_median REAL,
    row_json TEXT NOT NULL,
    PRIMARY KEY (refresh_run_id, model_id)
);

-- Which refresh's ranking is current, with its methodology.
CREATE TABLE rankings (
    refresh_run_id INTEGER PRIMARY KEY REFERENCES refresh_runs(id),
    generated_at TEXT NOT NULL,
    methodology_version TEXT NOT NULL
);
