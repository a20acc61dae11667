package benchkit

import (
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"time"

	"github.com/leadscore/leadscore/datasets"
	"github.com/leadscore/leadscore/features"
)

// historyStart is the origin of the generated lead histories.
var historyStart = time.Date(2025, 3, 3, 9, 30, 0, 0, time.UTC)

var (
	historySources  = []string{"organic", "paid_search", "referral", "social", "email", "partner"}
	historyPages    = []string{"pricing", "blog", "docs", "careers", "features", "case-studies"}
	historyTypes    = []string{"page_view", "page_view", "page_view", "email_sent", "email_open", "email_click", "form_submit", "webinar", "unsubscribe"}
	historyChannels = []string{"web", "email", "ads"}
)

// LeadHistory generates nLeads leads created over 300 days with about
// eventsPerLead events each (0 to 2*eventsPerLead, in the 60 days after
// creation, shuffled) and outcomes for the leads that convert: engaged leads
// (pricing views, form submits) and referrals convert more often. It is the
// history of the features package's benchmarks (BenchmarkAggregateEvents,
// BenchmarkTransformLead).
func LeadHistory(seed uint64, nLeads, eventsPerLead int) features.Inputs {
	rng := rand.New(rand.NewPCG(seed, 7))
	ids := make([]string, nLeads)
	created := make([]time.Time, nLeads)
	src := make([]string, nLeads)
	budget := make([]float64, nLeads)
	employees := make([]float64, nLeads)
	var eIDs, eTypes, ePages, eChan []string
	var eTimes []time.Time
	var oIDs []string
	var oTimes []time.Time
	var oAmt []float64
	for i := range nLeads {
		ids[i] = fmt.Sprintf("L%06d", i)
		created[i] = historyStart.Add(time.Duration(rng.Int64N(int64(300 * 24 * time.Hour))))
		src[i] = historySources[rng.IntN(len(historySources))]
		if rng.Float64() < 0.2 {
			src[i] = ""
		}
		budget[i] = math.Round(math.Exp(rng.NormFloat64()*1.5 + 8))
		if rng.Float64() < 0.3 {
			budget[i] = math.NaN()
		}
		employees[i] = float64(rng.IntN(500))
		n := rng.IntN(2*eventsPerLead + 1)
		engaged := 0.0
		for range n {
			typ := historyTypes[rng.IntN(len(historyTypes))]
			page, ch := "", historyChannels[rng.IntN(len(historyChannels))]
			if typ == "page_view" {
				page = historyPages[rng.IntN(len(historyPages))]
				if page == "pricing" {
					engaged++
				}
			}
			if typ == "form_submit" {
				engaged++
			}
			at := created[i].Add(time.Duration(rng.Int64N(int64(60 * 24 * time.Hour))))
			eIDs, eTypes, ePages, eChan, eTimes = append(eIDs, ids[i]), append(eTypes, typ), append(ePages, page), append(eChan, ch), append(eTimes, at)
		}
		p := 0.05 + 0.1*engaged
		if src[i] == "referral" {
			p += 0.2
		}
		if rng.Float64() < p {
			oIDs = append(oIDs, ids[i])
			oTimes = append(oTimes, created[i].Add(time.Duration(rng.Int64N(int64(80*24*time.Hour)))))
			oAmt = append(oAmt, float64(100+rng.IntN(5000)))
		}
	}
	// A few events of unknown leads.
	for range 3 {
		eIDs, eTypes, ePages, eChan, eTimes = append(eIDs, "ghost"), append(eTypes, "page_view"), append(ePages, "blog"), append(eChan, "web"), append(eTimes, historyStart)
	}
	// Shuffle events: aggregation must not depend on their order.
	rng.Shuffle(len(eIDs), func(a, b int) {
		eIDs[a], eIDs[b] = eIDs[b], eIDs[a]
		eTypes[a], eTypes[b] = eTypes[b], eTypes[a]
		ePages[a], ePages[b] = ePages[b], ePages[a]
		eChan[a], eChan[b] = eChan[b], eChan[a]
		eTimes[a], eTimes[b] = eTimes[b], eTimes[a]
	})
	return features.Inputs{
		Leads: table("leads.csv", catCol("lead_id", ids...), timeCol("created_at", created...),
			catCol("lead_source", src...), numCol("budget", budget...), numCol("employees", employees...)),
		Events: table("events.csv", catCol("lead_id", eIDs...), timeCol("timestamp", eTimes...),
			catCol("type", eTypes...), catCol("page", ePages...), catCol("channel", eChan...)),
		Outcomes: table("outcomes.csv", catCol("lead_id", oIDs...), timeCol("converted_at", oTimes...), numCol("amount", oAmt...)),
	}
}

