package serve

import (
	"fmt"
	"log/slog"
	"math"
	"path/filepath"
	"time"

	"github.com/spf13/pflag"

	"github.com/leadscore/leadscore/serve/monitor"
)

// Defaults of Config's address, limits and timeouts.
const (
	DefaultAddr              = "127.0.0.1:8080"
	DefaultMaxBodyBytes      = 1 << 20  // 1 MiB per /v1/score request
	DefaultMaxBatchBodyBytes = 64 << 20 // 64 MiB per /v1/score/batch request
	DefaultMaxBatchLeads     = 10000    // leads per /v1/score/batch request
	DefaultMaxEventsPerLead  = 10000    // events of one lead
	DefaultMaxInflightBytes  = 256 << 20
	DefaultGCPercent         = 400 // GOGC while serving (see Config.GCPercent)
	DefaultPollInterval      = 3 * time.Second
	DefaultReadHeaderTimeout = 5 * time.Second
	DefaultReadTimeout       = 60 * time.Second
	DefaultWriteTimeout      = 120 * time.Second
	DefaultIdleTimeout       = 120 * time.Second
	DefaultShutdownTimeout   = 30 * time.Second
	DefaultDrain             = 5 * time.Second
)

// Config configures a Server. Zero limits and timeouts take the defaults
// above.
type Config struct {
	// ModelsDir holds one bundle directory per version and an optional
	// champion file naming the version to serve (--models).
	ModelsDir string
	// Pin, when set, is the version served whatever the champion file
	// says (--models pointed at one bundle serves that bundle): the
	// champion file is ignored and promotion is refused.
	Pin string
	// Addr is the HOST:PORT to listen on (--addr, default DefaultAddr).
	// Without APIKeysFile only loopback addresses are accepted.
	Addr string
	// APIKeysFile lists "KEY SCOPE" lines, scope score, admin or metrics
	// (--api-keys); a file group or others may write is refused. Empty
	// turns authentication off (loopback only).
	APIKeysFile string
	// MaxBodyBytes limits a /v1/score body (--max-body); larger bodies get
	// 413.
	MaxBodyBytes int64
	// MaxBatchBodyBytes limits a /v1/score/batch body (--max-batch-body);
	// larger bodies get 413.
	MaxBatchBodyBytes int64
	// MaxBatchLeads limits the leads of one batch (--max-batch-leads); more
	// get 413 batch_too_large.
	MaxBatchLeads int
	// ProtectMetrics makes /metrics and the details of /readyz need a key
	// of scope metrics or admin (--protect-metrics); it needs APIKeysFile.
	ProtectMetrics bool
	// MaxEventsPerLead limits the events of one lead
	// (--max-events-per-lead); more get 413 too_many_events naming the
	// lead (its index in a batch).
	MaxEventsPerLead int
	// MaxInflightBytes limits the request body bytes all requests hold at
	// once (--max-inflight-bytes); a request that would pass it gets 503
	// overloaded with Retry-After.
	MaxInflightBytes int64
	// MemoryLimit is the Go runtime's soft memory limit while Serve runs
	// (--memory-limit): the garbage collector works harder near it instead
	// of letting the heap grow to twice what is live. Zero takes
	// MaxInflightBytes + 192 MiB; negative, or GOMEMLIMIT in the
	// environment, leaves the runtime's setting alone.
	MemoryLimit int64
	// GCPercent is the Go runtime's GOGC while Serve runs (--gc-percent):
	// scoring allocates a few KB per request while little stays live, so
	// at the runtime's default (100) a busy server collects several times
	// a second, and on a loaded core each collection holds up the requests
	// behind it; at 400 it collects a quarter as often, with MemoryLimit
	// still bounding the heap. Zero takes DefaultGCPercent; negative, or
	// GOGC in the environment, leaves the runtime's setting alone.
	GCPercent int
	// PollInterval is how often ModelsDir is checked for new bundles and a
	// changed champion file (--poll); negative turns polling off.
	PollInterval time.Duration
	// HTTP server timeouts.
	ReadHeaderTimeout time.Duration
	ReadTimeout       time.Duration
	WriteTimeout      time.Duration
	IdleTimeout       time.Duration
	// ShutdownTimeout bounds how long shutdown waits for in-flight requests.
	ShutdownTimeout time.Duration
	// Drain is how long /readyz answers 503 after SIGTERM before the
	// listener closes (--drain); negative: none.
	Drain time.Duration
	// Logger receives the access and lifecycle logs (nil: discarded).
	Logger *slog.Logger
	// Load loads one bundle directory (nil: LoadBundle).
	Load Loader
	// Now is the clock used for the default as_of (nil: time.Now).
	Now func() time.Time
	// Reports lists the reports served on GET /reports (nil: none).
	Reports ReportSource
	// Webhooks are the receivers of tier changes (none by default).
	Webhooks WebhookConfig
	// Monitor judges issued scores against outcomes (off without a
	// prediction log).
	Monitor MonitorConfig
	// RescoreDebounce is how long a stored lead's changes are gathered
	// before it is rescored (--rescore-debounce, DefaultDebounce).
	RescoreDebounce time.Duration
	// SweepActiveEvery and SweepEvery are how often the sweep rescores
	// the active leads (an event within ActiveWindow) and every stored
	// lead (--sweep-active-every 1h, --sweep-every 24h, --active-window
	// 720h; negative: never).
	SweepActiveEvery, SweepEvery, ActiveWindow time.Duration
	// Store is the lead store behind POST /v1/leads, /v1/events,
	// /v1/outcomes, GET /v1/leads/{id} and the prediction log. When nil,
	// New opens StoreURL (sqlite:PATH or postgres://...; "" or "none":
	// no store, the API is stateless). A store New opened is closed when
	// Serve returns or by Close.
	Store    LeadStore
	StoreURL string
	// ScoreRetention, when positive, deletes prediction-log entries older
	// than it (checked hourly) (--score-retention); zero keeps everything.
	ScoreRetention time.Duration
}

