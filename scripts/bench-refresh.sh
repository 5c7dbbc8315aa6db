#!/usr/bin/env bash
# Times a full refresh from a snapshot directory (default ../shared/fixtures)
# with the release build: 5 runs, each into a fresh database, reported as the
# median and as a ratio to a baseline measured in the same run (`llmrank
# migrate` on a fresh database: process start, SQLite open, migrations), and
# the median peak RSS of the whole process (GNU time, Debian's `time`).
# Environment: RUNS (default 5), BIN (another llmrank binary to measure,
# e.g. an older build, for a before/after in one go).
set -euo pipefail
cd "$(dirname "$0")/.."
dir="${1:-../shared/fixtures}"
runs="${RUNS:-5}"
if [ -n "${BIN:-}" ]; then
  bin=$(realpath "$BIN")
else
  cargo build --release --quiet
  bin=target/release/llmrank
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
[ -x /usr/bin/time ] || { echo "needs GNU time: apt-get install time" >&2; exit 1; }

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
# Wall milliseconds and peak RSS (KiB) of one command.
measure() {
  local s e
  s=$(date +%s%N)
  /usr/bin/time -o "$tmp/time" -f %M "$@" >/dev/null 2>&1
  e=$(date +%s%N)
  echo "$(( (e - s) / 1000000 )) $(tail -1 "$tmp/time")"
}

base=(); full=(); peak=()
for i in $(seq "$runs"); do
  read -r ms _ < <(measure env DATABASE_URL="sqlite://$tmp/base$i.db" "$bin" migrate)
  base+=("$ms")
  read -r ms kb < <(measure env DATABASE_URL="sqlite://$tmp/full$i.db" "$bin" refresh --from-dir "$dir")
  full+=("$ms"); peak+=("$kb")
done
b=$(printf '%s\n' "${base[@]}" | median)
f=$(printf '%s\n' "${full[@]}" | median)
p=$(printf '%s\n' "${peak[@]}" | median)
echo "baseline (migrate) ms: ${base[*]}  median $b"
echo "refresh --from-dir ms: ${full[*]}  median $f"
echo "refresh peak RSS KiB: ${peak[*]}  median $p"
awk -v f="$f" -v b="$b" 'BEGIN { printf "ratio refresh/baseline: %.1f\n", f / b }'
