// Command benchserve runs the leadscore scoring API next to a bare gin
// endpoint for the load test in run.sh.
//
// It generates a B2B history (datasets/synth), trains a bundle with every
// model (GBM champion), writes request bodies for wrk into -out (lead.json:
// one lead; batch.json: a JSON array of -batch leads), all with
// bench/suite as the serve suite of `leadscore bench` does, then serves
//
//	-addr: the leadscore API (serve.New over -out/models), and
//	-bare: POST /echo, a gin handler that decodes the same JSON into a
//	       map and encodes it back: the floor any JSON API pays.
//
// It prints "ready" once both listen and runs until interrupted.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/leadscore/leadscore/bench/suite"
	"github.com/leadscore/leadscore/models"
	"github.com/leadscore/leadscore/serve"
)

func main() {
	out := flag.String("out", "", "working directory for data, bundle and request bodies (required)")
	addr := flag.String("addr", "127.0.0.1:18080", "address of the leadscore API")
	bare := flag.String("bare", "127.0.0.1:18081", "address of the bare gin echo endpoint")
	leads := flag.Int("leads", 5000, "generated leads to train on")
	batch := flag.Int("batch", 1000, "leads per batch request body")
	flag.Parse()
	if *out == "" {
		log.Fatal("benchserve: -out DIR is required")
	}
	if err := run(*out, *addr, *bare, *leads, *batch); err != nil {
		log.Fatal(err)
	}
}

func run(out, addr, bare string, nLeads, batch int) error {
	data := filepath.Join(out, "data")
	modelsDir := filepath.Join(out, "models")
	if _, err := os.Stat(filepath.Join(modelsDir, suite.ServeBundle, models.ManifestFile)); err != nil {
		fmt.Fprintf(os.Stderr, "generating %d leads and training a bundle...\n", nLeads)
	}
	if err := suite.PrepareServe(context.Background(), data, modelsDir, suite.ServeOptions{Leads: nLeads}); err != nil {
		return err
	}
	if _, err := suite.WriteServeBodies(data, out, batch); err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	bareSrv := &http.Server{Addr: bare, Handler: suite.EchoHandler(), ReadHeaderTimeout: 5 * time.Second}
	go bareSrv.ListenAndServe()
	defer bareSrv.Close()
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	fmt.Println("ready")
	return serve.Run(ctx, serve.Config{ModelsDir: modelsDir, Addr: addr, MaxBatchLeads: 100000, PollInterval: -1}, logger)
}
