#!/usr/bin/env bash
# A simulated year of daily refreshes of the recorded sources (default
# ../shared/fixtures), with the release build: each day one OpenRouter price
# and one EvalPlus result move (chosen by the day's number, so every run of
# the script makes the same year), then `llmrank refresh --from-dir`; each
# run is dated a day after the one before (its times are moved back in the
# database), so the retention thins the year as it would a real one. Then
# prints the figures of issue 23's acceptance:
#   - the database size after the year (SQLite: file plus WAL),
#   - bytes a refresh that changes nothing adds, and its time (medians of 5),
#   - refresh time of the first and last days (medians of days 2-6 and
#     361-365, each a refresh with one price and one result moved),
#   - server start to the first answered `/`, and the model pages prepared
#     (medians of 5 starts of `serve --offline` on the day-365 database).
# SQLite always; PostgreSQL too when TEST_DATABASE_URL names a server whose
# user may create databases (a database is created and dropped; a VACUUM after
# each day stands for the autovacuum a day between refreshes leaves time for,
# and its size is pg_database_size).
# Environment: DAYS (default 365), BIN (another llmrank binary).
# Needs python3 (the daily change), sqlite3 and, for PostgreSQL, psql.
set -euo pipefail
cd "$(dirname "$0")/.."
fixtures="${1:-../shared/fixtures}"
days="${DAYS:-365}"
if [ -n "${BIN:-}" ]; then
  bin=$(realpath "$BIN")
else
  cargo build --release --quiet
  bin="${CARGO_TARGET_DIR:-target}/release/llmrank"
fi
for tool in python3 sqlite3; do
  command -v "$tool" >/dev/null || { echo "needs $tool" >&2; exit 1; }
