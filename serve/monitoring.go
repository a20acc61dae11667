package serve

import (
	"context"
	"encoding/json"
	"log/slog"
	"math"
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/leadscore/leadscore/serve/monitor"
)

// DefaultMonitorEvery is how often the monitoring figures are recomputed.
const DefaultMonitorEvery = 10 * time.Minute

// JudgedSource returns the issued scores whose horizon has passed by now,
// labelled with their outcomes (monitor.Judge over the prediction log and
// the outcomes). The lead store implements it.
type JudgedSource interface {
	Judged(ctx context.Context, now time.Time) ([]monitor.Judged, error)
}

// MonitorConfig configures outcome monitoring.
type MonitorConfig struct {
	// Source is the judged prediction log (nil: no monitoring; it needs
	// the lead store).
	Source JudgedSource
	// Every is how often the figures are recomputed (DefaultMonitorEvery;
	// --monitor-every).
	Every time.Duration
	// Thresholds raise alerts (--monitor-max-ece-rise,
	// --monitor-max-auc-drop, --monitor-min-judged).
	Thresholds monitor.Thresholds
}

// Monitoring is the latest computation of the monitoring figures.
type Monitoring struct {
	// At is when they were computed; zero before the first time.
	At     time.Time `json:"at"`
	Series []Series  `json:"series"`
	// Alerts are every series' alerts, in series order.
	Alerts []monitor.Alert `json:"alerts"`
	// Error is why the last computation failed ("" when it did not).
	Error string `json:"error,omitempty"`
	// Enabled is false when no prediction log is configured.
	Enabled bool `json:"enabled"`
}

// Series is one series' live figures beside its bundle's held-out ones.
type Series struct {
	monitor.Figures
	HeldOut monitor.Baseline `json:"held_out"`
	Alerts  []monitor.Alert  `json:"alerts,omitempty"`
}

// monitorState holds the latest Monitoring and its gauges.
type monitorState struct {
	mu     sync.Mutex
	last   Monitoring
	alerts map[string]bool // alert keys raised at the last computation
	gauges *monitorGauges
}

type monitorGauges struct {
	judged, auc, ece, top10, alert *prometheus.GaugeVec
	rate                           *prometheus.GaugeVec
}

func newMonitorGauges(reg *prometheus.Registry) *monitorGauges {
	g := func(name, help string, labels ...string) *prometheus.GaugeVec {
		v := prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: name, Help: help}, labels)
		reg.MustRegister(v)
		return v
	}
	return &monitorGauges{
		judged: g("leadscore_monitor_judged_scores", "Judged scores (horizon passed) by model version and model (rules: the rule sheet).", "model_version", "model"),
		auc:    g("leadscore_monitor_roc_auc", "Live ROC AUC of judged scores.", "model_version", "model"),
		ece:    g("leadscore_monitor_ece", "Live expected calibration error of judged scores (10 equal-width bins).", "model_version", "model"),
		top10:  g("leadscore_monitor_top10_capture", "Share of conversions among the top 10% of judged scores.", "model_version", "model"),
		rate:   g("leadscore_monitor_conversion_rate", "Conversion rate of judged scores by tier (and mql).", "model_version", "model", "tier"),
		alert:  g("leadscore_monitor_alert", "1 while a live figure has degraded beyond its threshold relative to the bundle's held-out figure.", "model_version", "model", "metric"),
	}
}

// set replaces every gauge with the figures of m.
func (g *monitorGauges) set(m Monitoring) {
	for _, v := range []*prometheus.GaugeVec{g.judged, g.auc, g.ece, g.top10, g.rate, g.alert} {
		v.Reset()
	}
	setF := func(v *prometheus.GaugeVec, x float64, labels ...string) {
		if !math.IsNaN(x) {
			v.WithLabelValues(labels...).Set(x)
		}
	}
	for _, s := range m.Series {
		g.judged.WithLabelValues(s.Version, s.Model).Set(float64(s.N))
		setF(g.auc, s.AUC, s.Version, s.Model)
		setF(g.ece, s.ECE, s.Version, s.Model)
		setF(g.top10, s.Top10, s.Version, s.Model)
		for _, r := range append(append([]monitor.Rate(nil), s.Tiers...), s.MQL) {
			setF(g.rate, r.Rate, s.Version, s.Model, r.Group)
		}
		for _, metric := range []string{"ece", "roc_auc"} {
			on := 0.0
			for _, a := range s.Alerts {
				if a.Metric == metric {
					on = 1
				}
			}
			g.alert.WithLabelValues(s.Version, s.Model, metric).Set(on)
		}
	}
}

