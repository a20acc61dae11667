package dashboard

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leadscore/leadscore/datasets/store"
)

// TestStoredPages: the stored-leads page lists the store's leads, latest
// first, each with its latest score and a link to its page, which shows
// its fields, events, score history (table and chart) and tier changes.
func TestStoredPages(t *testing.T) {
	e := newEnv(t, realFixture(t), envOptions{store: "sqlite:" + filepath.Join(t.TempDir(), "store.db")})
	st, ok := e.s.Store().(*store.Store)
	require.True(t, ok)
	ctx := context.Background()
	created := realAsOf.Add(-30 * 24 * time.Hour)
	var leads []store.Lead
	for i := range 3 {
		leads = append(leads, store.Lead{ID: fmt.Sprint("L-", i), Created: created.Add(time.Duration(i) * time.Hour), Fields: json.RawMessage(`{"industry":"software","employees":250}`)})
	}
	_, err := st.UpsertLeads(ctx, leads, created, []string{"industry", "employees"}, store.NoRescore)
	require.NoError(t, err)
	_, err = st.AppendEvents(ctx, []store.Event{
		{LeadID: "L-1", Type: "page_view", Time: created.Add(2 * time.Hour), Attrs: map[string]string{"page": "pricing"}},
		{LeadID: "L-1", Type: "demo_request", Time: created.Add(5 * 24 * time.Hour)},
	}, created, store.NoRescore)
	require.NoError(t, err)
	var scores []store.Score
	for k, sc := range []struct {
		score int
		tier  string
	}{{12, "cold"}, {14, "cold"}, {40, "warm"}, {77, "hot"}} {
		at := created.Add(time.Duration(k+1) * 24 * time.Hour)
		scores = append(scores, store.Score{LeadID: "L-1", ScoredAt: at, AsOf: at, Source: store.SourceRescore, ModelName: "gbm", ModelVersion: "real-v1",
			Probability: float64(sc.score) / 100, Score: sc.score, Grade: "B", Tier: sc.tier, RulesPoints: 30, RulesTier: "warm", RulesProbability: 0.2,
			Reasons: json.RawMessage(`[{"feature":"event:demo_request:count","value":"1","contribution":1.25}]`)})
	}
	require.NoError(t, st.LogScores(ctx, scores))

	c := client(t)
	code, page := get(t, c, e.srv.URL+"/ui/stored")
	require.Equal(t, http.StatusOK, code, page)
	assert.Less(t, strings.Index(page, ">L-2<"), strings.Index(page, ">L-1<"), "latest arrived first")
	assert.Contains(t, page, `href="/ui/stored/L-1"`)
	assert.Contains(t, page, "not scored yet", "L-0 and L-2")
	assert.Contains(t, page, `<td class="num">77</td>`, "L-1's latest score")

	code, page = get(t, c, e.srv.URL+"/ui/stored/L-1")
	require.Equal(t, http.StatusOK, code, page)
	assert.Equal(t, 4, strings.Count(page, `class="score-row"`))
	assert.Equal(t, 3, strings.Count(page, `class="tier-change"`), "first score cold, then warm, then hot")
	assert.Contains(t, page, `<td class="tier-hot">hot</td>`)
	assert.Equal(t, 4, strings.Count(page, "<circle "), "one point per score in the chart")
	assert.Equal(t, 2, strings.Count(page, `class="event"`))
	assert.Contains(t, page, "page=pricing")
	assert.Contains(t, page, "<th>employees</th><td>250</td>")
	assert.Contains(t, page, "event:demo_request:count")
	assert.False(t, math.IsNaN(scores[0].RulesPoints))

	code, page = get(t, c, e.srv.URL+"/ui/stored/nobody")
	assert.Equal(t, http.StatusNotFound, code)
	assert.Contains(t, page, "holds no lead nobody")
	code, _ = get(t, c, e.srv.URL+"/ui/stored?before=x")
	assert.Equal(t, http.StatusBadRequest, code)

	// Without a store the pages say so.
	off := newEnv(t, realFixture(t), envOptions{})
	code, page = get(t, c, off.srv.URL+"/ui/stored")
	assert.Equal(t, http.StatusOK, code)
	assert.Contains(t, page, `id="stored-off"`)
	code, _ = get(t, c, off.srv.URL+"/ui/stored/L-1")
	assert.Equal(t, http.StatusNotFound, code)
}