done
tmp=$(mktemp -d)
pg_db=""
cleanup() {
  [ -n "${server_pid:-}" ] && kill "$server_pid" 2>/dev/null || true
  if [ -n "$pg_db" ]; then
    psql "$TEST_DATABASE_URL" -qc "DROP DATABASE IF EXISTS $pg_db WITH (FORCE)" >/dev/null 2>&1 || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

# Day n's change: one price and one EvalPlus result, picked by n.
cat >"$tmp/change.py" <<'PY'
import re, sys
root, day = sys.argv[1], int(sys.argv[2])
path = f"{root}/openrouter/models.json"
text = open(path).read()
prices = [m for m in re.finditer(r'"prompt":"([0-9.e-]+)"', text) if float(m.group(1)) > 0]
m = prices[(day * 7919) % len(prices)]
price = float(m.group(1)) * (1 + (day % 9 + 1) / 100)
text = text[:m.start(1)] + repr(price) + text[m.end(1):]
open(path, "w").write(text)
path = f"{root}/evalplus/results.json"
text = open(path).read()
scores = list(re.finditer(r'"humaneval\+": ([0-9.]+)', text))
m = scores[(day * 104729) % len(scores)]
score = round(float(m.group(1)) + (0.1 if day % 2 else -0.1), 1)
text = text[:m.start(1)] + str(score) + text[m.end(1):]
open(path, "w").write(text)
PY

# One backend's year. $1: label, $2: DATABASE_URL, $3: a command printing
# the database's size in bytes, $4: a command moving the last run's times
# to the date given as its argument.
year() {
  local label=$1 url=$2 size=$3 backdate=$4
  local dir="$tmp/$label-fixtures"
  rm -rf "$dir"
  cp -rp "$fixtures" "$dir"
  local start
  start=$(date -u -d "$((days - 1)) days ago" +%Y-%m-%d)
  local times=()
  for d in $(seq 1 "$days"); do
    [ "$d" -gt 1 ] && python3 "$tmp/change.py" "$dir" "$d"
    local s e
    s=$(now_ms)
    DATABASE_URL="$url" "$bin" refresh --from-dir "$dir" >/dev/null 2>"$tmp/refresh.log" ||
      { cat "$tmp/refresh.log" >&2; exit 1; }
    e=$(now_ms)
    times+=("$((e - s))")
    $backdate "$(date -u -d "$start + $((d - 1)) days 12:00" +%Y-%m-%dT%H:%M:%S)"
    if [ $((d % 50)) -eq 0 ]; then
      echo "  $label: day $d, $(( $($size) / 1024 )) KiB" >&2
    fi
  done
  DATABASE_URL="$url" "$bin" prune >/dev/null
  local grown=() noop=()
  for _ in 1 2 3 4 5; do
    local before after s e
    before=$($size)
    s=$(now_ms)
    DATABASE_URL="$url" "$bin" refresh --from-dir "$dir" >"$tmp/noop.out" 2>/dev/null
    e=$(now_ms)
    after=$($size)
    grep -q "unchanged since run" "$tmp/noop.out" || { echo "a no-op refresh stored a new ranking" >&2; exit 1; }
    grown+=("$((after - before))")
    noop+=("$((e - s))")
  done
  local starts=() prepared=()
  for _ in 1 2 3 4 5; do
    local port=$((20000 + RANDOM % 20000))
    local log="$tmp/serve.log"
    local s e
    s=$(now_ms)
    DATABASE_URL="$url" RUST_LOG=info "$bin" serve --offline --addr "127.0.0.1:$port" >"$log" 2>&1 &
    server_pid=$!
    until curl -sf -o /dev/null "http://127.0.0.1:$port/"; do sleep 0.005; done
    e=$(now_ms)
    starts+=("$((e - s))")
    until grep -q "model pages prepared" "$log"; do sleep 0.05; done
    prepared+=("$(grep "model pages prepared" "$log" | grep -o 'elapsed_ms=[0-9]*' | tail -1 | cut -d= -f2)")
    kill "$server_pid"; wait "$server_pid" 2>/dev/null || true
    server_pid=""
  done
  local first last
  first=$(printf '%s\n' "${times[@]:1:5}" | median)
  last=$(printf '%s\n' "${times[@]: -5}" | median)
  echo "== $label: $days simulated days"
  echo "database after retention: $(( $($size) / 1024 )) KiB ($( DATABASE_URL="$url" "$bin" prune | sed 's/^nothing to prune: //'))"
  echo "bytes added by a no-op refresh: ${grown[*]}  median $(printf '%s\n' "${grown[@]}" | median)"
  echo "no-op refresh ms: ${noop[*]}  median $(printf '%s\n' "${noop[@]}" | median)"
  echo "refresh ms, days 2-6: ${times[*]:1:5}  median $first"
  echo "refresh ms, last 5 days: ${times[*]: -5}  median $last"
  awk -v f="$first" -v l="$last" 'BEGIN { printf "last days / first days: %.2f\n", l / f }'
  echo "server start to first / ms: ${starts[*]}  median $(printf '%s\n' "${starts[@]}" | median)"
  echo "model pages prepared ms: ${prepared[*]}  median $(printf '%s\n' "${prepared[@]}" | median)"
}

sqlite_file="$tmp/year.db"
sqlite_size() { local n=0; for f in "$sqlite_file" "$sqlite_file-wal"; do [ -f "$f" ] && n=$((n + $(stat -c %s "$f"))); done; echo "$n"; }
sqlite_backdate() {
  sqlite3 "$sqlite_file" "UPDATE refresh_runs SET started_at = '$1+00:00', finished_at = '$1+00:00', committed_at = '$1+00:00' WHERE id = (SELECT MAX(id) FROM refresh_runs)"
}
year SQLite "sqlite://$sqlite_file" sqlite_size sqlite_backdate

if [ -n "${TEST_DATABASE_URL:-}" ]; then
  command -v psql >/dev/null || { echo "needs psql for PostgreSQL" >&2; exit 1; }
  pg_db="llmrank_bench_$$"
  psql "$TEST_DATABASE_URL" -qc "CREATE DATABASE $pg_db" >/dev/null
  pg_url=$(python3 -c 'import sys, urllib.parse as u; p = u.urlparse(sys.argv[1]); print(p._replace(path="/" + sys.argv[2]).geturl())' "$TEST_DATABASE_URL" "$pg_db")
  pg_size() { psql "$pg_url" -Atc "SELECT pg_database_size(current_database())"; }
  # A day passes between two refreshes: autovacuum has marked the space
  # of the rows each refresh replaced for reuse (here a second is all).
  pg_backdate() {
    psql "$pg_url" -qc "UPDATE refresh_runs SET started_at = '$1Z', finished_at = '$1Z', committed_at = '$1Z' WHERE id = (SELECT MAX(id) FROM refresh_runs)" >/dev/null
    psql "$pg_url" -qc "VACUUM" >/dev/null
  }
  year PostgreSQL "$pg_url" pg_size pg_backdate
fi
