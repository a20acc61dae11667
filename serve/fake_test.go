package serve

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/stretchr/testify/require"

	"github.com/leadscore/leadscore/datasets"
	"github.com/leadscore/leadscore/features"
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
	EventTypes:   []string{"email_open", "form_submit", "page_view"},
	CreatedField: "created_at",
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
func (m *fakeModel) NewScorer() LeadScorer {
	m.scorers.Add(1)
	return &fakeScorer{m: m}
}

type fakeScorer struct {
	m    *fakeModel
	busy atomic.Bool
}

type fakeResult struct {
	LeadID      string             `json:"lead_id"`
	Model       ModelRef           `json:"model"`
	Probability float64            `json:"probability"`
	Score       int                `json:"score"`
	Percentile  float64            `json:"percentile"`
	Grade       string             `json:"grade"`
	Tier        string             `json:"tier"`
	Rules       map[string]any     `json:"rules,omitempty"`
	Explanation *fakeExplanation   `json:"explanation,omitempty"`
	Probs       map[string]float64 `json:"probabilities,omitempty"`
	Warnings    []string           `json:"warnings,omitempty"`
}

type fakeExplanation struct {
	BaseValue     float64        `json:"base_value"`
	Raw           float64        `json:"raw"`
	Contributions []fakeContribs `json:"contributions"`
}

type fakeContribs struct {
	Feature      string  `json:"feature"`
	Value        string  `json:"value"`
	Contribution float64 `json:"contribution"`
}

// AppendScore scores raw = bias + 0.1 x visits + 0.2 x events before the
// cutoff; a lead with id "panic" panics. Using a scorer from two goroutines
// at once panics too, so the tests catch unpooled sharing.
func (s *fakeScorer) AppendScore(dst []byte, l *features.Lead, opt ScoreOptions, warnings []string) ([]byte, Outcome, error) {
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
	if v := l.Fields["TotalVisits"]; !v.Missing && v.Kind == datasets.KindNumber {
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
	r := fakeResult{LeadID: l.ID, Model: ModelRef{Name: "gbm", Version: s.m.version}, Probability: p,
		Score: min(99, max(1, int(math.Round(p*100)))), Percentile: math.Round(p * 100), Grade: "B", Tier: "warm",
		Rules: map[string]any{"points": 10, "fit_points": 5, "engagement_points": 5, "tier": "cold", "grade": "B2", "fired": []any{}}, Warnings: warnings}
	if p >= 0.7 {
		r.Tier = "hot"
	} else if p < 0.4 {
		r.Tier = "cold"
	}
	if opt.Explain != 0 {
		ex := &fakeExplanation{BaseValue: s.m.p.Bias, Raw: raw}
		for k, v := range contrib {
			ex.Contributions = append(ex.Contributions, fakeContribs{Feature: k, Value: fmt.Sprint(v), Contribution: v})
		}
		sort.Slice(ex.Contributions, func(i, j int) bool { return ex.Contributions[i].Feature < ex.Contributions[j].Feature })
		r.Explanation = ex
	}
	if opt.AllModels {
		r.Probs = map[string]float64{"gbm": p, "rules": 0.5}
	}
	b, err := json.Marshal(r)
	if err != nil {
		return dst, Outcome{}, err
	}
	return append(dst, b...), Outcome{Tier: r.Tier, Score: r.Score}, nil
}
