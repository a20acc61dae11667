package features

import (
	"github.com/leadscore/leadscore/datasets"
	"github.com/leadscore/leadscore/datasets/synth"
)

// genHistory is a generated lead history for tests and benchmarks.
type genHistory struct {
	leads, events, outcomes *datasets.Table
}

// genSynth generates nLeads leads over 300 days with about eventsPerLead
// events each and outcomes for the leads that convert; engaged leads
// (pricing views, form submits) convert more often: synth.History, the
// history of `leadscore bench features` too.
func genSynth(seed uint64, nLeads, eventsPerLead int) genHistory {
	leads, events, outcomes := synth.History(seed, nLeads, eventsPerLead)
	return genHistory{leads: leads, events: events, outcomes: outcomes}
}

// batches returns a batch source over t in batches of size n, sharing
// dictionaries as a batch reader's do.
var batches = synth.Batches
