-- Everything the full set of sources needs: caveats on observations, agent
-- systems, HTTP validators for conditional GET, and user-imported benchmarks.
-- The PostgreSQL twin of migrations/sqlite/0002_sources.sql.

ALTER TABLE observations ADD COLUMN note TEXT COLLATE "C";
ALTER TABLE source_records ADD COLUMN system BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE source_runs ADD COLUMN rows_detail TEXT COLLATE "C";

-- ETag / Last-Modified of each file of each source's last good fetch.
CREATE TABLE http_validators (
    url TEXT COLLATE "C" PRIMARY KEY,
    source TEXT COLLATE "C" NOT NULL,
    etag TEXT COLLATE "C",
    last_modified TEXT COLLATE "C"
);

-- Benchmarks a user imported with `llmrank import-benchmark`.
CREATE TABLE custom_benchmarks (
    name TEXT COLLATE "C" PRIMARY KEY,
    category TEXT COLLATE "C" NOT NULL,
    scale TEXT COLLATE "C" NOT NULL CHECK (scale IN ('percent', 'fraction', 'elo')),
    higher_is_better BOOLEAN NOT NULL,
    weight DOUBLE PRECISION NOT NULL,
    imported_at TIMESTAMPTZ NOT NULL,
    file_name TEXT COLLATE "C" NOT NULL
);

CREATE TABLE custom_scores (
    benchmark TEXT COLLATE "C" NOT NULL REFERENCES custom_benchmarks(name) ON DELETE CASCADE,
    model_name TEXT COLLATE "C" NOT NULL,
    score DOUBLE PRECISION NOT NULL,
    as_of TIMESTAMPTZ,
    url TEXT COLLATE "C",
    PRIMARY KEY (benchmark, model_name)
);

-- Agent systems (SWE-bench entries on several models or none, aider
-- architect pairs): listed with their source, never joined to a model.
CREATE TABLE system_names (
    source TEXT COLLATE "C" NOT NULL,
    name TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (source, name)
);
