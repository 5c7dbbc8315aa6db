#!/usr/bin/env bash
# Times a full refresh from a snapshot directory (default ../shared/fixtures)
# with the release build: 5 runs, each into a fresh database, reported as the
# median and as a ratio to a baseline measured in the same run (`llmrank
# migrate` on a fresh database: process start, SQLite open, migrations).
set -euo pipefail
cd "$(dirname "$0")/.."
dir="${1:-../shared/fixtures}"
runs="${RUNS:-5}"
cargo build --release --quiet
bin=target/release/llmrank
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
time_ms() { local s e; s=$(date +%s%N); "$@" >/dev/null 2>&1; e=$(date +%s%N); echo $(( (e - s) / 1000000 )); }

base=(); full=()
for i in $(seq "$runs"); do
  base+=("$(time_ms env DATABASE_URL="sqlite://$tmp/base$i.db" "$bin" migrate)")
  full+=("$(time_ms env DATABASE_URL="sqlite://$tmp/full$i.db" "$bin" refresh --from-dir "$dir")")
done
b=$(printf '%s\n' "${base[@]}" | median)
f=$(printf '%s\n' "${full[@]}" | median)
echo "baseline (migrate) ms: ${base[*]}  median $b"
echo "refresh --from-dir ms: ${full[*]}  median $f"
awk -v f="$f" -v b="$b" 'BEGIN { printf "ratio refresh/baseline: %.1f\n", f / b }'
