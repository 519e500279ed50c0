#!/usr/bin/env bash
# Long variant of the crash-safety test (issue 8): 20 SIGKILLs while four
# writers post and two readers read, then every acknowledged post must be
# present, unaltered and searchable, retried in-flight requests must exist
# exactly once, and PRAGMA integrity_check must be ok. Here the write rate
# must reach 100 posts/s; CI runs 5 rounds and only reports the rate.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${CRASH_ROUNDS:-20}
echo "crash: $rounds rounds, load $(cut -d' ' -f1 /proc/loadavg)"
go test -count=1 -v -run '^TestCrashSafety$' ./cmd/kommunalforum -args -crash-rounds "$rounds" -crash-min-rate 100 | grep -E 'crash_test|^(--- |ok|FAIL|PASS)'
