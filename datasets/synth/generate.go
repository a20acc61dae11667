package synth

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"sync"
	"time"

	"github.com/leadscore/leadscore/datasets"
)

// blockSize is the number of leads simulated as one unit of work and
// written as one batch per file.
const blockSize = 2048

// calibrationSize is the size of the separate sample of leads on which the
// intercept is calibrated: four times the data set, within 10,000..50,000,
// so that the calibration error (about 0.3 points of conversion rate at
// 10,000, 0.15 at 50,000) stays below the sampling noise of the data set.
func calibrationSize(leads int) int { return min(50000, max(10000, 4*leads)) }

// calibrationStream marks the PCG streams of calibration leads, so they
// never coincide with the streams of generated leads.
const calibrationStream = 1 << 63

// leadRand returns the random source of lead i (0-based): PCG seeded with
// (seed, i), independent of every other lead.
func leadRand(seed int64, stream uint64) *rand.Rand {
	return rand.New(rand.NewPCG(uint64(seed), stream))
}

// LeadID returns the id of the lead with 0-based index i: "L0000001" for 0.
func LeadID(i int) string {
	s := strconv.Itoa(i + 1)
	if len(s) < 7 {
		s = "0000000"[len(s):] + s
	}
	return "L" + s
}

// calibrate finds the intercept β0 for which the mean over a calibration
// sample of P(convert within HorizonDays) equals the target rate, by
// bisection.
func calibrate(m *model, cfg Config, workers int) (float64, error) {
	n := calibrationSize(cfg.Leads)
	s := make([]float64, n)
	var wg sync.WaitGroup
	chunk := (n + workers - 1) / workers
	for w := 0; w < workers; w++ {
		lo, hi := w*chunk, min((w+1)*chunk, n)
		wg.Add(1)
		go func() {
			defer wg.Done()
			var l lead
			for j := lo; j < hi; j++ {
				m.simulate(&l, leadRand(cfg.Seed, calibrationStream|uint64(j)))
				s[j] = l.totalHazard()
			}
		}()
	}
	wg.Wait()
	rate := func(b0 float64) float64 {
		scale := math.Exp(b0)
		sum := 0.0
		for _, x := range s {
			sum += -math.Expm1(-scale * x)
		}
		return sum / float64(len(s))
	}
	lo, hi := -60.0, 30.0
	if rate(hi) < cfg.ConversionRate {
		return 0, fmt.Errorf("synth: cannot reach conversion rate %v", cfg.ConversionRate)
	}
	for range 200 {
		mid := (lo + hi) / 2
		if rate(mid) < cfg.ConversionRate {
			lo = mid
		} else {
			hi = mid
		}
	}
	return (lo + hi) / 2, nil
}

// schedule spreads lead creation over the configured months with weights
// per calendar month and weekday; lead i is created at quantile
// (i + U)/Leads of that distribution, so ids increase with creation time.
type schedule struct {
	start time.Time
	cum   []float64 // cumulative weight at the end of each day
}

func newSchedule(cfg Config) *schedule {
	end := cfg.Start.AddDate(0, cfg.Months, 0)
	days := int(end.Sub(cfg.Start).Hours() / 24)
	s := &schedule{start: cfg.Start, cum: make([]float64, max(days, 1))}
	total := 0.0
	for d := range s.cum {
		day := cfg.Start.AddDate(0, 0, d)
		total += monthWeights[day.Month()-1] * weekdayWeights[day.Weekday()]
		s.cum[d] = total
	}
	return s
}

// created returns the creation time of lead i of n, in Unix seconds.
func (s *schedule) created(i, n int, u float64) int64 {
	total := s.cum[len(s.cum)-1]
	q := (float64(i) + u) / float64(n) * total
	d := sort.SearchFloat64s(s.cum, q)
	if d >= len(s.cum) {
		d = len(s.cum) - 1
	}
	prev := 0.0
	if d > 0 {
		prev = s.cum[d-1]
	}
	frac := (q - prev) / (s.cum[d] - prev)
	return s.start.Unix() + int64(d)*86400 + int64(math.Min(frac, 1-1e-9)*86400)
}

// block is the output of one run of blockSize leads.
type block struct {
	lo, hi                              int
	leads, events, outcomes, probs, flt *datasets.Table
	nEvents                             int64
	byType                              [numEventTypes]int64
	conversions, early, flatRows, label int
	pSum                                float64
	pCount                              int
}

func newBatch(fields []datasets.Field, n int) *datasets.Table {
	t := &datasets.Table{Columns: make([]*datasets.Column, len(fields))}
	for i, f := range fields {
		t.Columns[i] = datasets.NewColumn(f.Name, f.Kind, n)
	}
	return t
}

// newVocabBatch makes a batch whose dictionaries are pre-filled with names,
// so that code i means names[i].
func newVocabColumn(c *datasets.Column, names []string) {
	for _, n := range names {
		if n != "" {
			c.Dict.Code(n)
		}
	}
}

func appendString(c *datasets.Column, s string) { c.Codes = append(c.Codes, c.Dict.Code(s)) }

