package features

import (
	"github.com/leadscore/leadscore/datasets"
	"github.com/leadscore/leadscore/internal/leadgen"
)

// synth is a generated lead history for tests and benchmarks.
type synth struct {
	leads, events, outcomes *datasets.Table
}

// genSynth generates nLeads leads over 300 days with about eventsPerLead
// events each and outcomes for the leads that convert; engaged leads
// (pricing views, form submits) convert more often: leadgen.History, the
// history of internal/benchkit.LeadHistory too.
func genSynth(seed uint64, nLeads, eventsPerLead int) synth {
	leads, events, outcomes := leadgen.History(seed, nLeads, eventsPerLead)
	return synth{leads: leads, events: events, outcomes: outcomes}
}

// batches returns a batch source over t in batches of size n, sharing
// dictionaries as a batch reader's do.
var batches = leadgen.Batches