// EventStream is a long stream of event batches over many leads, the shape
// of a warehouse extract, replayed from a few generated batches so that the
// events are never all in memory (features' BenchmarkAggregateStream).
type EventStream struct {
	// Inputs holds the leads and an empty outcomes table; Events is nil.
	Inputs features.Inputs
	// Events is the number of events Next yields before io.EOF.
	Events int
	pool   []*datasets.Table
}

// streamBatch is the number of events in an EventStream batch.
const streamBatch = 1 << 16

// NewEventStream generates nLeads leads created over 300 days and 8 batches
// of 65,536 events (types and pages as LeadHistory's, within 60 days of
// creation) that Next replays until nEvents events.
func NewEventStream(nLeads, nEvents int) *EventStream {
	rng := rand.New(rand.NewPCG(13, 13))
	ids := make([]string, nLeads)
	created := make([]time.Time, nLeads)
	for i := range ids {
		ids[i] = fmt.Sprintf("L%07d", i)
		created[i] = historyStart.Add(time.Duration(rng.Int64N(int64(300 * 24 * time.Hour))))
	}
	leads := table("leads.csv", catCol("lead_id", ids...), timeCol("created_at", created...))
	outcomes := table("outcomes.csv", catCol("lead_id"), timeCol("converted_at"))
	// One dictionary per column, shared by all batches as a reader does.
	idDict, typeDict, pageDict := datasets.NewDict(), datasets.NewDict(), datasets.NewDict()
	for _, id := range ids {
		idDict.Code(id)
	}
	const batch = streamBatch
	s := &EventStream{Inputs: features.Inputs{Leads: leads, Outcomes: outcomes}, Events: nEvents}
	for range 8 {
		idc := &datasets.Column{Name: "lead_id", Kind: datasets.KindCategory, Dict: idDict, Codes: make([]int32, batch)}
		tc := &datasets.Column{Name: "timestamp", Kind: datasets.KindTime, Time: make([]int64, batch)}
		yc := &datasets.Column{Name: "type", Kind: datasets.KindCategory, Dict: typeDict, Codes: make([]int32, batch)}
		pc := &datasets.Column{Name: "page", Kind: datasets.KindCategory, Dict: pageDict, Codes: make([]int32, batch)}
		for j := range batch {
			l := rng.IntN(nLeads)
			idc.Codes[j] = int32(l)
			tc.Time[j] = created[l].Add(time.Duration(rng.Int64N(int64(60 * 24 * time.Hour)))).UnixNano()
			typ := historyTypes[rng.IntN(len(historyTypes))]
			yc.Codes[j] = typeDict.Code(typ)
			pc.Codes[j] = datasets.MissingCode
			if typ == "page_view" {
				pc.Codes[j] = pageDict.Code(historyPages[rng.IntN(len(historyPages))])
			}
		}
		s.pool = append(s.pool, &datasets.Table{Source: "events", Columns: []*datasets.Column{idc, tc, yc, pc}, Line: make([]int64, batch)})
	}
	return s
}

// Next returns a new batch source over the stream for
// features.BuildStreaming.
func (s *EventStream) Next() func() (*datasets.Table, error) {
	sent := 0
	return func() (*datasets.Table, error) {
		if sent >= s.Events {
			return nil, io.EOF
		}
		t := s.pool[(sent/streamBatch)%len(s.pool)]
		if n := s.Events - sent; n < t.Rows() {
			t = Slice(t, 0, n)
		}
		sent += t.Rows()
		return t, nil
	}
}

