package synth

import (
	"bytes"
	"encoding/csv"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/leadscore/leadscore/datasets"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// csvFile is a CSV file read with encoding/csv, independent of the
// datasets readers.
type csvFile struct {
	header []string
	rows   [][]string
	col    map[string]int
}

func readCSV(t *testing.T, path string) *csvFile {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	require.NoError(t, err, path)
	require.NotEmpty(t, recs, path)
	c := &csvFile{header: recs[0], rows: recs[1:], col: map[string]int{}}
	for i, h := range c.header {
		c.col[h] = i
	}
	return c
}

func (c *csvFile) get(row []string, name string) string { return row[c.col[name]] }

func parseTime(t *testing.T, s string) time.Time {
	t.Helper()
	ts, err := time.Parse(time.RFC3339, s)
	require.NoError(t, err, s)
	return ts
}

func parseNum(t *testing.T, s string) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(s, 64)
	require.NoError(t, err, s)
	return v
}

func names(fs []datasets.Field) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = f.Name
	}
	return out
}

// rate is the share of true values among xs.
type rate struct{ n, k int }

func (r *rate) add(ok bool) {
	r.n++
	if ok {
		r.k++
	}
}
func (r rate) value() float64 { return float64(r.k) / float64(r.n) }

func TestGeneratedData(t *testing.T) {
	const leads = 5000
	for _, profile := range []string{ProfileB2B, ProfileB2C} {
		t.Run(profile, func(t *testing.T) {
			dir := t.TempDir()
			var last, calls int
			sum, err := Generate(Config{Profile: profile, Leads: leads, Seed: 42, Flat: true}, dir, func(done, total int) {
				assert.Equal(t, leads, total)
				assert.Greater(t, done, last)
				last = done
				calls++
			})
			require.NoError(t, err)
			assert.Equal(t, leads, last, "progress reaches the total")
			assert.Positive(t, calls)
			truth, err := ReadTruth(filepath.Join(dir, TruthJSONFileName))
			require.NoError(t, err)

			leadsF := readCSV(t, filepath.Join(dir, "leads.csv"))
			events := readCSV(t, filepath.Join(dir, "events.csv"))
			outcomes := readCSV(t, filepath.Join(dir, "outcomes.csv"))
			probs := readCSV(t, filepath.Join(dir, "truth_probabilities.csv"))
			flat := readCSV(t, filepath.Join(dir, "leads_flat.csv"))

			t.Run("headers and counts", func(t *testing.T) {
				assert.Equal(t, names(LeadsSchema(profile)), leadsF.header)
				assert.Equal(t, []string{"lead_id", "timestamp", "type", "page", "channel"}, events.header)
				assert.Equal(t, []string{"lead_id", "converted_at", "amount"}, outcomes.header)
				assert.Equal(t, []string{"lead_id", "p_convert_90d_at_day14"}, probs.header)
				assert.Equal(t, names(FlatSchema(profile)), flat.header)
				assert.Len(t, leadsF.rows, leads)
				assert.Len(t, probs.rows, leads)
				assert.Equal(t, sum.Events, int64(len(events.rows)))
				assert.Equal(t, sum.Conversions, len(outcomes.rows))
				assert.Equal(t, sum.FlatRows, len(flat.rows))
				assert.Equal(t, truth.Counts.Events, sum.Events)
				assert.Equal(t, "L0000001", leadsF.rows[0][0])
				assert.InDelta(t, 50, float64(sum.Events)/leads, 25, "about 50 events per lead")
			})

			t.Run("conversion rate is calibrated", func(t *testing.T) {
				assert.InDelta(t, DefaultConversionRate, sum.ConversionRate, 0.02)
				assert.InDelta(t, sum.ConversionRate, truth.RealisedConversionRate, 1e-12)
			})

			created := map[string]time.Time{}
			prev := time.Time{}
			for _, r := range leadsF.rows {
				ts := parseTime(t, leadsF.get(r, "created_at"))
				assert.False(t, ts.Before(prev), "ids increase with creation time")
				prev = ts
				created[r[0]] = ts
				assert.False(t, ts.Before(DefaultStart))
				assert.True(t, ts.Before(DefaultStart.AddDate(1, 0, 0)))
			}
			converted := map[string]time.Time{}
			for _, r := range outcomes.rows {
				ts := parseTime(t, r[1])
				c, ok := created[r[0]]
				require.True(t, ok, r[0])
				assert.True(t, ts.After(c), "converted_at after created_at for %s", r[0])
				assert.True(t, ts.Before(c.Add(HorizonDays*24*time.Hour)))
				assert.Positive(t, parseNum(t, r[2]), "amount")
				converted[r[0]] = ts
			}

			t.Run("events follow creation and stop emailing after conversion", func(t *testing.T) {
				validType := map[string]bool{}
				for _, n := range eventTypeNames {
					validType[n] = true
				}
				validPage := map[string]bool{}
				for _, n := range pageNames {
					validPage[n] = true
				}
				validChannel := map[string]bool{}
				for _, n := range channelNames {
					validChannel[n] = true
				}
				var lastID string
				var lastTS time.Time
				for _, r := range events.rows {
					id, typ, page, ch := r[0], r[2], r[3], r[4]
					ts := parseTime(t, r[1])
					c := created[id]
					require.True(t, ts.After(c), "event of %s at %s not after creation %s", id, ts, c)
					require.True(t, ts.Before(c.Add(HorizonDays*24*time.Hour)))
					if id == lastID {
						require.False(t, ts.Before(lastTS), "events ordered by time within a lead")
					} else {
						require.Greater(t, id, lastID, "events ordered by lead")
					}
					lastID, lastTS = id, ts
					require.True(t, validType[typ], typ)
					require.True(t, validPage[page], page)
					require.True(t, validChannel[ch], ch)
					require.Equal(t, typ == "page_view", page != "", "page only on page_view")
					if conv, ok := converted[id]; ok && ts.After(conv) {
						require.NotEqual(t, "email", ch, "no email after conversion")
					}
				}
			})

			t.Run("flat label agrees with outcomes", func(t *testing.T) {
				inFlat := map[string]bool{}
				for _, r := range flat.rows {
					id := r[0]
					inFlat[id] = true
					c := created[id]
					conv, ok := converted[id]
					want := ok && !conv.Before(c.Add(ScoreDay*24*time.Hour)) && conv.Before(c.Add((ScoreDay+WindowDays)*24*time.Hour))
					assert.Equal(t, map[bool]string{true: "1", false: "0"}[want], flat.get(r, "converted"), id)
					for _, yn := range []string{"unsubscribed", "newsletter_signup", "free_trial_signup", "demo_requested"} {
						assert.Contains(t, []string{"yes", "no"}, flat.get(r, yn))
					}
				}
				for id, conv := range converted {
					if conv.Before(created[id].Add(ScoreDay * 24 * time.Hour)) {
						assert.False(t, inFlat[id], "early converter %s is not in the flat file", id)
					}
				}
				assert.Equal(t, truth.Counts.FlatRows, len(flat.rows))
			})

			t.Run("truth probabilities", func(t *testing.T) {
				p := map[string]string{}
				for _, r := range probs.rows {
					p[r[0]] = r[1]
				}
				// Missing exactly for early converters; the mean over the flat
				// population matches its realised label rate.
				var sumP float64
				var label rate
				var top, bottom rate
				for _, r := range flat.rows {
					v := parseNum(t, p[r[0]])
					require.True(t, v >= 0 && v <= 1)
					sumP += v
					conv := flat.get(r, "converted") == "1"
					label.add(conv)
					if v > 0.3 {
						top.add(conv)
					} else if v < 0.05 {
						bottom.add(conv)
					}
				}
				assert.InDelta(t, label.value(), sumP/float64(label.n), 0.02)
				assert.Greater(t, top.value(), 3*bottom.value(), "high true probability converts far more")
				for id, conv := range converted {
					if conv.Before(created[id].Add(ScoreDay * 24 * time.Hour)) {
						assert.Equal(t, "", p[id])
					}
				}
			})

			t.Run("effect directions match truth.json", func(t *testing.T) {
				coef := func(name string) float64 {
					v, ok := truth.Coefficient(name)
					require.True(t, ok, name)
					return v
				}
				type contrast struct {
					name       string
					sign       float64 // sign of the truth coefficient
					group      func(row []string) (in, ok bool)
					coefficent string
				}
				atLeast1 := func(col string) func([]string) (bool, bool) {
					return func(r []string) (bool, bool) { return flat.get(r, col) != "0", true }
				}
				cs := []contrast{
					{"pricing page viewers convert more", 1, atLeast1("pricing_page_views"), "behaviour.pricing_log1p"},
					{"form submitters convert more", 1, atLeast1("form_submits"), "behaviour.form_submits_log1p"},
					{"unsubscribers convert less", -1, func(r []string) (bool, bool) { return flat.get(r, "unsubscribed") == "yes", true }, "behaviour.unsubscribed"},
					{"careers page viewers convert less", -1, atLeast1("careers_page_views"), "behaviour.careers_log1p"},
				}
				if profile == ProfileB2B {
					senior := func(r []string) (bool, bool) {
						s := flat.get(r, "seniority")
						return s == "director" || s == "vp" || s == "c_level", true
					}
					cs = append(cs, contrast{"senior titles convert more", 1, senior, "behaviour.pricing_x_senior_log1p"})
					assert.Greater(t, coef("seniority=vp"), coef("seniority=individual_contributor"))
				} else {
					student := func(r []string) (bool, bool) { return flat.get(r, "occupation") == "student", true }
					cs = append(cs, contrast{"students convert less", -1, student, "occupation=student"})
				}
				for _, c := range cs {
					require.Equal(t, c.sign, math.Copysign(1, coef(c.coefficent)), c.coefficent)
					var in, out rate
					for _, r := range flat.rows {
						g, ok := c.group(r)
						if !ok {
							continue
						}
						conv := flat.get(r, "converted") == "1"
						if g {
							in.add(conv)
						} else {
							out.add(conv)
						}
					}
					require.Positive(t, in.n, c.name)
					assert.Equal(t, c.sign, math.Copysign(1, in.value()-out.value()), "%s: %.3f (n=%d) vs %.3f (n=%d)", c.name, in.value(), in.n, out.value(), out.n)
				}
			})

			t.Run("readable by datasets.ReadFile", func(t *testing.T) {
				tab, _, err := datasets.ReadFile(filepath.Join(dir, "leads_flat.csv"), datasets.ReadOptions{})
				require.NoError(t, err)
				assert.Equal(t, sum.FlatRows, tab.Rows())
				assert.Equal(t, names(FlatSchema(profile)), tab.Names())
			})
		})
	}
}

