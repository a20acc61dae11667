package dashboard

import (
	"encoding/json"
	"os"
	"path/filepath"
	"time"
)

// ruleTable is the per-rule table of the newest `leadscore compare`
// report: how often each rule fires, conversion when it does and does not,
// and the points the data suggests on the sheet's scale. The dashboard reads
// the report's JSON rather than computing it, so serve needs no trainer.
type ruleTable struct {
	ReportID  string
	CreatedAt time.Time
	Leads     int
	Labelled  bool
	Rules     []ruleRow
}

// ruleRow is one rule of a compare report (report.json "rules").
type ruleRow struct {
	Rule            string   `json:"rule"`
	Group           string   `json:"group"`
	Points          *float64 `json:"points"`
	Fires           int      `json:"fires"`
	FireShare       *float64 `json:"fire_share"`
	RateFired       *float64 `json:"conversion_rate_fired"`
	RateNotFired    *float64 `json:"conversion_rate_not_fired"`
	SuggestedPoints *float64 `json:"suggested_points"`
	Fitted          bool     `json:"fitted"`
	Disqualify      bool     `json:"disqualify"`
}

// latestRuleTable returns the per-rule table of the newest compare report,
// or nil when there is none (or it cannot be read).
func (d *dashboard) latestRuleTable() *ruleTable {
	src := d.cfg.Reports
	if src == nil {
		return nil
	}
	list, err := src.Reports()
	if err != nil {
		return nil
	}
	for _, r := range list {
		if r.Kind != "compare" {
			continue
		}
		data, err := os.ReadFile(filepath.Join(r.Dir, "report.json"))
		if err != nil {
			continue
		}
		var doc struct {
			Leads    int       `json:"leads"`
			Labelled bool      `json:"labelled"`
			Rules    []ruleRow `json:"rules"`
		}
		if json.Unmarshal(data, &doc) != nil || len(doc.Rules) == 0 {
			continue
		}
		return &ruleTable{ReportID: r.ID, CreatedAt: r.CreatedAt, Leads: doc.Leads, Labelled: doc.Labelled, Rules: doc.Rules}
	}
	return nil
}
