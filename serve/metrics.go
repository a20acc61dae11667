package serve

import (
	"net/http"

	"github.com/leadscore/leadscore/models"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metrics are one Server's Prometheus metrics, on a private registry.
type metrics struct {
	reg       *prometheus.Registry
	requests  *prometheus.CounterVec
	errors    *prometheus.CounterVec
	latency   *prometheus.HistogramVec
	leads     *prometheus.CounterVec
	scores    *prometheus.CounterVec
	warnings  *prometheus.CounterVec
	model     *prometheus.GaugeVec
	reloads   *prometheus.CounterVec
	fallback  prometheus.Gauge
	batchSize prometheus.Histogram
	webhooks  *prometheus.CounterVec
	ingest    *prometheus.CounterVec
	logged    *prometheus.CounterVec
}

func newMetrics() *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "leadscore_http_requests_total",
			Help: "HTTP requests by route, method and status code.",
		}, []string{"route", "method", "code"}),
		errors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "leadscore_http_errors_total",
			Help: "HTTP requests answered with a status code of 400 or more, by route and code.",
		}, []string{"route", "code"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "leadscore_http_request_duration_seconds",
			Help:    "Time from reading the request to writing the response, by route.",
			Buckets: []float64{.0001, .00025, .0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"route", "method"}),
		leads: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "leadscore_leads_scored_total",
			Help: "Leads scored, by model version.",
		}, []string{"model_version"}),
		scores: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "leadscore_scores_total",
			Help: "Scores served, by tier and model version.",
		}, []string{"tier", "model_version"}),
		warnings: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "leadscore_score_warnings_total",
			Help: "Warnings attached to served scores, by code (missing_imputed, unseen_category, unknown_field, out_of_range) and model version.",
		}, []string{"code", "model_version"}),
		model: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "leadscore_model_info",
			Help: "1 for the model version being served.",
		}, []string{"model_version", "name"}),
		reloads: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "leadscore_model_loads_total",
			Help: "Bundle loads by result (loaded or refused).",
		}, []string{"result"}),
		fallback: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "leadscore_model_fallback",
			Help: "1 while a bundle other than the champion file's serves because the champion fails its checks.",
		}),
		batchSize: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "leadscore_batch_leads",
			Help:    "Leads per batch request.",
			Buckets: prometheus.ExponentialBuckets(1, 4, 9),
		}),
	}
	m.ingest = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "leadscore_ingested_total",
		Help: "Items sent to POST /v1/leads, /v1/events and /v1/outcomes, by kind (leads, events, outcomes) and result (accepted, duplicate, rejected).",
	}, []string{"kind", "result"})
	m.logged = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "leadscore_prediction_log_total",
		Help: "Scores written to the prediction log, by result (written, failed).",
	}, []string{"result"})
	m.reg.MustRegister(m.ingest, m.logged)
	m.reg.MustRegister(m.requests, m.errors, m.latency, m.leads, m.scores, m.warnings, m.model, m.reloads, m.fallback, m.batchSize,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	m.webhooks = webhookMetrics(m.reg)
	return m
}

// handler serves the registry in the Prometheus text format.
func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

// swapped moves the model-info gauge to the new model.
func (m *metrics) swapped(old, cur *active) {
	if old != nil {
		m.model.DeleteLabelValues(old.version, old.name)
	}
	if cur != nil {
		m.model.WithLabelValues(cur.version, cur.name).Set(1)
	}
}

func (m *metrics) fellBack(on bool) {
	if on {
		m.fallback.Set(1)
	} else {
		m.fallback.Set(0)
	}
}

func (m *metrics) loaded(ok bool) {
	if ok {
		m.reloads.WithLabelValues("loaded").Inc()
	} else {
		m.reloads.WithLabelValues("refused").Inc()
	}
}

// tally counts scores by tier and warnings by code before they are added
// to the metrics, so a batch touches the counters once per tier and code
// rather than once per lead.
type tally struct {
	n     int
	tiers map[string]int
	warns map[string]int
}

// outcome summarises one score for the metrics.
type outcome struct {
	Tier  string
	Score int
	// Warnings are the score's warnings (their codes are counted).
	Warnings []models.Warning
}

func (t *tally) add(o outcome) {
	if t.tiers == nil {
		t.tiers = make(map[string]int, 4)
	}
	t.n++
	t.tiers[o.Tier]++
	t.addWarnings(o.Warnings)
}

// addWarnings counts warnings by code.
func (t *tally) addWarnings(ws []models.Warning) {
	if len(ws) == 0 {
		return
	}
	if t.warns == nil {
		t.warns = make(map[string]int, 4)
	}
	for _, w := range ws {
		t.warns[w.Code]++
	}
}

func (t *tally) merge(u *tally) {
	for k, v := range u.tiers {
		if t.tiers == nil {
			t.tiers = make(map[string]int, 4)
		}
		t.tiers[k] += v
	}
	for k, v := range u.warns {
		if t.warns == nil {
			t.warns = make(map[string]int, 4)
		}
		t.warns[k] += v
	}
	t.n += u.n
}

func (m *metrics) scored(version string, t *tally) {
	if t.n == 0 {
		return
	}
	m.leads.WithLabelValues(version).Add(float64(t.n))
	for tier, n := range t.tiers {
		m.scores.WithLabelValues(tier, version).Add(float64(n))
	}
	for code, n := range t.warns {
		m.warnings.WithLabelValues(code, version).Add(float64(n))
	}
}

// scoredOne counts one score and its warnings by code.
func (m *metrics) scoredOne(version string, o outcome) {
	m.leads.WithLabelValues(version).Inc()
	m.scores.WithLabelValues(o.Tier, version).Inc()
	for _, w := range o.Warnings {
		m.warnings.WithLabelValues(w.Code, version).Inc()
	}
}

// counted is a counter and how much one issue of an answer adds to it.
type counted struct {
	c prometheus.Counter
	n float64
}

// scoredCounters resolves once what scoredOne counts for a score issued
// again and again (a cached answer of GET /v1/leads/{id}), so each issue
// adds to the counters without looking them up by their labels.
func (m *metrics) scoredCounters(version string, o outcome) []counted {
	out := []counted{{m.leads.WithLabelValues(version), 1}, {m.scores.WithLabelValues(o.Tier, version), 1}}
	byCode := map[string]int{}
	for _, w := range o.Warnings {
		if i, ok := byCode[w.Code]; ok {
			out[i].n++
			continue
		}
		byCode[w.Code] = len(out)
		out = append(out, counted{m.warnings.WithLabelValues(w.Code, version), 1})
	}
	return out
}

// addCounted counts a score issued with its resolved counters: the same
// counts as scoredOne.
func addCounted(cs []counted) {
	for _, x := range cs {
		x.c.Add(x.n)
	}
}

// ingested counts an ingestion request's items.
func (m *metrics) ingested(kind string, accepted, duplicates, rejected int) {
	m.ingest.WithLabelValues(kind, "accepted").Add(float64(accepted))
	if duplicates > 0 {
		m.ingest.WithLabelValues(kind, "duplicate").Add(float64(duplicates))
	}
	if rejected > 0 {
		m.ingest.WithLabelValues(kind, "rejected").Add(float64(rejected))
	}
}