func readAll(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	out := map[string][]byte{}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		require.NoError(t, err)
		out[e.Name()] = b
	}
	return out
}

func TestGenerateDeterministic(t *testing.T) {
	for _, format := range []string{datasets.FormatCSV, datasets.FormatParquet} {
		t.Run(format, func(t *testing.T) {
			run := func(seed int64, workers int) map[string][]byte {
				dir := t.TempDir()
				_, err := Generate(Config{Profile: ProfileB2B, Leads: 2000, Seed: seed, Format: format, Flat: true, Workers: workers}, dir, nil)
				require.NoError(t, err)
				return readAll(t, dir)
			}
			a, b, c := run(7, 1), run(7, 3), run(8, 2)
			want := []string{"events." + format, "leads." + format, "leads_flat." + format, "outcomes." + format, "truth.json", "truth_probabilities." + format}
			for _, name := range want {
				require.Contains(t, a, name)
				assert.True(t, bytes.Equal(a[name], b[name]), "%s differs between two runs with the same seed", name)
				assert.False(t, bytes.Equal(a[name], c[name]), "%s is the same for a different seed", name)
			}
			assert.Len(t, a, len(want), "no temporary files left")
		})
	}
}

func TestGenerateParquetReadable(t *testing.T) {
	dir := t.TempDir()
	sum, err := Generate(Config{Profile: ProfileB2C, Leads: 500, Seed: 3, Format: datasets.FormatParquet}, dir, nil)
	require.NoError(t, err)
	for name, rows := range map[string]int{"leads": 500, "events": int(sum.Events), "outcomes": sum.Conversions, "truth_probabilities": 500} {
		tab, _, err := datasets.ReadFile(filepath.Join(dir, name+".parquet"), datasets.ReadOptions{})
		require.NoError(t, err, name)
		assert.Equal(t, rows, tab.Rows(), name)
	}
	tab, _, err := datasets.ReadFile(filepath.Join(dir, "events.parquet"), datasets.ReadOptions{})
	require.NoError(t, err)
	ts, err := tab.MustCol("timestamp")
	require.NoError(t, err)
	assert.Equal(t, datasets.KindTime, ts.Kind)
}

