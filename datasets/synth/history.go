package synth

import (
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"time"

	"github.com/leadscore/leadscore/datasets"
)

// HistoryStart is the origin of the histories History and NewEventStream
// generate: leads are created in the 300 days after it.
var HistoryStart = time.Date(2025, 3, 3, 9, 30, 0, 0, time.UTC)

// The values of the leads and events History and NewEventStream generate.
// historyTypes repeats page_view so that about a third of the events are
// page views.
var (
	historySources  = []string{"organic", "paid_search", "referral", "social", "email", "partner"}
	historyPages    = []string{"pricing", "blog", "docs", "careers", "features", "case-studies"}
	historyTypes    = []string{"page_view", "page_view", "page_view", "email_sent", "email_open", "email_click", "form_submit", "webinar", "unsubscribe"}
	historyChannels = []string{"web", "email", "ads"}
)

// History generates the small in-memory lead history of the features
// package's tests and benchmarks and of `leadscore bench features`: nLeads
// leads created over 300 days from HistoryStart with about eventsPerLead
// events each (0 to 2*eventsPerLead, in the 60 days after creation) and
// outcomes for the leads that convert. Unlike Generate it documents no
// ground truth: a lead converts with probability 0.05 + 0.1 per pricing
// page view or form submit, plus 0.2 for a referral. Three events of an
// unknown lead ("ghost") are added and the events are shuffled, since
// aggregation must not depend on their order. The tables are leads.csv
// (lead_id, created_at, lead_source, budget, employees), events.csv
// (lead_id, timestamp, type, page, channel) and outcomes.csv (lead_id,
// converted_at, amount). The same seed gives the same tables.
func History(seed uint64, nLeads, eventsPerLead int) (leads, events, outcomes *datasets.Table) {
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
		created[i] = HistoryStart.Add(time.Duration(rng.Int64N(int64(300 * 24 * time.Hour))))
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
		eIDs, eTypes, ePages, eChan, eTimes = append(eIDs, "ghost"), append(eTypes, "page_view"), append(ePages, "blog"), append(eChan, "web"), append(eTimes, HistoryStart)
	}
	// Shuffle events: aggregation must not depend on their order.
	rng.Shuffle(len(eIDs), func(a, b int) {
		eIDs[a], eIDs[b] = eIDs[b], eIDs[a]
		eTypes[a], eTypes[b] = eTypes[b], eTypes[a]
		ePages[a], ePages[b] = ePages[b], ePages[a]
		eChan[a], eChan[b] = eChan[b], eChan[a]
		eTimes[a], eTimes[b] = eTimes[b], eTimes[a]
	})
	leads = Table("leads.csv", CatCol("lead_id", ids...), TimeCol("created_at", created...),
		CatCol("lead_source", src...), NumCol("budget", budget...), NumCol("employees", employees...))
	events = Table("events.csv", CatCol("lead_id", eIDs...), TimeCol("timestamp", eTimes...),
		CatCol("type", eTypes...), CatCol("page", ePages...), CatCol("channel", eChan...))
	outcomes = Table("outcomes.csv", CatCol("lead_id", oIDs...), TimeCol("converted_at", oTimes...), NumCol("amount", oAmt...))
	return leads, events, outcomes
}

// StreamBatch is the number of events in an EventStream batch.
const StreamBatch = 1 << 16

// EventStream is a long stream of event batches over many leads, the shape
// of a warehouse extract, replayed from a few generated batches so that the
// events are never all in memory (features' BenchmarkAggregateStream and
// `leadscore bench features`).
type EventStream struct {
	// Leads are the leads (lead_id, created_at); Outcomes is empty.
	Leads, Outcomes *datasets.Table
	// Events is the number of events Next yields before io.EOF.
	Events int
	pool   []*datasets.Table
}

// NewEventStream generates nLeads leads created over 300 days and 8 batches
// of StreamBatch events (types and pages as History's, within 60 days of
// creation) that Next replays until nEvents events. The batches share one
// dictionary per column, as a reader's do.
func NewEventStream(nLeads, nEvents int) *EventStream {
	rng := rand.New(rand.NewPCG(13, 13))
	ids := make([]string, nLeads)
	created := make([]time.Time, nLeads)
	for i := range ids {
		ids[i] = fmt.Sprintf("L%07d", i)
		created[i] = HistoryStart.Add(time.Duration(rng.Int64N(int64(300 * 24 * time.Hour))))
	}
	s := &EventStream{
		Leads:    Table("leads.csv", CatCol("lead_id", ids...), TimeCol("created_at", created...)),
		Outcomes: Table("outcomes.csv", CatCol("lead_id"), TimeCol("converted_at")),
		Events:   nEvents,
	}
	// One dictionary per column, shared by all batches as a reader does.
	idDict, typeDict, pageDict := datasets.NewDict(), datasets.NewDict(), datasets.NewDict()
	for _, id := range ids {
		idDict.Code(id)
	}
	const batch = StreamBatch
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

// Next returns a new batch source over the stream, for
// features.BuildStreaming.
func (s *EventStream) Next() func() (*datasets.Table, error) {
	sent := 0
	return func() (*datasets.Table, error) {
		if sent >= s.Events {
			return nil, io.EOF
		}
		t := s.pool[(sent/StreamBatch)%len(s.pool)]
		if n := s.Events - sent; n < t.Rows() {
			t = Slice(t, 0, n)
		}
		sent += t.Rows()
		return t, nil
	}
}