func appendYesNo(c *datasets.Column, n int) {
	if n > 0 {
		appendString(c, "yes")
	} else {
		appendString(c, "no")
	}
}

// generator holds what every block needs.
type generator struct {
	cfg   Config
	m     *model
	sched *schedule
	asOf  int64 // Unix seconds: end of the observation period
}

func (g *generator) run(b *block, l *lead) {
	n := b.hi - b.lo
	flat := g.cfg.Flat
	b.leads = newBatch(LeadsSchema(g.cfg.Profile), n)
	b.events = newBatch(EventsSchema(), n*64)
	newVocabColumn(b.events.Columns[2], eventTypeNames[:])
	newVocabColumn(b.events.Columns[3], pageNames[:])
	newVocabColumn(b.events.Columns[4], channelNames[:])
	b.outcomes = newBatch(OutcomesSchema(), n/4)
	b.probs = newBatch(TruthProbabilitiesSchema(), n)
	if flat {
		b.flt = newBatch(FlatSchema(g.cfg.Profile), n)
	}
	ev := b.events.Columns
	for i := b.lo; i < b.hi; i++ {
		r := leadRand(g.cfg.Seed, uint64(i))
		created := g.sched.created(i, g.cfg.Leads, r.Float64())
		g.m.simulate(l, r)
		g.m.convert(l, r)
		id := LeadID(i)

		g.appendLead(b.leads.Columns, l, id, created)
		idCode := ev[0].Dict.Code(id)
		for _, e := range l.events {
			ev[0].Codes = append(ev[0].Codes, idCode)
			ev[1].Time = append(ev[1].Time, (created+eventOffset(e.t))*1e9)
			ev[2].Codes = append(ev[2].Codes, int32(e.typ))
			if e.page == pageNone {
				ev[3].Codes = append(ev[3].Codes, datasets.MissingCode)
			} else {
				ev[3].Codes = append(ev[3].Codes, int32(e.page)-1)
			}
			ev[4].Codes = append(ev[4].Codes, int32(e.channel))
			b.byType[e.typ]++
		}
		b.nEvents += int64(len(l.events))
		if l.converted {
			b.conversions++
			oc := b.outcomes.Columns
			appendString(oc[0], id)
			// Rounded up, so converted_at is after every event before it.
			oc[1].Time = append(oc[1].Time, (created+int64(math.Ceil(l.convT*86400)))*1e9)
			oc[2].Num = append(oc[2].Num, l.amount)
		}
		appendString(b.probs.Columns[0], id)
		b.probs.Columns[1].Num = append(b.probs.Columns[1].Num, l.p14)
		if l.earlyConverted {
			b.early++
		} else {
			b.pSum += l.p14
			b.pCount++
		}
		windowClosed := created+(ScoreDay+WindowDays)*86400 <= g.asOf
		if flat && !l.earlyConverted && windowClosed {
			g.appendFlat(b.flt.Columns, l, id, created)
			b.flatRows++
			if l.labelInRange {
				b.label++
			}
		}
	}
}

// eventOffset converts days after creation to whole seconds, rounded down
// and at least one second.
func eventOffset(t float64) int64 {
	return max(1, int64(t*86400))
}

func (g *generator) appendLead(cols []*datasets.Column, l *lead, id string, created int64) {
	appendString(cols[0], id)
	cols[1].Time = append(cols[1].Time, created*1e9)
	if g.cfg.Profile == ProfileB2B {
		appendString(cols[2], b2bIndustries[l.industry].Value)
		cols[3].Num = append(cols[3].Num, l.employees)
		cols[4].Num = append(cols[4].Num, l.revenue)
		appendString(cols[5], l.title)
		appendString(cols[6], b2bSeniorities[l.seniority].Value)
		appendString(cols[7], b2bCountries[l.country].Value)
		appendString(cols[8], leadSources[l.source].Value)
		return
	}
	cols[2].Num = append(cols[2].Num, l.age)
	appendString(cols[3], b2cIncomeBands[l.income].Value)
	appendString(cols[4], b2cLocations[l.location].Value)
	appendString(cols[5], b2cOccupations[l.occupation].Value)
	appendString(cols[6], leadSources[l.source].Value)
}

func (g *generator) appendFlat(cols []*datasets.Column, l *lead, id string, created int64) {
	nl := len(LeadsSchema(g.cfg.Profile))
	g.appendLead(cols[:nl], l, id, created)
	c := cols[nl:]
	a := &l.agg
	num := func(i int, v int) { c[i].Num = append(c[i].Num, float64(v)) }
	num(0, a.byType[evPageView])
	num(1, a.pages[pagePricing])
	num(2, a.pages[pageProduct])
	num(3, a.pages[pageContact])
	num(4, a.pages[pageCareers])
	num(5, a.byType[evFormSubmit])
	num(6, a.byType[evContentDownload])
	num(7, a.byType[evWebinarAttended])
	num(8, a.byType[evLiveChat])
	num(9, a.byType[evSocialInteraction])
	num(10, a.byType[evEmailSent])
	num(11, a.byType[evEmailOpen])
	num(12, a.byType[evEmailClick])
	num(13, a.byType[evEmailBounce])
	appendYesNo(c[14], a.byType[evEmailUnsubscribe])
	appendYesNo(c[15], a.byType[evNewsletterSignup])
	appendYesNo(c[16], a.byType[evFreeTrialSignup])
	appendYesNo(c[17], a.byType[evDemoRequest])
	if a.lastActive >= 0 {
		c[18].Num = append(c[18].Num, math.Round((ScoreDay-a.lastActive)*100)/100)
	} else {
		c[18].Num = append(c[18].Num, math.NaN())
	}
	conv := 0.0
	if l.labelInRange {
		conv = 1
	}
	c[19].Num = append(c[19].Num, conv)
}