func TestConversionRateTargets(t *testing.T) {
	cases := []struct {
		profile string
		rate    float64
	}{
		{ProfileB2B, 0.03},
		{ProfileB2C, 0.25},
	}
	for _, tc := range cases {
		t.Run(tc.profile, func(t *testing.T) {
			sum, err := Generate(Config{Profile: tc.profile, Leads: 4000, Seed: 11, ConversionRate: tc.rate}, t.TempDir(), nil)
			require.NoError(t, err)
			assert.InDelta(t, tc.rate, sum.ConversionRate, 0.02)
		})
	}
}

func TestConfigErrors(t *testing.T) {
	cases := []struct {
		name string
		cfg  Config
		msg  string
	}{
		{"profile", Config{Profile: "b2x", Leads: 1}, `unknown profile "b2x"`},
		{"no leads", Config{}, "at least 1 lead"},
		{"rate", Config{Leads: 1, ConversionRate: 1.5}, "outside (0, 0.95)"},
		{"format", Config{Leads: 1, Format: "xlsx"}, `unknown format "xlsx"`},
		{"months", Config{Leads: 1, Months: -1}, "positive number of months"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			_, err := Generate(tc.cfg, dir, nil)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.msg)
			entries, _ := os.ReadDir(dir)
			assert.Empty(t, entries)
		})
	}
}

