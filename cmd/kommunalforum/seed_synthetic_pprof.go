//go:build benchpprof

package main

// Profiling for the benchmark harness only (bench/run.sh --profile builds
// with -tags benchpprof): with KOMMUNALFORUM_BENCH_PPROF=127.0.0.1:PORT set, the
// process serves net/http/pprof on that separate loopback address, so a
// CPU profile can be taken while wrk loads the forum. Normal builds do not
// contain this file; the forum's own routes never expose pprof.

import (
	"log"
	"net/http"
	_ "net/http/pprof" // registers /debug/pprof on http.DefaultServeMux
	"os"
)

func init() {
	addr := os.Getenv("KOMMUNALFORUM_BENCH_PPROF")
	if addr == "" {
		return
	}
	go func() { log.Println(http.ListenAndServe(addr, nil)) }()
}