// Generate writes a synthetic data set to outDir (created if needed):
// leads, events, outcomes and truth_probabilities in cfg.Format, optionally
// leads_flat, and truth.json, which documents the generating model. Every
// file is written to a temporary name and renamed into place, so an error
// leaves no partial file. progress, if not nil, is called from one goroutine
// with the number of leads written so far and cfg.Leads.
func Generate(cfg Config, outDir string, progress func(done, total int)) (*Summary, error) {
	began := time.Now()
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	workers := cfg.Workers
	if workers == 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return nil, fmt.Errorf("synth: %w", err)
	}
	m := newModel(cfg.Profile)
	if m.intercept, err = calibrate(m, cfg, workers); err != nil {
		return nil, err
	}
	m.calibrationLeads = calibrationSize(cfg.Leads)
	g := &generator{cfg: cfg, m: m, sched: newSchedule(cfg)}
	g.asOf = cfg.Start.AddDate(0, cfg.Months, HorizonDays).Unix()

	type out struct {
		name   string
		schema []datasets.Field
		w      *datasets.Writer
	}
	outs := []*out{
		{name: LeadsFile, schema: LeadsSchema(cfg.Profile)},
		{name: EventsFile, schema: EventsSchema()},
		{name: OutcomesFile, schema: OutcomesSchema()},
		{name: TruthProbsFile, schema: TruthProbabilitiesSchema()},
	}
	if cfg.Flat {
		outs = append(outs, &out{name: FlatFile, schema: FlatSchema(cfg.Profile)})
	}
	for _, o := range outs {
		w, err := datasets.CreateWriter(filepath.Join(outDir, o.name+"."+cfg.Format), cfg.Format, o.schema)
		if err != nil {
			for _, p := range outs {
				if p.w != nil {
					p.w.Abort()
				}
			}
			return nil, err
		}
		o.w = w
		defer w.Abort()
	}

	// Workers simulate blocks; the queue hands them to this goroutine in
	// block order, so at most 3×workers blocks are in memory.
	type slot struct {
		b    *block
		done chan struct{}
	}
	jobs := make(chan slot)
	queue := make(chan slot, 2*workers)
	stop := make(chan struct{})
	go func() {
		defer close(queue)
		defer close(jobs)
		for lo := 0; lo < cfg.Leads; lo += blockSize {
			s := slot{b: &block{lo: lo, hi: min(lo+blockSize, cfg.Leads)}, done: make(chan struct{})}
			select {
			case jobs <- s:
			case <-stop:
				return
			}
			select {
			case queue <- s:
			case <-stop:
				return
			}
		}
	}()
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var l lead
			for s := range jobs {
				g.run(s.b, &l)
				close(s.done)
			}
		}()
	}
	sum := &Summary{}
	var (
		byType       [numEventTypes]int64
		early, label int
		pSum         float64
		pCount       int
		werr         error
	)
	for s := range queue {
		if werr != nil {
			continue // drain
		}
		<-s.done
		b := s.b
		tables := []*datasets.Table{b.leads, b.events, b.outcomes, b.probs, b.flt}
		for i, o := range outs {
			if werr = o.w.Write(tables[i]); werr != nil {
				close(stop)
				break
			}
		}
		s.b = nil
		sum.Leads += b.hi - b.lo
		sum.Events += b.nEvents
		sum.Conversions += b.conversions
		sum.FlatRows += b.flatRows
		for k, n := range b.byType {
			byType[k] += n
		}
		early += b.early
		label += b.label
		pSum += b.pSum
		pCount += b.pCount
		if progress != nil && werr == nil {
			progress(sum.Leads, cfg.Leads)
		}
	}
	wg.Wait()
	if werr != nil {
		return nil, werr
	}
	sum.ConversionRate = float64(sum.Conversions) / float64(sum.Leads)
	for _, o := range outs {
		if err := o.w.Close(); err != nil {
			// Leave no half data set behind: remove the files already published.
			for _, f := range sum.Files {
				os.Remove(f)
			}
			return nil, err
		}
		sum.Files = append(sum.Files, o.w.Path())
	}
	t := g.truth(sum, byType, early, label, pSum, pCount)
	truthPath := filepath.Join(outDir, TruthJSONFileName)
	if err := writeJSONFile(truthPath, t); err != nil {
		return nil, err
	}
	sum.Files = append(sum.Files, truthPath)
	sum.Wall = time.Since(began)
	return sum, nil
}
