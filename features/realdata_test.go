package features

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/leadscore/leadscore/datasets"
	"github.com/leadscore/leadscore/internal/realdata"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func suspectMap(ss []Suspect) map[string]Suspect {
	m := map[string]Suspect{}
	for _, s := range ss {
		m[s.Column] = s
	}
	return m
}

func TestAuditXEducation(t *testing.T) {
	path := realdata.Path(t, "xeducation/Leads.csv")
	tab, _, err := datasets.ReadFile(path, datasets.ReadOptions{MissingValues: []string{"Select"}})
	require.NoError(t, err)
	cfg := Config{ID: "Prospect ID", Target: "Converted"}
	d, err := Build(cfg, Inputs{Leads: tab})
	require.NoError(t, err)
	require.Equal(t, 9237, d.Rows)
	sus := Audit(cfg, d, nil)
	out, _ := json.MarshalIndent(sus, "", "  ")
	t.Logf("xeducation audit:\n%s", out)
	m := suspectMap(sus)
	for _, col := range []string{"Tags", "Lead Quality", "Lead Number"} {
		assert.Contains(t, m, col, "audit must flag %q", col)
	}
	assert.Contains(t, m["Lead Number"].Reason, "id-like")
	for _, col := range []string{"TotalVisits", "Lead Source", "Total Time Spent on Website"} {
		assert.NotContains(t, m, col, "%q is known before the sales call and must not be flagged", col)
	}

	// Fit leaves the suspects out; AllowLeaky keeps one.
	spec, err := Fit(cfg, d, allRows(d.Rows))
	require.NoError(t, err)
	for _, f := range spec.Features {
		assert.NotContains(t, m, f.Name)
	}

	// The API path encodes every real lead exactly like the batch path.
	lin, _ := spec.Linear(d)
	tree, _ := spec.Tree(d)
	lrow, trow := make([]float64, lin.Cols), make([]float64, tree.Cols)
	for i := range d.Rows {
		spec.TransformLead(d.Lead(i), lrow, trow)
		require.True(t, sameFloats(lin.Row(i), lrow), "linear row %d", i)
		require.True(t, sameFloats(tree.Row(i), trow), "tree row %d", i)
	}
	cfg.AllowLeaky = []string{"Lead Quality"}
	spec, err = Fit(cfg, d, allRows(d.Rows))
	require.NoError(t, err)
	var names []string
	for _, f := range spec.Features {
		names = append(names, f.Name)
	}
	assert.Contains(t, names, "Lead Quality")
}

func TestAuditOlistClosedDealColumn(t *testing.T) {
	mqlPath := realdata.Path(t, "olist/olist_marketing_qualified_leads_dataset.csv")
	dealPath := realdata.Path(t, "olist/olist_closed_deals_dataset.csv")
	mql, _, err := datasets.ReadFile(mqlPath, datasets.ReadOptions{})
	require.NoError(t, err)
	deals, _, err := datasets.ReadFile(dealPath, datasets.ReadOptions{})
	require.NoError(t, err)
	// Join: converted = mql_id in closed deals; business_segment is filled
	// by the sales team while closing.
	dealID, err := deals.MustCol("mql_id")
	require.NoError(t, err)
	seg, err := deals.MustCol("business_segment")
	require.NoError(t, err)
	segOf := map[string]string{}
	for i := 0; i < deals.Rows(); i++ {
		s, _ := cellString(seg, i)
		if s == "" {
			s = "unknown"
		}
		segOf[dealID.String(i)] = s
	}
	id, err := mql.MustCol("mql_id")
	require.NoError(t, err)
	conv := make([]float64, mql.Rows())
	segs := make([]string, mql.Rows())
	for i := range conv {
		if s, ok := segOf[id.String(i)]; ok {
			conv[i], segs[i] = 1, s
		}
	}
	mql.Columns = append(mql.Columns, numCol("converted", conv...), catCol("business_segment", segs...))
	cfg := Config{ID: "mql_id", Target: "converted"}
	d, err := Build(cfg, Inputs{Leads: mql})
	require.NoError(t, err)
	sus := Audit(cfg, d, nil)
	out, _ := json.MarshalIndent(sus, "", "  ")
	t.Logf("olist audit:\n%s", out)
	m := suspectMap(sus)
	require.Contains(t, m, "business_segment")
	assert.Contains(t, m["business_segment"].Reason, "filled mostly for converted leads")
	assert.NotContains(t, m, "origin")
}

func TestOlistSnapshots(t *testing.T) {
	mql, _, err := datasets.ReadFile(realdata.Path(t, "olist/olist_marketing_qualified_leads_dataset.csv"), datasets.ReadOptions{})
	require.NoError(t, err)
	deals, _, err := datasets.ReadFile(realdata.Path(t, "olist/olist_closed_deals_dataset.csv"), datasets.ReadOptions{})
	require.NoError(t, err)
	cfg := Config{ID: "mql_id", Created: "first_contact_date", Outcomes: OutcomesConfig{LeadID: "mql_id", ConvertedAt: "won_date"},
		SnapshotDays: []int{0, 7, 30}, HorizonDays: 60}
	// Pretend the export was taken on 2018-06-15: late leads are censored.
	asOf := time.Date(2018, 6, 15, 0, 0, 0, 0, time.UTC)
	d, err := Build(cfg, Inputs{Leads: mql, Outcomes: deals, AsOf: asOf})
	require.NoError(t, err)
	r := d.Report
	t.Logf("olist snapshots: %+v", r)
	assert.Equal(t, 8000, r.Leads)
	assert.Greater(t, r.Positives, 0)
	assert.Greater(t, r.DroppedAfterConversion, 0)
	assert.Greater(t, r.Censored, 0)
	assert.Equal(t, 3*8000, r.Rows+r.DroppedAfterConversion+r.Censored, "every snapshot is kept or counted")
	for i := range d.Rows {
		require.False(t, d.Cutoffs[i].AddDate(0, 0, 60).After(asOf), "row %d: labelled before its horizon elapsed", i)
	}
	spec, err := Fit(cfg, d, allRows(d.Rows))
	require.NoError(t, err)
	assert.NotEmpty(t, spec.LinearColumns())
}