// BindFlags defines the serve command's flags on fs, writing into cfg.
func BindFlags(fs *pflag.FlagSet, cfg *Config) {
	fs.StringVar(&cfg.ModelsDir, "models", "models", "directory of model bundles (one subdirectory per version) and an optional champion file, or one bundle to serve alone")
	fs.StringVar(&cfg.Addr, "addr", DefaultAddr, "HOST:PORT to listen on; without --api-keys only loopback addresses are allowed")
	fs.StringVar(&cfg.APIKeysFile, "api-keys", "", `file of "KEY SCOPE" lines (scope score, admin or metrics; not writable by group or others); required for non-loopback addresses`)
	fs.Int64Var(&cfg.MaxBodyBytes, "max-body", DefaultMaxBodyBytes, "largest /v1/score body in bytes (413 above)")
	fs.Int64Var(&cfg.MaxBatchBodyBytes, "max-batch-body", DefaultMaxBatchBodyBytes, "largest /v1/score/batch body in bytes (413 above)")
	fs.IntVar(&cfg.MaxBatchLeads, "max-batch-leads", DefaultMaxBatchLeads, "most leads in one /v1/score/batch request (413 above)")
	fs.BoolVar(&cfg.ProtectMetrics, "protect-metrics", false, "require a key of scope metrics or admin for /metrics and the details of /readyz (without one /readyz answers its status alone); needs --api-keys")
	fs.IntVar(&cfg.MaxEventsPerLead, "max-events-per-lead", DefaultMaxEventsPerLead, "most events in one lead (413 above, naming the lead's index in a batch)")
	fs.Int64Var(&cfg.MaxInflightBytes, "max-inflight-bytes", DefaultMaxInflightBytes, "request body bytes held by all requests at once (503 with Retry-After above)")
	fs.IntVar(&cfg.GCPercent, "gc-percent", DefaultGCPercent, "the Go garbage collector's GOGC while serving (negative: the runtime's own; GOGC overrides)")
	fs.Int64Var(&cfg.MemoryLimit, "memory-limit", 0, "soft memory limit of the Go runtime in bytes while serving (0: --max-inflight-bytes + 192 MiB; negative: none; GOMEMLIMIT overrides)")
	fs.DurationVar(&cfg.ReadHeaderTimeout, "read-header-timeout", DefaultReadHeaderTimeout, "time a client has to send the request headers")
	fs.DurationVar(&cfg.ReadTimeout, "read-timeout", DefaultReadTimeout, "time a client has to send the whole request (a body cut off by it gets 408)")
	fs.DurationVar(&cfg.WriteTimeout, "write-timeout", DefaultWriteTimeout, "time from the end of the request headers to the end of the response")
	fs.DurationVar(&cfg.IdleTimeout, "idle-timeout", DefaultIdleTimeout, "how long a keep-alive connection may wait for its next request")
	fs.DurationVar(&cfg.PollInterval, "poll", DefaultPollInterval, "how often to check --models for new bundles or a changed champion file (negative: never)")
	fs.DurationVar(&cfg.ShutdownTimeout, "shutdown-timeout", DefaultShutdownTimeout, "how long shutdown waits for in-flight requests (then they are cut off, and the exit is still 0)")
	fs.StringArrayVar(&cfg.Webhooks.URLs, "webhook-url", nil, "POST tier, MQL and disqualification changes of leads to this URL (repeatable; each with its --webhook-secret-file, in the same order)")
	fs.StringArrayVar(&cfg.Webhooks.SecretFiles, "webhook-secret-file", nil, "file holding the secret that signs the deliveries of the --webhook-url at the same position (X-Leadscore-Signature; chmod 600)")
	fs.StringVar(&cfg.Webhooks.ConfigFile, "webhook-config", "", "YAML file listing more webhooks: webhooks: [{url, secret_file, name, events}]")
	fs.BoolVar(&cfg.Webhooks.TestReceiver, "webhook-test-receiver", false, "also deliver every webhook to a receiver built into this server, which verifies each signature; GET /v1/admin/webhooks/received lists what it got (to try webhooks before sales has a receiver)")
	fs.IntVar(&cfg.Webhooks.MaxAttempts, "webhook-max-attempts", 0, "attempts of a webhook delivery before it is dead-lettered (0: 8, over about 2 hours)")
	fs.DurationVar(&cfg.RescoreDebounce, "rescore-debounce", DefaultDebounce, "a stored lead is rescored this long after its last change (new fields, events or an outcome), so a burst gives one rescore")
	fs.DurationVar(&cfg.SweepActiveEvery, "sweep-active-every", DefaultSweepActiveEvery, "rescore the active stored leads (an event within --active-window) this often, as engagement decays and leads age (negative: never)")
	fs.DurationVar(&cfg.SweepEvery, "sweep-every", DefaultSweepEvery, "rescore every stored lead this often (negative: never)")
	fs.DurationVar(&cfg.ActiveWindow, "active-window", DefaultActiveWindow, "a stored lead with an event within this window is active")
	fs.DurationVar(&cfg.Monitor.Every, "monitor-every", DefaultMonitorEvery, "how often the live calibration, AUC and tier conversion of judged scores are recomputed")
	fs.Float64Var(&cfg.Monitor.Thresholds.MaxECERise, "monitor-max-ece-rise", monitor.DefaultMaxECERise, "alert when a model's live ECE exceeds its held-out ECE by more than this")
	fs.Float64Var(&cfg.Monitor.Thresholds.MaxAUCDrop, "monitor-max-auc-drop", monitor.DefaultMaxAUCDrop, "alert when a model's live ROC AUC falls below its held-out AUC by more than this")
	fs.IntVar(&cfg.Monitor.Thresholds.MinJudged, "monitor-min-judged", monitor.DefaultMinJudged, "judged scores a model needs before its live figures can raise an alert")
	fs.StringVar(&cfg.StoreURL, "store", "", "the lead store: sqlite:PATH or a postgres:// URL (password also from PGPASSWORD), or none for a stateless API (default: a SQLite file next to the models directory, see DefaultStoreURL)")
	fs.DurationVar(&cfg.ScoreRetention, "score-retention", 0, "delete prediction-log entries older than this (e.g. 2160h); 0 keeps every score")
	fs.DurationVar(&cfg.Drain, "drain", DefaultDrain, "on SIGTERM, how long /readyz answers 503 before the listener closes, so load balancers stop sending requests (negative, e.g. -1s: none)")
}

