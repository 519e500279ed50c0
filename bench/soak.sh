#!/usr/bin/env bash
# Load and soak (issue 8): 50 concurrent readers plus 100 posts/s against a
# running forum, sampling the server's memory and the WAL size while it
# runs. Targets: reads p95 <= 200 ms, writes p95 <= 500 ms, zero errors,
# WAL bounded, memory stable.
#
#   bench/soak.sh DATA_DIR BASE_URL WRITER_EMAIL THREAD_IDS URLS [DURATION]
#
# e.g. after bench/run.sh: bench/soak.sh /tmp/bench/data http://127.0.0.1:18080 \
#   bench@synthetic.kommunalforum.example 1,2,3 /,/t/2 30m
set -euo pipefail
cd "$(dirname "$0")/.."
data=$1 base=$2 writer=$3 threads=$4 urls=$5 dur=${6:-5m}
go build -o /tmp/kf-soak ./cmd/kommunalforum
go build -o /tmp/kf-loadgen ./bench/loadgen
token=$(/tmp/kf-soak token create --data "$data" --email "$writer" --name soak | tail -1)
# A locked thread refuses every reply with 409 (correctly), which would
# count as write errors: the synthetic data locks about 1% of threads.
for id in ${threads//,/ }; do
  if curl -sf "$base/api/v1/threads/$id" | grep -q '"locked":true'; then
    echo "soak: thread $id is locked; choose threads that take replies" >&2
    exit 2
  fi
done
pid=$(pgrep -f "serve --data $data" | head -1 || true)
(
  while sleep 30; do
    rss=$([ -n "$pid" ] && awk '/^VmRSS/ {print $2/1024 " MB"}' "/proc/$pid/status" || echo "?")
    wal=$(stat -c %s "$data/kommunalforum.db-wal" 2>/dev/null || echo 0)
    echo "soak: $(date +%T) load $(cut -d' ' -f1 /proc/loadavg) rss $rss wal $((wal / 1048576)) MB"
  done
) &
sampler=$!
trap 'kill $sampler 2>/dev/null' EXIT
/tmp/kf-loadgen -base "$base" -token "$token" -threads "$threads" -rate 100 -readers 50 -urls "$urls" -d "$dur"
