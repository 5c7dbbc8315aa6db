-- Everything the full set of sources needs: caveats on observations, agent
-- systems, HTTP validators for conditional GET, and user-imported benchmarks.

ALTER TABLE observations ADD COLUMN note TEXT;
ALTER TABLE source_records ADD COLUMN system INTEGER NOT NULL DEFAULT 0;
ALTER TABLE source_runs ADD COLUMN rows_detail TEXT;

-- ETag / Last-Modified of each file of each source's last good fetch.
CREATE TABLE http_validators (
    url TEXT PRIMARY KEY,
    source TEXT NOT NULL,
    etag TEXT,
    last_modified TEXT
);

-- Benchmarks a user imported with `llmrank import-benchmark`.
CREATE TABLE custom_benchmarks (
    name TEXT PRIMARY KEY,
    category TEXT NOT NULL,
    scale TEXT NOT NULL CHECK (scale IN ('percent', 'fraction', 'elo')),
    higher_is_better INTEGER NOT NULL,
    weight REAL NOT NULL,
    imported_at TEXT NOT NULL,
    file_name TEXT NOT NULL
);

CREATE TABLE custom_scores (
    benchmark TEXT NOT NULL REFERENCES custom_benchmarks(name) ON DELETE CASCADE,
    model_name TEXT NOT NULL,
    score REAL NOT NULL,
    as_of TEXT,
    url TEXT,
    PRIMARY KEY (benchmark, model_name)
);

-- Agent systems (SWE-bench entries on several models or none, aider
-- architect pairs): listed with their source, never joined to a model.
CREATE TABLE system_names (
    source TEXT NOT NULL,
    name TEXT NOT NULL,
    PRIMARY KEY (source, name)
);