// Monitoring returns the latest monitoring figures.
func (s *Server) Monitoring() Monitoring {
	s.mon.mu.Lock()
	defer s.mon.mu.Unlock()
	m := s.mon.last
	m.Enabled = s.cfg.Monitor.Source != nil
	return m
}

// RefreshMonitoring recomputes the monitoring figures now from the judged
// source, sets the gauges and logs each alert when it is raised and when
// it clears.
func (s *Server) RefreshMonitoring(ctx context.Context) error {
	src := s.cfg.Monitor.Source
	if src == nil {
		return nil
	}
	now := s.cfg.Now()
	judged, err := src.Judged(ctx, now)
	s.mon.mu.Lock()
	defer s.mon.mu.Unlock()
	if err != nil {
		s.mon.last.Error = err.Error()
		s.log.Error("monitoring: cannot read the judged scores; the figures shown are the last computed", "error", err)
		return err
	}
	m := Monitoring{At: now, Series: []Series{}, Alerts: []monitor.Alert{}}
	baselines := map[string]map[string]monitor.Baseline{}
	for _, f := range monitor.Compute(judged) {
		b, ok := baselines[f.Version]
		if !ok {
			b = s.heldOut(f.Version)
			baselines[f.Version] = b
		}
		base, ok := b[f.Model]
		if !ok {
			base = monitor.Baseline{AUC: math.NaN(), ECE: math.NaN()}
		}
		sr := Series{Figures: f, HeldOut: base, Alerts: monitor.Check(f, base, s.cfg.Monitor.Thresholds)}
		m.Series = append(m.Series, sr)
		m.Alerts = append(m.Alerts, sr.Alerts...)
	}
	raised := map[string]bool{}
	for _, a := range m.Alerts {
		k := a.Version + "|" + a.Model + "|" + a.Metric
		raised[k] = true
		if !s.mon.alerts[k] {
			s.log.Error("monitoring alert: "+a.Message, "model_version", a.Version, "model", a.Model, "metric", a.Metric,
				"live", a.Live, "held_out", a.HeldOut, "limit", a.Limit)
		}
	}
	for k := range s.mon.alerts {
		if !raised[k] {
			s.log.Info("monitoring alert cleared", "alert", k)
		}
	}
	s.mon.alerts = raised
	s.mon.last = m
	s.mon.gauges.set(m)
	return nil
}

// heldOut reads the held-out ROC AUC and ECE of every model of a bundle
// version from its training report; empty when the version is unknown.
func (s *Server) heldOut(version string) map[string]monitor.Baseline {
	out := map[string]monitor.Baseline{}
	d, err := s.reg.detail(version)
	if err != nil || len(d.Metrics) == 0 {
		return out
	}
	var rep struct {
		Champion string `json:"champion"`
		Metrics  map[string]struct {
			AUC json.RawMessage `json:"roc_auc"`
			ECE json.RawMessage `json:"ece"`
		} `json:"metrics"`
	}
	if json.Unmarshal(d.Metrics, &rep) != nil {
		return out
	}
	for name, m := range rep.Metrics {
		out[name] = monitor.Baseline{AUC: number(m.AUC), ECE: number(m.ECE)}
	}
	return out
}

// number reads a report number, NaN for null, "NaN" or anything else.
func number(raw json.RawMessage) float64 {
	var f float64
	if json.Unmarshal(raw, &f) == nil {
		return f
	}
	var str string
	if json.Unmarshal(raw, &str) == nil {
		if v, err := strconv.ParseFloat(str, 64); err == nil {
			return v
		}
	}
	return math.NaN()
}

// runMonitoring recomputes the figures every Monitor.Every until ctx is
// done.
func (s *Server) runMonitoring(ctx context.Context) {
	every := s.cfg.Monitor.Every
	if every <= 0 {
		every = DefaultMonitorEvery
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if err := s.RefreshMonitoring(ctx); err != nil && ctx.Err() == nil {
			s.log.LogAttrs(ctx, slog.LevelDebug, "monitoring refresh failed", slog.String("error", err.Error()))
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