// withDefaults fills zero fields and checks the rest.
func (c Config) withDefaults() (Config, error) {
	if c.ModelsDir == "" {
		return c, fmt.Errorf("serve: no models directory; pass --models DIR")
	}
	if c.MaxBodyBytes < 0 || c.MaxBatchBodyBytes < 0 || c.MaxBatchLeads < 0 || c.MaxEventsPerLead < 0 || c.MaxInflightBytes < 0 {
		return c, fmt.Errorf("serve: body and batch limits must be positive")
	}
	def := func(d *time.Duration, v time.Duration) {
		if *d == 0 {
			*d = v
		}
	}
	if c.MaxBodyBytes == 0 {
		c.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if c.MaxBatchBodyBytes == 0 {
		c.MaxBatchBodyBytes = DefaultMaxBatchBodyBytes
	}
	if c.MaxBatchLeads == 0 {
		c.MaxBatchLeads = DefaultMaxBatchLeads
	}
	if c.ProtectMetrics && c.APIKeysFile == "" {
		return c, fmt.Errorf("serve: --protect-metrics needs --api-keys FILE with a key of scope metrics or admin")
	}
	if c.MaxEventsPerLead == 0 {
		c.MaxEventsPerLead = DefaultMaxEventsPerLead
	}
	if c.MaxInflightBytes == 0 {
		c.MaxInflightBytes = DefaultMaxInflightBytes
	}
	if c.GCPercent == 0 {
		c.GCPercent = DefaultGCPercent
	}
	if c.MemoryLimit == 0 {
		c.MemoryLimit = c.MaxInflightBytes + 192<<20
	}
	if c.MaxInflightBytes < c.MaxBatchBodyBytes+minBodyStep {
		return c, fmt.Errorf("serve: --max-inflight-bytes %d is below --max-batch-body %d: a full batch could never be read; raise it", c.MaxInflightBytes, c.MaxBatchBodyBytes)
	}
	def(&c.PollInterval, DefaultPollInterval)
	def(&c.ReadHeaderTimeout, DefaultReadHeaderTimeout)
	def(&c.ReadTimeout, DefaultReadTimeout)
	def(&c.WriteTimeout, DefaultWriteTimeout)
	def(&c.IdleTimeout, DefaultIdleTimeout)
	def(&c.ShutdownTimeout, DefaultShutdownTimeout)
	def(&c.Drain, DefaultDrain)
	if c.ScoreRetention < 0 {
		return c, fmt.Errorf("serve: --score-retention %s: expected a positive duration, or 0 to keep every score", c.ScoreRetention)
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.Load == nil {
		c.Load = LoadBundle
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if t := c.Monitor.Thresholds; t.MaxECERise < 0 || t.MaxAUCDrop < 0 || t.MinJudged < 0 || math.IsNaN(t.MaxECERise) || math.IsNaN(t.MaxAUCDrop) {
		return c, fmt.Errorf("serve: --monitor-max-ece-rise, --monitor-max-auc-drop and --monitor-min-judged: expected positive numbers")
	}
	if c.Webhooks.MaxAttempts < 0 {
		return c, fmt.Errorf("serve: --webhook-max-attempts %d: expected a positive number", c.Webhooks.MaxAttempts)
	}
	return c, nil
}

// DefaultStoreFile is the name of the default SQLite store, beside the
// models directory.
const DefaultStoreFile = "leadscore-store.db"

// DefaultStoreURL is the store serve keeps when --store is not given: the
// SQLite file DefaultStoreFile in the directory that holds modelsDir.
func DefaultStoreURL(modelsDir string) string {
	abs, err := filepath.Abs(modelsDir)
	if err != nil {
		abs = modelsDir
	}
	return "sqlite:" + filepath.Join(filepath.Dir(abs), DefaultStoreFile)
}