// Batches returns a batch source over t in batches of n rows, as a reader
// returns them, for features.BuildStreaming.
func Batches(t *datasets.Table, n int) func() (*datasets.Table, error) {
	pos := 0
	return func() (*datasets.Table, error) {
		if t == nil || pos >= t.Rows() {
			return nil, io.EOF
		}
		hi := min(pos+n, t.Rows())
		b := Slice(t, pos, hi)
		pos = hi
		return b, nil
	}
}

// Slice returns rows [lo, hi) of t as a new table sharing dictionaries and
// storage.
func Slice(t *datasets.Table, lo, hi int) *datasets.Table {
	out := &datasets.Table{Source: t.Source, Line: t.Line[lo:hi]}
	for _, c := range t.Columns {
		n := &datasets.Column{Name: c.Name, Kind: c.Kind, Dict: c.Dict}
		switch c.Kind {
		case datasets.KindNumber, datasets.KindBool:
			n.Num = c.Num[lo:hi]
		case datasets.KindCategory, datasets.KindText:
			n.Codes = c.Codes[lo:hi]
		case datasets.KindTime:
			n.Time = c.Time[lo:hi]
		}
		out.Columns = append(out.Columns, n)
	}
	return out
}

// TransformLeadSetup returns what features' BenchmarkTransformLead encodes:
// a spec fitted on a 2,000-lead history (seed 12, about 10 events per lead)
// and the lead of that history with the most events up to 20, with every
// field filled as an API lead has.
func TransformLeadSetup() (*features.Spec, *features.Lead, error) {
	in := LeadHistory(12, 2000, 10)
	d, err := features.Build(features.Config{}, in)
	if err != nil {
		return nil, nil, err
	}
	rows := make([]int, d.Rows)
	for i := range rows {
		rows[i] = i
	}
	spec, err := features.Fit(features.Config{}, d, rows)
	if err != nil {
		return nil, nil, err
	}
	best := 0
	for i := range d.Rows {
		if n := len(d.Lead(i).Events); n > len(d.Lead(best).Events) && n <= 20 {
			best = i
		}
	}
	l := d.Lead(best)
	if len(l.Events) == 0 {
		return nil, nil, errors.New("benchkit: generated history has no lead with events")
	}
	l.Fields["budget"] = features.Value{Kind: l.Fields["employees"].Kind, Num: 5000}
	l.Fields["lead_source"] = features.Value{Kind: l.Fields["lead_source"].Kind, Str: "referral"}
	return spec, l, nil
}

// catCol builds a category column; "" is missing.
func catCol(name string, vals ...string) *datasets.Column {
	c := datasets.NewColumn(name, datasets.KindCategory, len(vals))
	for _, v := range vals {
		if v == "" {
			c.AppendMissing()
			continue
		}
		c.Codes = append(c.Codes, c.Dict.Code(v))
	}
	return c
}

// numCol builds a number column; NaN is missing.
func numCol(name string, vals ...float64) *datasets.Column {
	c := datasets.NewColumn(name, datasets.KindNumber, len(vals))
	c.Num = append(c.Num, vals...)
	return c
}

// timeCol builds a timestamp column; the zero time is missing.
func timeCol(name string, vals ...time.Time) *datasets.Column {
	c := datasets.NewColumn(name, datasets.KindTime, len(vals))
	for _, v := range vals {
		if v.IsZero() {
			c.AppendMissing()
			continue
		}
		c.Time = append(c.Time, v.UnixNano())
	}
	return c
}

func table(src string, cols ...*datasets.Column) *datasets.Table {
	t := &datasets.Table{Source: src, Columns: cols}
	for i := 0; i < t.Rows(); i++ {
		t.Line = append(t.Line, int64(i+2))
	}
	return t
}
