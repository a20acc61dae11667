package rules

import (
	"encoding/csv"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leadscore/leadscore/datasets"
	"github.com/leadscore/leadscore/features"
)

// benchLead is a b2b lead with 50 events over the 60 days before the cutoff
// and a few more after it.
func benchLead() *features.Lead {
	types := []string{"email_sent", "email_open", "page_view", "email_click", "page_view", "content_download",
		"page_view", "social_interaction", "webinar_attended", "form_submit"}
	pages := []string{"home", "pricing", "product", "blog", "careers", "contact"}
	channels := []string{"email", "web", "linkedin", "twitter"}
	l := &features.Lead{
		ID:      "bench",
		Created: cutoff.Add(-60 * day),
		Cutoff:  cutoff,
		Fields: map[string]features.Value{
			"industry":       cat("Software"),
			"employees":      num(450),
			"annual_revenue": num(3.2e7),
			"job_title":      text("VP Marketing"),
			"seniority":      cat("vp"),
			"country":        cat("DE"),
			"lead_source":    cat("webinar"),
		},
	}
	for i := range 54 {
		e := features.Event{
			Type:  types[i%len(types)],
			Time:  cutoff.Add(-60*day + time.Duration(i)*27*time.Hour),
			Attrs: map[string]string{"channel": channels[i%len(channels)]},
		}
		if e.Type == "page_view" {
			e.Attrs["page"] = pages[i%len(pages)]
		}
		l.Events = append(l.Events, e)
	}
	return l
}

func BenchmarkEvaluate(b *testing.B) {
	s, err := Parse(Default("b2b"), "b2b.yaml")
	require.NoError(b, err)
	l := benchLead()
	b.ReportAllocs()
	var res Result
	for b.Loop() {
		res = s.Evaluate(l)
	}
	if len(res.Fired) == 0 {
		b.Fatal("no rule fired")
	}
}

func TestEvaluateAllocatesOnlyFired(t *testing.T) {
	s, err := Parse(Default("b2b"), "b2b.yaml")
	require.NoError(t, err)
	l := benchLead()
	allocs := testing.AllocsPerRun(100, func() { s.Evaluate(l) })
	assert.LessOrEqual(t, allocs, 1.0, "Evaluate should allocate the Fired slice only")
}

// TestXEducationBaseline scores the real X Education export with the shipped
// sheet: MQLs must convert clearly more often than the leads below the
// threshold, or the baseline is no baseline.
func TestXEducationBaseline(t *testing.T) {
	path := filepath.Join("..", "..", "..", "shared", "datasets", "xeducation", "Leads.csv")
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		t.Skipf("%s is absent: the shared data sets are not next to this checkout", path)
	}
	require.NoError(t, err)
	defer f.Close()
	s, err := Parse(Default("xeducation"), "xeducation.yaml")
	require.NoError(t, err)

	kinds := make(map[string]datasets.Kind)
	for _, fd := range xeducationSchema {
		kinds[fd.Name] = fd.Kind
	}
	r := csv.NewReader(f)
	header, err := r.Read()
	require.NoError(t, err)
	var n, conv, mql, mqlConv int
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		require.NoError(t, err)
		l := &features.Lead{Fields: make(map[string]features.Value, len(header))}
		converted := false
		for i, col := range header {
			raw := strings.TrimSpace(rec[i])
			if col == "Converted" {
				converted = raw == "1"
				continue
			}
			v := features.Value{Kind: kinds[col]}
			switch {
			case raw == "" || raw == "Select":
				v.Missing = true
			case v.Kind == datasets.KindNumber:
				x, perr := strconv.ParseFloat(raw, 64)
				v.Num, v.Missing = x, perr != nil
			case v.Kind == datasets.KindBool:
				if raw == "Yes" {
					v.Num = 1
				}
			default:
				v.Str = raw
			}
			l.Fields[col] = v
		}
		res := s.Evaluate(l)
		n++
		if converted {
			conv++
		}
		if res.Tier == TierWarm || res.Tier == TierHot {
			mql++
			if converted {
				mqlConv++
			}
		}
	}
	require.Equal(t, 9237, n)
	rateMQL := float64(mqlConv) / float64(mql)
	rateRest := float64(conv-mqlConv) / float64(n-mql)
	t.Logf("%d leads, %d MQLs (%.1f%%) converting %.1f%%; the rest convert %.1f%%",
		n, mql, 100*float64(mql)/float64(n), 100*rateMQL, 100*rateRest)
	assert.Greater(t, rateMQL, 2*rateRest)
	assert.Greater(t, mql, n/10)
}
