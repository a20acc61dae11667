package main

import (
	"context"
	"log/slog"

	"github.com/gin-gonic/gin"
	"github.com/spf13/cobra"

	"github.com/leadscore/leadscore/serve"
)

func newServe(g *globals) *cobra.Command {
	var cfg serve.Config
	var logLevel string
	cmd := &cobra.Command{
		Use:   "serve --models DIR [--addr HOST:PORT] [--api-keys FILE]",
		Short: "Serve the scoring API over a directory of model bundles",
		Long: `serve answers POST /v1/score and /v1/score/batch with the champion bundle of
--models (the version named in DIR/champion, else the newest bundle), and
GET /v1/models, /healthz, /readyz, /metrics (Prometheus) and /openapi.json.
A new bundle, a changed champion file, SIGHUP or POST /v1/admin/reload swap
the model in without dropping a request; SIGTERM drains in-flight requests.
Without --api-keys it listens on loopback only.`,
		Example: `  leadscore serve --models ./models
  leadscore serve --models ./models --addr 0.0.0.0:8080 --api-keys keys.txt`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var level slog.Level
			if err := level.UnmarshalText([]byte(logLevel)); err != nil {
				return usagef("--log-level %q: expected debug, info, warn or error", logLevel)
			}
			gin.SetMode(gin.ReleaseMode)
			logger := slog.New(slog.NewJSONHandler(g.stderr, &slog.HandlerOptions{Level: level}))
			logger.Info("leadscore serve", "addr", cfg.Addr, "models", cfg.ModelsDir, "version", version)
			return serve.Run(context.Background(), cfg, logger)
		},
	}
	serve.BindFlags(cmd.Flags(), &cfg)
	cmd.Flags().StringVar(&logLevel, "log-level", "info", "log level: debug, info, warn or error")
	return cmd
}
