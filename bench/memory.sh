#!/usr/bin/env bash
# Server memory (issues 5 and 7): starts the forum on an existing data set
# and runs a fixed sequence — random thread pages, search at 8 connections,
# 8 writers, 30 s idle, search one query at a time — printing after each
# step the server's RSS split into anonymous memory (Go heap, SQLite's
# caches) and mapped files (the search index's segments), with the step's
# throughput and latency.
#
#   bench/memory.sh DATA_DIR WRITER_EMAIL THREAD_IDS URL_FILE [LIMIT_MB]
#
# DATA_DIR, WRITER_EMAIL, THREAD_IDS (open threads, comma-separated) and
# URL_FILE (thread paths, one a line) come from `kommunalforum seed
# --synthetic --url-list URL_FILE` (its target.writer and target.writable
# lines) and `kommunalforum reindex`. The writes add posts to DATA_DIR.
#
# With LIMIT_MB the server runs in a memory cgroup of that size, which
# counts the page cache it touches (as systemd's MemoryMax= does), after
# the page cache was dropped; this needs root and cgroup v1 or v2.
# Without a limit, Linux leaves every index page a search touched mapped
# into the process, so RSS shows how much of the index was read, not how
# much memory the server needs.
#
# Environment: BENCH_PORT (default 18090), BENCH_DURATION (per step,
# default 15s).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
[ $# -ge 4 ] || { sed -n '9,10p' "$0" >&2; exit 2; }
data=$1 writer=$2 threads=$3 urls=$4 limit=${5:-}
port=${BENCH_PORT:-18090} dur=${BENCH_DURATION:-15s}
base=http://127.0.0.1:$port
command -v wrk >/dev/null || { echo "memory.sh: wrk is missing (bench/run.sh installs it)" >&2; exit 2; }
work=$(mktemp -d)
go build -o "$work/kf" ./cmd/kommunalforum
go build -o "$work/loadgen" ./bench/loadgen
token=$("$work/kf" token create --data "$data" --email "$writer" --name memory | tail -1)

cg=
if [ -n "$limit" ]; then
  [ "$(id -u)" = 0 ] || { echo "memory.sh: a limit needs root (cgroups, dropping the page cache)" >&2; exit 2; }
  if [ -f /sys/fs/cgroup/cgroup.controllers ]; then # v2
    cg=/sys/fs/cgroup/kf-memory-bench
    mkdir -p "$cg"
    echo $((limit << 20)) >"$cg/memory.max"
    usage() { cat "$cg/memory.current"; }
  else # v1
    cg=/sys/fs/cgroup/memory/kf-memory-bench
    mkdir -p "$cg"
    echo $((limit << 20)) >"$cg/memory.limit_in_bytes"
    usage() { cat "$cg/memory.usage_in_bytes"; }
  fi
  # Pages already cached stay charged to whoever read them first.
  sync
  echo 3 >/proc/sys/vm/drop_caches
fi

log=$work/server.log
if [ -n "$cg" ]; then
  sh -c 'echo $$ >"$0/cgroup.procs"; exec "$@"' "$cg" "$work/kf" serve --data "$data" --listen "127.0.0.1:$port" >"$log" 2>&1 &
else
  "$work/kf" serve --data "$data" --listen "127.0.0.1:$port" >"$log" 2>&1 &
fi
server=$!
cleanup() {
  kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
  if [ -n "$cg" ]; then rmdir "$cg" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
for _ in $(seq 100); do curl -fs "$base/" >/dev/null && break; sleep 0.2; done

mem() {
  awk '/^VmRSS/ {r = $2} /^RssAnon/ {a = $2} /^RssFile/ {f = $2}
    END {printf "RSS %d MB (anonymous %d + files %d)", r / 1024, a / 1024, f / 1024}' "/proc/$server/status"
  if [ -n "$cg" ]; then echo ", cgroup $(($(usage) >> 20)) of $limit MB"; else echo; fi
}
step() { echo "$1: $(mem); load $(cut -d' ' -f1 /proc/loadavg)"; }
result() { sed -n 's/^RESULT class=[a-z]* /  /p'; }

echo "memory.sh: $(date -u '+%F %T') UTC, data $data, limit ${limit:-none}"
step "started"
BENCH_URLS=$urls BENCH_WRK_DIR=$root/bench/wrk wrk -t2 -c16 -d"$dur" -s "$root/bench/wrk/random.lua" "$base" |
  sed -n 's/^Requests\/sec: */  rps=/p'
step "random thread pages (wrk, 16 connections)"
"$work/loadgen" -base "$base" -readers 8 -search-words "$root/bench/words.txt" -d "$dur" 2>&1 | result
step "search, 8 at a time"
"$work/loadgen" -base "$base" -token "$token" -threads "$threads" -writers 8 -d "$dur" 2>&1 | result
step "posting, 8 writers"
sleep 30
step "30 s idle"
"$work/loadgen" -base "$base" -readers 1 -search-words "$root/bench/words.txt" -d 20s 2>&1 | result
step "search, one query at a time"
