package features

import (
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/leadscore/leadscore/datasets"
)

// synth is a generated lead history for tests and benchmarks.
type synth struct {
	leads, events, outcomes *datasets.Table
}

var synthSources = []string{"organic", "paid_search", "referral", "social", "email", "partner"}
var synthPages = []string{"pricing", "blog", "docs", "careers", "features", "case-studies"}
var synthTypes = []string{"page_view", "page_view", "page_view", "email_sent", "email_open", "email_click", "form_submit", "webinar", "unsubscribe"}
var synthChannels = []string{"web", "email", "ads"}

// genSynth generates nLeads leads over a year with about eventsPerLead events
// each and outcomes for the leads that convert; engaged leads (pricing
// views, form submits) convert more often.
func genSynth(seed uint64, nLeads, eventsPerLead int) synth {
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
		created[i] = t0.Add(time.Duration(rng.Int64N(int64(300 * 24 * time.Hour))))
		src[i] = synthSources[rng.IntN(len(synthSources))]
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
			typ := synthTypes[rng.IntN(len(synthTypes))]
			page, ch := "", synthChannels[rng.IntN(len(synthChannels))]
			if typ == "page_view" {
				page = synthPages[rng.IntN(len(synthPages))]
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
		eIDs, eTypes, ePages, eChan, eTimes = append(eIDs, "ghost"), append(eTypes, "page_view"), append(ePages, "blog"), append(eChan, "web"), append(eTimes, t0)
	}
	// Shuffle events: aggregation must not depend on their order.
	rng.Shuffle(len(eIDs), func(a, b int) {
		eIDs[a], eIDs[b] = eIDs[b], eIDs[a]
		eTypes[a], eTypes[b] = eTypes[b], eTypes[a]
		ePages[a], ePages[b] = ePages[b], ePages[a]
		eChan[a], eChan[b] = eChan[b], eChan[a]
		eTimes[a], eTimes[b] = eTimes[b], eTimes[a]
	})
	return synth{
		leads: table("leads.csv", catCol("lead_id", ids...), timeCol("created_at", created...),
			catCol("lead_source", src...), numCol("budget", budget...), numCol("employees", employees...)),
		events: table("events.csv", catCol("lead_id", eIDs...), timeCol("timestamp", eTimes...),
			catCol("type", eTypes...), catCol("page", ePages...), catCol("channel", eChan...)),
		outcomes: table("outcomes.csv", catCol("lead_id", oIDs...), timeCol("converted_at", oTimes...), numCol("amount", oAmt...)),
	}
}

// slice returns rows [lo, hi) of t as a new table sharing dictionaries, as
// a batch reader would return them.
func slice(t *datasets.Table, lo, hi int) *datasets.Table {
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

// batches returns a batch source over t in batches of size n.
func batches(t *datasets.Table, n int) func() (*datasets.Table, error) {
	pos := 0
	return func() (*datasets.Table, error) {
		if pos >= t.Rows() {
			return nil, errEOF
		}
		hi := min(pos+n, t.Rows())
		b := slice(t, pos, hi)
		pos = hi
		return b, nil
	}
}
