package features

import (
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/leadscore/leadscore/datasets"
	"github.com/leadscore/leadscore/datasets/synth"
	"github.com/leadscore/leadscore/internal/realdata"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestContactNameEvidence(t *testing.T) {
	tests := []struct {
		name    string
		suspect bool
	}{
		{"Last Activity", true},
		{"Last Notable Activity", true},
		{"LastActivity", true},
		{"Lead Quality", true},
		{"Lead Profile", true},
		{"Asymmetrique Activity Score", true},
		{"Asymmetrique Profile Index", true},
		{"deal_stage", true},
		{"call_result", true},
		{"Number of calls", true},
		{"meeting_duration", true},
		{"Tags", true},
		{"Lead Source", false},
		{"TotalVisits", false},
		{"days_since_last_activity", false},
		{"job_title", false},
		{"employees", false},
		{"Do Not Call", false},
		{"contact_page_views", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := contactNameEvidence(tc.name)
			if tc.suspect {
				assert.NotEmpty(t, e)
				assert.Contains(t, e, tc.name)
			} else {
				assert.Empty(t, e)
			}
		})
	}
}

// agedLeads builds n leads created one per hour with an honest field, a
// field sales fills in as leads age, and one whose value moves with age
// (a status that starts "new").
func agedLeads(seed uint64, n int) *datasets.Table {
	rng := rand.New(rand.NewPCG(seed, 2))
	ids, src, notes, state := make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	created := make([]time.Time, n)
	for i := range n {
		ids[i] = fmt.Sprintf("L%d", i)
		created[i] = day(float64(i) / 24)
		src[i] = []string{"web", "ads", "partner"}[rng.IntN(3)]
		age := float64(n-i) / float64(n) // 1 for the oldest lead
		if rng.Float64() < age {
			notes[i] = []string{"called", "emailed"}[rng.IntN(2)]
		}
		state[i] = "fresh"
		if rng.Float64() < age {
			state[i] = []string{"worked", "nurture"}[rng.IntN(2)]
		}
	}
	return table("aged.csv", catCol("lead_id", ids...), timeCol("created_at", created...), catCol("source", src...),
		catCol("notes", notes...), catCol("state", state...))
}

func TestAuditAfterContactByAge(t *testing.T) {
	leads := agedLeads(1, 800)
	outcomes := table("outcomes.csv", catCol("lead_id", "L1", "L5", "L9"), timeCol("converted_at", day(40), day(40), day(41)))
	cfg := Config{SnapshotDays: []int{1}, HorizonDays: 30}
	d, err := Build(cfg, Inputs{Leads: leads, Outcomes: outcomes, AsOf: day(200)})
	require.NoError(t, err)
	m := suspectMap(Audit(cfg, d, nil))
	require.Contains(t, m, "notes")
	assert.Contains(t, m["notes"].Reason, AfterContactReason)
	assert.Contains(t, m["notes"].Reason, "oldest quarter")
	require.Contains(t, m, "state")
	assert.Contains(t, m["state"].Reason, "change with the lead's age")
	assert.NotContains(t, m, "source", "a field whose values do not move with age is not a suspect")
}

// TestAuditXEducationAfterContact: on the real export the audit flags,
// besides Tags and Lead Quality, every column sales fills in after first
// contact, each with the evidence and the after-contact reason.
func TestAuditXEducationAfterContact(t *testing.T) {
	path := realdata.Path(t, "xeducation/Leads.csv")
	tab, _, err := datasets.ReadFile(path, datasets.ReadOptions{MissingValues: []string{"Select"}})
	require.NoError(t, err)
	cfg := Config{ID: "Prospect ID", Target: "Converted"}
	d, err := Build(cfg, Inputs{Leads: tab})
	require.NoError(t, err)
	m := suspectMap(Audit(cfg, d, nil))
	for _, col := range []string{"Tags", "Lead Quality", "Last Activity", "Last Notable Activity", "Lead Profile",
		"Asymmetrique Activity Index", "Asymmetrique Profile Index", "Asymmetrique Activity Score", "Asymmetrique Profile Score"} {
		require.Contains(t, m, col)
		assert.Contains(t, m[col].Reason, AfterContactReason, col)
		assert.Contains(t, m[col].Reason, "the name", col)
	}
	assert.NotContains(t, m["Lead Number"].Reason, AfterContactReason, "an id is reported as an id")
	for _, col := range []string{"TotalVisits", "Lead Source", "Lead Origin", "Total Time Spent on Website", "Do Not Call", "What is your current occupation"} {
		assert.NotContains(t, m, col)
	}
	for _, s := range m {
		if strings.HasPrefix(s.Reason, "constant") || strings.HasPrefix(s.Reason, "id-like") {
			assert.NotContains(t, s.Reason, AfterContactReason, s.Column)
		}
	}
}

// TestAuditGeneratedNoContactSuspect: the generator's honest lead fields
// (both profiles, and the flat export's behaviour columns) raise no
// after-contact suspicion.
func TestAuditGeneratedNoContactSuspect(t *testing.T) {
	for _, profile := range []string{synth.ProfileB2B, synth.ProfileB2C} {
		t.Run(profile, func(t *testing.T) {
			dir := t.TempDir()
			_, err := synth.Generate(synth.Config{Profile: profile, Leads: 3000, Seed: 5, Flat: true}, dir, nil)
			require.NoError(t, err)
			read := func(name string) *datasets.Table {
				tab, _, err := datasets.ReadFile(filepath.Join(dir, name), datasets.ReadOptions{})
				require.NoError(t, err)
				return tab
			}
			cfg := Config{}
			d, err := Build(cfg, Inputs{Leads: read("leads.csv"), Events: read("events.csv"), Outcomes: read("outcomes.csv")})
			require.NoError(t, err)
			for _, s := range Audit(cfg, d, nil) {
				assert.NotContains(t, s.Reason, AfterContactReason, s.Column)
			}
			flat := Config{Target: "converted"}
			d, err = Build(flat, Inputs{Leads: read("leads_flat.csv")})
			require.NoError(t, err)
			for _, s := range Audit(flat, d, nil) {
				assert.NotContains(t, s.Reason, AfterContactReason, s.Column)
			}
		})
	}
}
