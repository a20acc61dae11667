package serve

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/stretchr/testify/require"

	"github.com/leadscore/leadscore/datasets"
	"github.com/leadscore/leadscore/features"
	"github.com/leadscore/leadscore/models"
	"github.com/leadscore/leadscore/models/rules"
)

func init() { gin.SetMode(gin.TestMode) }

// fakeSchema is the schema of every fake bundle.
var fakeSchema = Schema{
	Fields: []FieldSpec{
		{Name: "TotalVisits", Kind: KindNumber, Required: true},
		{Name: "Do Not Email", Kind: KindBoolean},
		{Name: "Lead Source", Kind: KindCategory, Values: []string{"Google", "Direct Traffic"}},
		{Name: "Notes", Kind: KindText},
		{Name: "last_contact", Kind: KindTimestamp},
	},
	EventTypes:    []string{"email_open", "form_submit", "page_view"},
	CreatedField:  "created_at",
	MissingValues: []string{"Select"},
}

// fakeParams is the fake.json file of a fake bundle.
type fakeParams struct {
	Bias float64 `json:"bias"`
	// Damaged makes the loader refuse the bundle.
	Damaged bool `json:"damaged"`
	// DelayMS makes every score take this long (for drain tests).
	DelayMS int `json:"delay_ms"`
}

// writeFakeBundle writes a fake bundle directory root/version.
func writeFakeBundle(t testing.TB, root, version string, created time.Time, p fakeParams) string {
	t.Helper()
	dir := filepath.Join(root, version)
	require.NoError(t, os.MkdirAll(dir, 0o755))
	pb, err := json.Marshal(p)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "fake.json"), pb, 0o644))
	mb, err := json.Marshal(map[string]any{"format_version": 1, "version": version, "name": "fake-" + version, "created_at": created, "models": []string{"rules", "gbm"}, "champion": "gbm"})
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, manifestFile), mb, 0o644))
	return dir
}

// loadFake is the Loader of fake bundles.
func loadFake(dir string) (Model, error) {
	var man struct {
		Version   string    `json:"version"`
		CreatedAt time.Time `json:"created_at"`
	}
	mb, err := os.ReadFile(filepath.Join(dir, manifestFile))
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(mb, &man); err != nil {
		return nil, fmt.Errorf("load bundle %s: manifest: %w", dir, err)
	}
	pb, err := os.ReadFile(filepath.Join(dir, "fake.json"))
	if err != nil {
		return nil, fmt.Errorf("load bundle %s: %w", dir, err)
	}
	var p fakeParams
	if err := json.Unmarshal(pb, &p); err != nil {
		return nil, fmt.Errorf("load bundle %s: fake.json: %w", dir, err)
	}
	if p.Damaged {
		return nil, fmt.Errorf("load bundle %s: gbm.json checksum does not match the manifest: %w", dir, errors.New("damaged bundle"))
	}
	return &fakeModel{version: man.Version, created: man.CreatedAt, p: p}, nil
}

type fakeModel struct {
	version string
	created time.Time
	p       fakeParams
	scorers atomic.Int64
}

func (m *fakeModel) Version() string { return m.version }
func (m *fakeModel) Schema() Schema  { return fakeSchema }
func (m *fakeModel) Info() ModelInfo {
	return ModelInfo{
		Version: m.version, Name: "fake-" + m.version, CreatedAt: m.created, Champion: "gbm", Models: []string{"rules", "gbm"},
		Metrics:         json.RawMessage(`{"metrics":{"gbm":{"auc":0.81}},"leakage_suspects":[{"field":"Tags","reason":"after conversion"}]}`),
		LeakageSuspects: json.RawMessage(`[{"field":"Tags","reason":"after conversion"}]`),
		Features:        fakeSchema.Fields, EventTypes: fakeSchema.EventTypes,
	}
}
func (m *fakeModel) NewScorer() Scorer {
	m.scorers.Add(1)
	return &fakeScorer{m: m}
}

