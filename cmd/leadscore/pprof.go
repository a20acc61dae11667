//go:build pprof

package main

// Built with -tags pprof only (bench/livebench/run.sh with PROFILE=1): with
// LEADSCORE_PPROF=HOST:PORT the binary serves net/http/pprof there, so a
// benchmark can profile the server under load. Release builds have no
// profiling endpoint.

import (
	"net/http"
	_ "net/http/pprof"
	"os"
)

func init() {
	if addr := os.Getenv("LEADSCORE_PPROF"); addr != "" {
		go http.ListenAndServe(addr, nil)
	}
}
