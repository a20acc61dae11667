package synth

import (
	"fmt"
	"math"
	"runtime"
	"time"
)

// AgeTruth is the generator's truth at any lead age: for lead i (LeadID(i))
// created at Created[i], the probability under the latent model that it
// converts within WindowDays days after age a, given that it has not
// converted by then (P(i, a)), conditioned, like p_convert_90d_at_day14, on
// everything the model knows, hidden variables included.
type AgeTruth struct {
	Created []time.Time
	// ConvertedDays is the conversion time in days after creation, NaN
	// for leads that never convert.
	ConvertedDays []float64
	// Fit is each lead's fit term of the log-hazard: the effects of its
	// fields (industry, seniority, function, country, source and company
	// size for b2b), which the leads file shows (the function through the
	// job title). The hidden intent grows with it too, so ranking leads by
	// it is the best any score from the fields alone can do.
	Fit []float64
	// Day1 is Fit plus the behaviour term of the lead's events in its
	// first day (the latent model's coefficients on what a score at day 1
	// can see): the fields and first-day activity weighed as the
	// generator weighs them, without the hidden noise and intent.
	Day1 []float64
	// hz holds each lead's daily hazard exp(η_d) (intercept included).
	hz [][HorizonDays]float64
}

// TruthAtAges replays the generator of cfg (the same seed gives the same
// leads, events and outcomes as Generate) and keeps each lead's hazard, so
// P gives the true conversion probability at any age: the truth to measure
// a model scored at ages other than day 14 against.
func TruthAtAges(cfg Config) (*AgeTruth, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	workers := cfg.Workers
	if workers == 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	m := newModel(cfg.Profile)
	if m.intercept, err = calibrate(m, cfg, workers); err != nil {
		return nil, err
	}
	sched := newSchedule(cfg)
	t := &AgeTruth{Created: make([]time.Time, cfg.Leads), ConvertedDays: make([]float64, cfg.Leads), Fit: make([]float64, cfg.Leads), Day1: make([]float64, cfg.Leads), hz: make([][HorizonDays]float64, cfg.Leads)}
	scale := math.Exp(m.intercept)
	var l lead
	for i := range cfg.Leads {
		r := leadRand(cfg.Seed, uint64(i))
		t.Created[i] = time.Unix(sched.created(i, cfg.Leads, r.Float64()), 0).UTC()
		m.simulate(&l, r)
		m.convert(&l, r)
		t.ConvertedDays[i] = math.NaN()
		t.Fit[i] = l.fit
		var c counts
		c.lastActive = -1
		for _, ev := range l.events {
			if ev.t < 1 {
				c.add(ev)
			}
		}
		t.Day1[i] = l.fit + m.behaviourTerm(&c, l.senior)
		if l.converted {
			t.ConvertedDays[i] = l.convT
		}
		for d, h := range l.hz {
			t.hz[i][d] = h * scale
		}
	}
	return t, nil
}

// P is the probability that lead i converts in [a, a+WindowDays) days
// after creation given no conversion before a (age in days, at least 0):
// 1 - exp(-sum of the daily hazards of the days in the window, the first
// and last day counted for the part of them inside it). Past the
// generator's horizon of HorizonDays no lead converts, so P is 0 there.
func (t *AgeTruth) P(i int, a float64) (float64, error) {
	if i < 0 || i >= len(t.hz) {
		return 0, fmt.Errorf("synth: lead %d of %d", i, len(t.hz))
	}
	if a < 0 || math.IsNaN(a) {
		return 0, fmt.Errorf("synth: age %v: expected 0 or more days", a)
	}
	cum := 0.0
	end := a + WindowDays
	for d := int(a); d < HorizonDays && float64(d) < end; d++ {
		lo, hi := max(float64(d), a), min(float64(d+1), end)
		cum += t.hz[i][d] * (hi - lo)
	}
	return -math.Expm1(-cum), nil
}
