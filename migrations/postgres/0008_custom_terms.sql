-- The terms a custom benchmark's data comes under, as the user gave them on
-- import (`import-benchmark --license --attribution --terms-url`): an SPDX
-- licence id, the credit line its terms ask for, where they are written.

ALTER TABLE custom_benchmarks ADD COLUMN license TEXT;
ALTER TABLE custom_benchmarks ADD COLUMN attribution TEXT;
ALTER TABLE custom_benchmarks ADD COLUMN terms_url TEXT;
