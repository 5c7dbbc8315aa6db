#!/usr/bin/env bash
# Serving speed against a static-file baseline, in one run: starts the
# release build of llmrank and nginx (one worker) serving the very bytes
# llmrank returned, plus those bytes gzipped for `gzip_static`, then loads
# each with wrk (2 threads, 32 connections) and prints req/s and p99 of both
# and their ratio. Needs Debian's wrk and nginx (`apt-get install wrk
# nginx-light`). Data: ../shared/fixtures when present, else the bundled
# snapshot. Environment: DURATION (seconds per run, default 8), THREADS,
# CONNECTIONS, BIN (another llmrank binary to measure, e.g. an older build).
set -euo pipefail
cd "$(dirname "$0")/.."
duration="${DURATION:-8}"
threads="${THREADS:-2}"
connections="${CONNECTIONS:-32}"
for tool in wrk nginx curl; do
  command -v "$tool" >/dev/null || { echo "needs $tool: apt-get install wrk nginx-light curl" >&2; exit 1; }
done
if [ -n "${BIN:-}" ]; then
  bin=$(realpath "$BIN")
else
  cargo build --release --quiet
  bin=$PWD/target/release/llmrank
fi
tmp=$(mktemp -d)
chmod 755 "$tmp"
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$tmp"' EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
app_port=$(free_port)
web_port=$(free_port)
export DATABASE_URL="sqlite://$tmp/bench.db"
if [ -d ../shared/fixtures ]; then
  "$bin" refresh --from-dir ../shared/fixtures >/dev/null 2>&1
fi
LLMRANK_ADDR="127.0.0.1:$app_port" RUST_LOG=warn "$bin" serve --offline >"$tmp/serve.log" 2>&1 &
app_pid=$!
pids+=("$app_pid")
app="http://127.0.0.1:$app_port"
for _ in $(seq 300); do curl -fs "$app/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
curl -fs "$app/healthz" >/dev/null || { cat "$tmp/serve.log" >&2; exit 1; }

# The bytes nginx serves: what llmrank answered, and gzip -9 of it.
root="$tmp/www"
mkdir -p "$root"
declare -A paths=(
  [page]="/"
  [api]="/api/v1/rankings"
  [big]="/?has_benchmarks=false&limit=1000"
)
declare -A files=([page]=index.html [api]=rankings.json [big]=big.html)
for case in page api big; do
  curl -fs "$app${paths[$case]}" -o "$root/${files[$case]}"
  gzip -9 -k "$root/${files[$case]}"
done
chmod -R a+rX "$root"
cat >"$tmp/nginx.conf" <<EOF
worker_processes 1;
pid $tmp/nginx.pid;
error_log $tmp/nginx.error.log;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 1000000;
  open_file_cache max=100;
  default_type text/html;
  gzip_static on;
  server {
    listen 127.0.0.1:$web_port;
    root $root;
  }
}
EOF
nginx -c "$tmp/nginx.conf" -g 'daemon off;' &
pids+=("$!")
web="http://127.0.0.1:$web_port"
for _ in $(seq 50); do curl -fs "$web/index.html" >/dev/null 2>&1 && break; sleep 0.1; done
cmp <(curl -fs "$app/") "$root/index.html"
cmp <(curl -fs -H 'Accept-Encoding: gzip' "$web/index.html") "$root/index.html.gz"

# req/s and p99 (ms) of one wrk run.
load() {
  local out rps p99
  out=$(wrk -t"$threads" -c"$connections" -d"${duration}s" --latency "$@")
  rps=$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {v=$2; if (v ~ /us$/) {sub(/us$/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms$/,"",v)} else if (v ~ /s$/) {sub(/s$/,"",v); v*=1000}; print v}' <<<"$out")
  echo "$rps $p99"
}

printf '%-44s %12s %9s %12s %9s %7s\n' request "llmrank r/s" "p99 ms" "nginx r/s" "p99 ms" ratio
for case in page api big; do
  for encoding in none gzip; do
    header=()
    label="${paths[$case]}"
    if [ "$encoding" = gzip ]; then
      header=(-H 'Accept-Encoding: gzip, br')
      label="$label (gzip, br)"
    fi
    read -r a_rps a_p99 < <(load "${header[@]}" "$app${paths[$case]}")
    read -r n_rps n_p99 < <(load "${header[@]}" "$web/${files[$case]}")
    printf '%-44s %12.0f %9.2f %12.0f %9.2f %7.2f\n' "$label" "$a_rps" "$a_p99" "$n_rps" "$n_p99" \
      "$(awk -v a="$a_rps" -v n="$n_rps" 'BEGIN {print a / n}')"
  done
done

# Memory: after the runs above, then after a load of distinct queries that
# fills the on-demand cache to its budget.
cat >"$tmp/distinct.lua" <<'EOF'
local sorts = {"overall_score", "name", "price_blended", "ttft_median", "context_length", "value_score"}
request = function()
  local path = "/?has_benchmarks=false&limit=" .. math.random(1, 1000) .. "&sort=" .. sorts[math.random(#sorts)]
  if math.random() < 0.5 then path = "/api/v1/rankings" .. path:sub(2) end
  return wrk.format("GET", path, {["Accept-Encoding"] = "gzip, br"})
end
EOF
rss() { awk '/^VmRSS/ {printf "%.1f", $2 / 1024}' "/proc/$app_pid/status"; }
hwm() { awk '/^VmHWM/ {printf "%.1f", $2 / 1024}' "/proc/$app_pid/status"; }
echo "llmrank RSS after the runs above: $(rss) MB (peak $(hwm) MB)"
read -r d_rps d_p99 < <(load -s "$tmp/distinct.lua" "$app")
cache=$(curl -fs "$app/metrics" | awk '/^llmrank_response_cache_bytes\{kind="on_demand"\}/ {b=$2} /^llmrank_response_cache_budget_bytes/ {m=$2} /^llmrank_response_cache_entries\{kind="on_demand"\}/ {e=$2} END {printf "%.1f of %.1f MB in %d entries", b/1048576, m/1048576, e}')
echo "distinct queries (random limit and sort, page and API): $d_rps req/s, p99 $d_p99 ms; on-demand cache $cache"
echo "llmrank RSS after distinct queries: $(rss) MB (peak $(hwm) MB)"
