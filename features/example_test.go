package features_test

import (
	"fmt"
	"time"

	"github.com/leadscore/leadscore/datasets"
	"github.com/leadscore/leadscore/features"
)

func column(name string, kind datasets.Kind, vals ...string) *datasets.Column {
	c := datasets.NewColumn(name, kind, len(vals))
	for _, v := range vals {
		switch kind {
		case datasets.KindCategory:
			c.Codes = append(c.Codes, c.Dict.Code(v))
		case datasets.KindTime:
			t, _ := time.Parse(time.DateTime, v)
			c.Time = append(c.Time, t.UnixNano())
		}
	}
	return c
}

// Leads, their events and the deals that closed become labelled snapshots;
// each snapshot sees only the events before its cutoff.
func Example() {
	leads := &datasets.Table{Source: "leads.csv", Columns: []*datasets.Column{
		column("lead_id", datasets.KindCategory, "a", "b"),
		column("created_at", datasets.KindTime, "2025-01-01 09:00:00", "2025-01-02 15:00:00"),
		column("lead_source", datasets.KindCategory, "referral", "ads"),
	}}
	events := &datasets.Table{Source: "events.csv", Columns: []*datasets.Column{
		column("lead_id", datasets.KindCategory, "a", "a", "b"),
		column("timestamp", datasets.KindTime, "2025-01-01 10:00:00", "2025-01-05 10:00:00", "2025-01-02 16:00:00"),
		column("type", datasets.KindCategory, "page_view", "form_submit", "page_view"),
	}}
	outcomes := &datasets.Table{Source: "outcomes.csv", Columns: []*datasets.Column{
		column("lead_id", datasets.KindCategory, "a"),
		column("converted_at", datasets.KindTime, "2025-01-20 12:00:00"),
	}}
	asOf := time.Date(2025, 12, 31, 0, 0, 0, 0, time.UTC)
	cfg := features.Config{MinCategoryCount: 1, SnapshotDays: []int{1, 7, 14, 30}}
	d, err := features.Build(cfg, features.Inputs{Leads: leads, Events: events, Outcomes: outcomes, AsOf: asOf})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("rows %d, positives %d, dropped after conversion %d\n", d.Rows, d.Report.Positives, d.Report.DroppedAfterConversion)
	for i := range d.Rows {
		fmt.Printf("%s at %s: label %g, %d events known\n", d.LeadIDs[i], d.Cutoffs[i].Format(time.DateOnly), d.Labels[i], len(d.Lead(i).Events))
	}
	// Output:
	// rows 7, positives 3, dropped after conversion 1
	// a at 2025-01-02: label 1, 1 events known
	// a at 2025-01-08: label 1, 2 events known
	// a at 2025-01-15: label 1, 2 events known
	// b at 2025-01-03: label 0, 1 events known
	// b at 2025-01-09: label 0, 1 events known
	// b at 2025-01-16: label 0, 1 events known
	// b at 2025-02-01: label 0, 1 events known
}