func (m *fakeModel) Bundle() *models.Bundle { return nil }

// ScoreRows is models.Bundle.ScoreRows's contract over the fake scorer:
// threads goroutines with a scorer each, rows in ascending order per
// worker, a panic turned into the row's *models.PanicError.
func (m *fakeModel) ScoreRows(rows models.Rows, opt models.ScoreOptions, threads int, emit func(w, i int, res *models.Result, err error)) {
	var wg sync.WaitGroup
	for w := range threads {
		wg.Go(func() {
			sc := m.NewScorer()
			var res models.Result
			for i := w; i < rows.Len(); i += threads {
				err := func() (err error) {
					defer func() {
						if p := recover(); p != nil {
							err = &models.PanicError{Value: p, Stack: []byte("fake stack")}
						}
					}()
					l, err := rows.Lead(w, i)
					if err != nil {
						return err
					}
					return sc.ScoreInto(l, opt, &res)
				}()
				if err != nil {
					if _, ok := err.(*models.PanicError); ok {
						sc = m.NewScorer()
					}
					emit(w, i, nil, err)
					continue
				}
				emit(w, i, &res, nil)
			}
		})
	}
	wg.Wait()
}

type fakeScorer struct {
	m    *fakeModel
	busy atomic.Bool
}

// ScoreInto scores raw = bias + 0.1 x visits + 0.2 x events before the
// cutoff; a lead with id "panic" panics, and one without TotalVisits lacks
// a required field. Using a scorer from two goroutines at once panics too,
// so the tests catch unpooled sharing.
func (s *fakeScorer) ScoreInto(l *features.Lead, opt models.ScoreOptions, r *models.Result) error {
	if !s.busy.CompareAndSwap(false, true) {
		panic("fake scorer used concurrently")
	}
	defer s.busy.Store(false)
	if l.ID == "panic" {
		panic("planted panic")
	}
	if s.m.p.DelayMS > 0 {
		time.Sleep(time.Duration(s.m.p.DelayMS) * time.Millisecond)
	}
	contrib := map[string]float64{}
	v, ok := l.Fields["TotalVisits"]
	if !ok || v.Missing {
		return &models.MissingFieldsError{LeadID: l.ID, Fields: []string{"TotalVisits"}}
	}
	if v.Kind == datasets.KindNumber {
		contrib["TotalVisits"] = 0.1 * v.Num
	}
	n := 0
	for _, e := range l.Events {
		if e.Time.Before(l.Cutoff) {
			n++
		}
	}
	contrib["events"] = 0.2 * float64(n)
	raw := s.m.p.Bias
	for _, c := range contrib {
		raw += c
	}
	p := 1 / (1 + math.Exp(-raw))
	*r = models.Result{LeadID: l.ID, Model: models.ModelRef{Name: "gbm", Version: s.m.version}, Probability: p,
		Score: min(99, max(1, int(math.Round(p*100)))), Percentile: math.Round(p * 100), Grade: "B", Tier: "warm",
		Rules: &rules.Result{Points: 10, FitPoints: 5, EngagementPoints: 5, Tier: "cold", Grade: "B2", Fired: []rules.Fired{}}}
	if p >= 0.7 {
		r.Tier = "hot"
	} else if p < 0.4 {
		r.Tier = "cold"
	}
	if opt.Explain != 0 {
		ex := &models.Explanation{BaseValue: s.m.p.Bias, Raw: raw}
		for k, v := range contrib {
			ex.Contributions = append(ex.Contributions, models.Contribution{Feature: k, Value: fmt.Sprint(v), Contribution: v})
		}
		sort.Slice(ex.Contributions, func(i, j int) bool { return ex.Contributions[i].Feature < ex.Contributions[j].Feature })
		r.Explanation = ex
	}
	if opt.AllModels {
		r.Probabilities = map[string]float64{"gbm": p, "rules": 0.5}
	}
	return nil
}
