package training

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leadscore/leadscore/features"
	"github.com/leadscore/leadscore/models"
)

func TestCheckInputs(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(content), 0o644))
		return p
	}
	leads := write("leads.csv", "Lead ID,Created At,industry\nL1,2025-01-01T00:00:00Z,software\n")
	events := write("events.csv", "lead_id,timestamp,type\nL1,2025-01-02T00:00:00Z,page_view\n")
	outcomes := write("outcomes.csv", "LeadId,won_at\nL1,2025-02-01T00:00:00Z\n")
	good := write("good.csv", "lead_id,created_at,converted\nL1,2025-01-01T00:00:00Z,1\n")
	goodOut := write("good_outcomes.csv", "lead_id,converted_at\nL1,2025-02-01T00:00:00Z\n")
	badRules := write("rules.yaml", "name: x\nrules:\n  - {name: r, pointz: 1}\n")
	cfg := features.DefaultConfig()
	flat := cfg
	flat.Target = "converted"
	for _, tc := range []struct {
		name string
		opt  Options
		want []string // substrings of the error; none: no error
	}{
		{"three tables, every column missing is listed with its flag", Options{Data: leads, Events: events, Outcomes: outcomes, Config: cfg, Models: []string{models.GBM}},
			[]string{"missing 4 columns", `has no column "lead_id" (set it with --id COL or id: in leadscore.yaml; did you mean "Lead ID"?)`,
				`has no column "created_at" (set it with --created COL`, `did you mean "Created At"?`,
				`(set it with --outcome-id COL or outcomes.lead_id: in leadscore.yaml; did you mean "LeadId"?)`,
				`has no column "converted_at" (set it with --converted-at COL`, "leadscore config init"}},
		{"good three tables", Options{Data: good, Events: events, Outcomes: goodOut, Config: cfg, Models: []string{models.GBM}}, nil},
		{"flat needs its target", Options{Data: good, Config: func() features.Config { c := cfg; c.Target = "Converted?"; return c }(), Models: []string{models.GBM}},
			[]string{`has no column "Converted?" (set it with --target COL`, `did you mean "converted"?`}},
		{"good flat", Options{Data: good, Config: flat, Models: []string{models.GBM}}, nil},
		{"no such rules file", Options{Data: good, Config: flat, RulesFile: filepath.Join(dir, "rulez.yaml")},
			[]string{"--rules " + filepath.Join(dir, "rulez.yaml") + ": no such file", "rules.yaml"}},
		{"bad rule sheet", Options{Data: good, Config: flat, RulesFile: badRules}, []string{`unknown key "pointz"`}},
		{"no such leads file", Options{Data: filepath.Join(dir, "lead.csv"), Config: flat}, []string{"--data", "no such file", "leads.csv"}},
		{"a directory", Options{Data: good, Outcomes: dir, Config: cfg}, []string{"--outcomes " + dir + ": is a directory"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := CheckInputs(tc.opt)
			if tc.want == nil {
				assert.NoError(t, err)
				return
			}
			require.Error(t, err)
			for _, w := range tc.want {
				assert.Contains(t, err.Error(), w)
			}
		})
	}
}