func TestLeadID(t *testing.T) {
	for i, want := range map[int]string{0: "L0000001", 41: "L0000042", 9999999: "L10000000"} {
		assert.Equal(t, want, LeadID(i))
	}
}

func TestCreationSchedule(t *testing.T) {
	cfg, err := Config{Leads: 100000, Months: 12}.withDefaults()
	require.NoError(t, err)
	s := newSchedule(cfg)
	var perMonth [12]int
	var weekend, prev int64
	for i := 0; i < cfg.Leads; i++ {
		c := s.created(i, cfg.Leads, 0.5)
		require.GreaterOrEqual(t, c, prev)
		prev = c
		ts := time.Unix(c, 0).UTC()
		perMonth[ts.Month()-1]++
		if ts.Weekday() == time.Saturday || ts.Weekday() == time.Sunday {
			weekend++
		}
	}
	assert.Greater(t, perMonth[0], perMonth[11], "January is busier than December")
	assert.Less(t, float64(weekend)/float64(cfg.Leads), 2.0/7, "fewer leads at weekends")
}

// BenchmarkGenerate writes a b2b CSV data set with flat file per iteration:
// 20,000 leads, or LEADSCORE_SYNTH_LEADS. For the 1M-lead figure:
//
//	go test -c -o /tmp/synth.test ./datasets/synth/
//	LEADSCORE_SYNTH_LEADS=1000000 LEADSCORE_SYNTH_DIR=/tmp/synth1m /usr/bin/time -v \
//	  /tmp/synth.test -test.run '^$' -test.bench BenchmarkGenerate -test.benchtime 1x
func BenchmarkGenerate(b *testing.B) {
	leads := 20000
	if s := os.Getenv("LEADSCORE_SYNTH_LEADS"); s != "" {
		n, err := strconv.Atoi(s)
		require.NoError(b, err)
		leads = n
	}
	dir := os.Getenv("LEADSCORE_SYNTH_DIR")
	if dir == "" {
		dir = b.TempDir()
	}
	for b.Loop() {
		sum, err := Generate(Config{Profile: ProfileB2B, Leads: leads, Seed: 1, Flat: true}, dir, nil)
		require.NoError(b, err)
		b.ReportMetric(float64(sum.Events), "events")
		b.ReportMetric(float64(sum.Events)/sum.Wall.Seconds(), "events/s")
	}
}

func TestCoefficientsDocumented(t *testing.T) {
	for _, profile := range []string{ProfileB2B, ProfileB2C} {
		seen := map[string]bool{}
		for _, c := range newModel(profile).coefficients() {
			assert.False(t, seen[c.Name], "%s listed twice", c.Name)
			seen[c.Name] = true
			assert.False(t, math.IsNaN(c.Value) || math.IsInf(c.Value, 0), c.Name)
			assert.GreaterOrEqual(t, len(c.Description), 20, "%s needs a sentence", c.Name)
		}
		for _, name := range []string{"intercept", "intent_hazard", "behaviour.pricing_log1p", "behaviour.unsubscribed", "lead_source=referral", "rate.page_view.pricing.intent"} {
			assert.True(t, seen[name], "%s: %s", profile, name)
		}
	}
}
