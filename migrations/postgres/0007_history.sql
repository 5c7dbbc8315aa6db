-- Runs stored as what changed (docs/DEPLOY.md, "History and retention").
--
-- A model's row of the ranking is kept as versions: a version is in the
-- ranking of every run from `from_run` up to, not including, `to_run`
-- (NULL: it is in the current ranking). Its body (`ranking_bodies`) is the
-- whole row as JSON, or, when `base_run` is set, the fields that differ
-- from the whole-row version of the same model that started at `base_run`.
-- A kept run's ranking is the versions alive at it; the current ranking is
-- also kept whole in `ranking_current`, to serve and to compare with. The
-- headline figures are columns of each version, for the history charts.
--
-- This migration converts the rankings stored whole (`ranking_rows`, one
-- copy of every row per run): one version per stretch of runs in which a
-- model's row stayed the same. It runs in one transaction, so a migration
-- interrupted (kill -9, a power cut) leaves the database as it was, and the
-- next start runs it again. The PostgreSQL twin of
-- migrations/sqlite/0007_history.sql; autovacuum reuses the space freed.

CREATE TABLE ranking_versions (
    model_id TEXT COLLATE "C" NOT NULL,
    from_run BIGINT NOT NULL,
    to_run BIGINT,
    base_run BIGINT,
    rank BIGINT,
    overall_score DOUBLE PRECISION,
    composite_score DOUBLE PRECISION,
    performance_score DOUBLE PRECISION,
    value_score DOUBLE PRECISION,
    price_blended DOUBLE PRECISION,
    throughput_median DOUBLE PRECISION,
    ttft_median DOUBLE PRECISION,
    PRIMARY KEY (model_id, from_run)
);
CREATE INDEX ranking_versions_to ON ranking_versions(to_run);
CREATE INDEX ranking_versions_from ON ranking_versions(from_run);

CREATE TABLE ranking_bodies (
    model_id TEXT COLLATE "C" NOT NULL,
    from_run BIGINT NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (model_id, from_run)
);

-- The current ranking, whole: each model's row with its version and the
-- whole-row version its patches are made against (its own when it is one).
CREATE TABLE ranking_current (
    model_id TEXT COLLATE "C" PRIMARY KEY,
    from_run BIGINT NOT NULL,
    base_run BIGINT NOT NULL,
    row_json TEXT NOT NULL
);

-- A run whose ranking has the same figures as the one before it: the run
-- that last changed them (its `generated_at` is that run's).
ALTER TABLE rankings ADD COLUMN same_as_run_id BIGINT;
-- A digest of everything the ranking was computed from (each source's
-- records and date, the custom benchmarks, the settings, the program's
-- version): a refresh whose inputs have this digest need not compute it.
ALTER TABLE rankings ADD COLUMN inputs_digest TEXT COLLATE "C";
-- A digest of the stored records of each source's batch.
ALTER TABLE source_batches ADD COLUMN records_digest TEXT COLLATE "C";

-- The conversion. Each ranked run's place in order, then each stored row
-- flagged where a new version starts: the model was not in the ranked run
-- just before, or its row differed there.
CREATE TEMP TABLE history_runs AS
SELECT refresh_run_id AS run, ROW_NUMBER() OVER (ORDER BY refresh_run_id) AS n,
       CASE WHEN LAG(methodology_version) OVER (ORDER BY refresh_run_id) IS NULL
                 OR LAG(methodology_version) OVER (ORDER BY refresh_run_id) <> methodology_version
            THEN 1 ELSE 0 END AS new_method
FROM rankings;

CREATE TEMP TABLE history_starts AS
SELECT model_id, run, n,
       SUM(start) OVER (PARTITION BY model_id ORDER BY run ROWS UNBOUNDED PRECEDING) AS stretch
FROM (
    SELECT rr.model_id, rr.refresh_run_id AS run, k.n,
           CASE WHEN LAG(k.n) OVER w IS NULL OR LAG(k.n) OVER w <> k.n - 1
                     OR LAG(rr.row_json) OVER w <> rr.row_json
                THEN 1 ELSE 0 END AS start
    FROM ranking_rows rr JOIN history_runs k ON k.run = rr.refresh_run_id
    WINDOW w AS (PARTITION BY rr.model_id ORDER BY rr.refresh_run_id)
) AS flagged;

INSERT INTO ranking_versions (model_id, from_run, to_run, base_run, rank, overall_score,
    composite_score, performance_score, value_score, price_blended, throughput_median,
    ttft_median)
SELECT s.model_id, s.from_run, (SELECT k.run FROM history_runs k WHERE k.n = s.last_n + 1),
       NULL, rr.rank, rr.overall_score, rr.composite_score, rr.performance_score,
       rr.value_score, rr.price_blended, rr.throughput_median, rr.ttft_median
FROM (SELECT model_id, MIN(run) AS from_run, MAX(n) AS last_n FROM history_starts
      GROUP BY model_id, stretch) AS s
JOIN ranking_rows rr ON rr.refresh_run_id = s.from_run AND rr.model_id = s.model_id;

INSERT INTO ranking_bodies (model_id, from_run, body)
SELECT v.model_id, v.from_run, rr.row_json FROM ranking_versions v
JOIN ranking_rows rr ON rr.refresh_run_id = v.from_run AND rr.model_id = v.model_id;

INSERT INTO ranking_current (model_id, from_run, base_run, row_json)
SELECT v.model_id, v.from_run, v.from_run, b.body FROM ranking_versions v
JOIN ranking_bodies b ON b.model_id = v.model_id AND b.from_run = v.from_run
WHERE v.to_run IS NULL;

-- A ranked run where no version starts or ends, under the same methodology,
-- repeats the figures of the last run that changed them.
CREATE TEMP TABLE history_changed AS
SELECT k.run FROM history_runs k
WHERE k.new_method = 1
   OR EXISTS (SELECT 1 FROM ranking_versions v WHERE v.from_run = k.run)
   OR EXISTS (SELECT 1 FROM ranking_versions v WHERE v.to_run = k.run);

UPDATE rankings SET same_as_run_id =
    (SELECT MAX(c.run) FROM history_changed c WHERE c.run < rankings.refresh_run_id)
WHERE refresh_run_id NOT IN (SELECT run FROM history_changed);

UPDATE rankings SET generated_at =
    (SELECT g.generated_at FROM rankings g WHERE g.refresh_run_id = rankings.same_as_run_id)
WHERE same_as_run_id IS NOT NULL;

DROP TABLE history_changed;
DROP TABLE history_starts;
DROP TABLE history_runs;
DROP TABLE ranking_rows;
