package features

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/leadscore/leadscore/datasets"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestEventAtCutoffBoundary(t *testing.T) {
	cutoff := day(1) // snapshot at created + 1 day
	tests := []struct {
		name   string
		offset time.Duration
		want   float64
	}{
		{"one second before the cutoff counts", -time.Second, 1},
		{"exactly at the cutoff does not count", 0, 0},
		{"one second after the cutoff does not count", time.Second, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			leads := table("leads.csv", catCol("lead_id", "a"), timeCol("created_at", t0))
			events := eventsTable([]ev{{"a", "page_view", "pricing", cutoff.Add(tc.offset)}})
			outcomes := table("outcomes.csv", catCol("lead_id"), timeCol("converted_at"))
			cfg := Config{SnapshotDays: []int{1}, HorizonDays: 10}
			d, err := Build(cfg, Inputs{Leads: leads, Events: events, Outcomes: outcomes, AsOf: day(100)})
			require.NoError(t, err)
			require.Equal(t, 1, d.Rows)
			assert.Equal(t, cutoff, d.Cutoffs[0])
			assert.Equal(t, tc.want, rawValue(t, d, "events:count_1d", 0))
			assert.Equal(t, tc.want, rawValue(t, d, "event:page_view:pricing:count_90d", 0))
			assert.Len(t, d.Lead(0).Events, int(tc.want), "Lead holds only events strictly before the cutoff")
			if tc.want == 1 {
				assert.Equal(t, 1.0/(24*3600), rawValue(t, d, "events:days_since_last", 0))
			} else {
				assert.True(t, math.IsNaN(rawValue(t, d, "events:days_since_last", 0)), "no event yet: days since last is missing")
			}
		})
	}
}

func TestSnapshotsLabelsAndCensoring(t *testing.T) {
	// Snapshots at 1, 7, 14, 30 days; horizon 20 days; AsOf at day 100.
	tests := []struct {
		name                      string
		created                   time.Time
		converted                 time.Time // zero: never
		wantRows, wantPos         int
		wantDropped, wantCensored int
		wantLabels                []float64
	}{
		{"never converts: all negative", day(0), time.Time{}, 4, 0, 0, 0, []float64{0, 0, 0, 0}},
		{"converts on day 3: one positive, three dropped after conversion", day(0), day(3), 1, 1, 3, 0, []float64{1}},
		{"converts on day 25: positive only within the horizon", day(0), day(25), 3, 2, 1, 0, []float64{0, 1, 1}},
		{"converted before the first snapshot: no row", day(0), day(0.5), 0, 0, 4, 0, nil},
		{"young lead: horizons after AsOf are censored, not negative", day(60), time.Time{}, 3, 0, 0, 1, []float64{0, 0, 0}},
		{"lead created after AsOf: all censored", day(120), time.Time{}, 0, 0, 0, 4, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			leads := table("leads.csv", catCol("lead_id", "a"), timeCol("created_at", tc.created))
			var outcomes *datasets.Table
			if tc.converted.IsZero() {
				outcomes = table("outcomes.csv", catCol("lead_id"), timeCol("converted_at"))
			} else {
				outcomes = table("outcomes.csv", catCol("lead_id", "a"), timeCol("converted_at", tc.converted))
			}
			cfg := Config{SnapshotDays: []int{1, 7, 14, 30}, HorizonDays: 20}
			d, err := Build(cfg, Inputs{Leads: leads, Outcomes: outcomes, AsOf: day(100)})
			require.NoError(t, err)
			assert.Equal(t, tc.wantRows, d.Rows)
			assert.Equal(t, tc.wantPos, d.Report.Positives)
			assert.Equal(t, tc.wantDropped, d.Report.DroppedAfterConversion)
			assert.Equal(t, tc.wantCensored, d.Report.Censored)
			assert.Equal(t, len(tc.wantLabels), len(d.Labels))
			for i, y := range tc.wantLabels {
				assert.Equal(t, y, d.Labels[i], "row %d", i)
				assert.Less(t, d.Cutoffs[i].Add(20*24*time.Hour).Compare(day(100)), 1, "labelled rows have a fully elapsed horizon")
			}
		})
	}
}

func TestEndOfDataDefaultsToLatestTimestamp(t *testing.T) {
	// Without AsOf the end of the data is the latest timestamp seen, here an
	// event on day 40: the day-30 snapshot (horizon to day 50) is censored.
	leads := table("leads.csv", catCol("lead_id", "a"), timeCol("created_at", day(0)))
	events := eventsTable([]ev{{"a", "page_view", "blog", day(40)}})
	outcomes := table("outcomes.csv", catCol("lead_id"), timeCol("converted_at"))
	d, err := Build(Config{SnapshotDays: []int{1, 7, 14, 30}, HorizonDays: 20}, Inputs{Leads: leads, Events: events, Outcomes: outcomes})
	require.NoError(t, err)
	assert.Equal(t, day(40), d.Report.AsOf)
	assert.Equal(t, 3, d.Rows)
	assert.Equal(t, 1, d.Report.Censored)
}

func TestEventProblemsAreCounted(t *testing.T) {
	leads := table("leads.csv", catCol("lead_id", "a", "b", "a", ""), timeCol("created_at", day(0), day(1), day(2), day(3)))
	events := eventsTable([]ev{
		{"a", "page_view", "pricing", day(0.5)},
		{"zz", "page_view", "pricing", day(0.5)},
		{"", "page_view", "pricing", day(0.5)},
		{"b", "page_view", "pricing", time.Time{}},
		{"b", "", "", day(1.5)},
	})
	outcomes := table("outcomes.csv", catCol("lead_id", "nobody", "b"), timeCol("converted_at", day(3), time.Time{}))
	d, err := Build(Config{}, Inputs{Leads: leads, Events: events, Outcomes: outcomes, AsOf: day(400)})
	require.NoError(t, err)
	r := d.Report
	assert.Equal(t, 5, r.Events)
	assert.Equal(t, 1, r.EventsUnknownLead)
	assert.Equal(t, 1, r.EventsMissingLeadID)
	assert.Equal(t, 1, r.EventsMissingTimestamp)
	assert.Equal(t, 1, r.EventsMissingType)
	assert.Equal(t, 1, r.DuplicateLeadIDs)
	assert.Equal(t, 1, r.MissingLeadIDs)
	assert.Equal(t, 1, r.OutcomesUnknownLead)
	assert.Equal(t, 1, r.OutcomesMissingTime)
	assert.Equal(t, 2, r.Leads)
	// The typeless event still counts as activity of lead b.
	for i := range d.Rows {
		if d.LeadIDs[i] == "b" && d.Cutoffs[i].After(day(1.5)) {
			assert.Equal(t, 1.0, rawValue(t, d, "events:count_90d", i))
		}
	}
	out, err := json.Marshal(r)
	require.NoError(t, err)
	assert.Contains(t, string(out), `"events_unknown_lead":1`)
}

func TestEventAggregates(t *testing.T) {
	// One lead scored at day 10 with a hand-made history.
	leads := table("leads.csv", catCol("lead_id", "a"), timeCol("created_at", day(0)))
	events := eventsTable([]ev{
		{"a", "email_sent", "", day(1)},
		{"a", "email_sent", "", day(2)},
		{"a", "email_sent", "", day(3)},
		{"a", "email_sent", "", day(4)},
		{"a", "email_open", "", day(4.5)},
		{"a", "email_open", "", day(5)},
		{"a", "email_click", "", day(5.1)},
		{"a", "page_view", "careers", day(6)},
		{"a", "page_view", "pricing", day(9.5)},
		{"a", "page_view", "pricing", day(9.75)},
		{"a", "unsubscribe", "", day(9.9)},
		{"a", "page_view", "pricing", day(11)}, // after the cutoff
	})
	d, err := ScoringDataset(Config{HalfLifeDays: 1}, Inputs{Leads: leads, Events: events}, day(10))
	require.NoError(t, err)
	require.Equal(t, 1, d.Rows)
	tests := []struct {
		feature string
		want    float64
	}{
		{"email:open_rate", 2.0 / 4},
		{"email:click_rate", 1.0 / 2},
		{"signal:unsubscribed", 1},
		{"signal:careers_page", 1},
		{"event:page_view:pricing:count_1d", 2},
		{"event:page_view:pricing:count_7d", 2},
		{"event:page_view:count_30d", 3},
		{"event:page_view:pricing:decayed", math.Pow(2, -0.5) + math.Pow(2, -0.25)},
		{"event:page_view:pricing:days_since_last", 0.25},
		{"events:count_7d", 9}, // from day 3 on
		{"events:count_90d", 11},
		{"events:active_days", 7}, // 24-hour periods back from the cutoff holding an event
		{FeatureLeadAge, 10},
		{"event:channel=:count_1d", math.NaN()},
	}
	for _, tc := range tests {
		t.Run(tc.feature, func(t *testing.T) {
			if math.IsNaN(tc.want) {
				assert.NotContains(t, d.FeatureNames(), tc.feature, "events table without a channel column has no channel features")
				return
			}
			assert.InDelta(t, tc.want, rawValue(t, d, tc.feature, 0), 1e-9)
		})
	}
}

func TestStreamingMatchesSingleTable(t *testing.T) {
	s := genSynth(1, 300, 8)
	in := Inputs{Leads: s.leads, Events: s.events, Outcomes: s.outcomes}
	whole, err := Build(Config{}, in)
	require.NoError(t, err)
	streamed, err := BuildStreaming(Config{}, in, batches(s.events, 97), false)
	require.NoError(t, err)
	require.Equal(t, whole.Rows, streamed.Rows)
	require.Equal(t, whole.Report, streamed.Report)
	assert.Equal(t, 3, whole.Report.EventsUnknownLead)
	names := whole.FeatureNames()
	require.ElementsMatch(t, names, streamed.FeatureNames())
	requireSameNumbers(t, whole, streamed)
	assert.Empty(t, streamed.Lead(0).Events, "streaming without keepEvents stores no events")
}

func TestFlatTargets(t *testing.T) {
	tests := []struct {
		name   string
		target *datasets.Column
		want   []float64
		err    string
	}{
		{"numbers", numCol("y", 0, 1, math.NaN(), 1), []float64{0, 1, 1}, ""},
		{"yes/no", catCol("y", "No", "yes", "", "YES"), []float64{0, 1, 1}, ""},
		{"converted words", catCol("y", "not converted", "Converted", "", "won"), []float64{0, 1, 1}, ""},
		{"booleans", &datasets.Column{Name: "y", Kind: datasets.KindBool, Num: []float64{0, 1, math.NaN(), 1}}, []float64{0, 1, 1}, ""},
		{"bad number", numCol("y", 0, 2, 1, 1), nil, `line 3: target column "y" has value 2`},
		{"bad word", catCol("y", "no", "maybe", "yes", "no"), nil, `"maybe": expected 0/1`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			leads := table("leads.csv", catCol("id", "a", "b", "c", "d"), tc.target)
			d, err := Build(Config{ID: "id", Target: "y"}, Inputs{Leads: leads})
			if tc.err != "" {
				require.ErrorContains(t, err, tc.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, d.Labels)
			assert.Equal(t, 1, d.Report.Unlabeled)
			assert.Equal(t, "flat", d.Report.Mode)
		})
	}
}

func TestBuildErrorsSayHowToFix(t *testing.T) {
	leads := table("leads.csv", catCol("id", "a"))
	_, err := Build(Config{ID: "lead"}, Inputs{Leads: leads, Outcomes: table("o.csv")})
	require.ErrorContains(t, err, `missing required column "lead"`)
	require.ErrorContains(t, err, "set id in leadscore.yaml")
	_, err = Build(Config{ID: "id"}, Inputs{Leads: leads})
	require.ErrorContains(t, err, "set target in leadscore.yaml")
	_, err = Build(Config{ID: "id"}, Inputs{Leads: leads, Outcomes: table("o.csv")})
	require.ErrorContains(t, err, "snapshots need the creation time")
}

func TestLoadConfig(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name, yaml string
		check      func(t *testing.T, c Config)
		err        string
	}{
		{"defaults", "", func(t *testing.T, c Config) {
			assert.Equal(t, DefaultConfig().WithDefaults(), c)
			assert.Empty(t, c.SnapshotDays, "derived from the data by default")
		}, ""},
		{"overrides", "id: Prospect ID\ntarget: Converted\nsnapshot_days: [3]\nevents:\n  type: kind\nmissing_values: [Select]\nallow_leaky: [Tags]\n", func(t *testing.T, c Config) {
			assert.Equal(t, "Prospect ID", c.ID)
			assert.Equal(t, []int{3}, c.SnapshotDays)
			assert.Equal(t, "kind", c.Events.Type)
			assert.Equal(t, "lead_id", c.Events.LeadID)
			assert.Equal(t, []string{"Select"}, c.MissingValues)
			assert.Equal(t, 90, c.HorizonDays)
		}, ""},
		{"typo", "horizon: 30\n", nil, "field horizon not found"},
		{"too many windows", "window_days: [1,2,3,4,5,6,7]\n", nil, "at most 6"},
		{"gbm sampling", "gbm_subsample: 0.6\ngbm_colsample: 1\n", func(t *testing.T, c Config) {
			assert.Equal(t, 0.6, c.GBMSubsample)
			assert.Equal(t, 1.0, c.GBMColSample)
		}, ""},
		{"gbm subsample above 1", "gbm_subsample: 1.5\n", nil, "config gbm_subsample: 1.5"},
		{"negative gbm colsample", "gbm_colsample: -0.5\n", nil, "config gbm_colsample: -0.5"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := filepath.Join(dir, tc.name+".yaml")
			require.NoError(t, os.WriteFile(p, []byte(tc.yaml), 0o600))
			c, err := LoadConfig(p)
			if tc.err != "" {
				require.ErrorContains(t, err, tc.err)
				return
			}
			require.NoError(t, err)
			tc.check(t, c)
		})
	}
}

func TestEventKeysAndLimits(t *testing.T) {
	leads := table("leads.csv", catCol("lead_id", "a"), timeCol("created_at", day(0)), catCol("secret", "x"), numCol("visits", 3))
	events := eventsTable([]ev{
		{"a", "page_view", "pricing", day(0.1)},
		{"a", "Form Submit", "pricing", day(0.2)}, // a page on a non-page-view event: no page key
		{"a", "webinar", "", day(0.3)},
	})
	tests := []struct {
		name     string
		cfg      Config
		keys     []string
		overflow int
	}{
		{"all keys", Config{}, []string{"page_view", "page_view:pricing", "Form Submit", "webinar"}, 0},
		{"limited keys", Config{Events: EventsConfig{MaxKeys: 2}}, []string{"page_view", "page_view:pricing"}, 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.cfg.Exclude = []string{"secret"}
			d, err := ScoringDataset(tc.cfg, Inputs{Leads: leads, Events: events}, day(1))
			require.NoError(t, err)
			assert.ElementsMatch(t, tc.keys, d.keys)
			assert.Equal(t, tc.overflow, d.Report.EventsKeyOverflow)
			assert.Equal(t, 3.0, rawValue(t, d, "events:count_1d", 0), "every event counts as activity")
			assert.NotContains(t, d.FeatureNames(), "secret", "excluded columns are no features")
			assert.Contains(t, d.FeatureNames(), "visits")
			l := d.Lead(0)
			assert.Equal(t, "x", l.Fields["secret"].Str, "the lead record keeps every field for the rules engine")
			require.Len(t, l.Events, 3)
			assert.Equal(t, "Form Submit", l.Events[1].Type)
			assert.Equal(t, map[string]string{"page": "pricing"}, l.Events[1].Attrs)

			// Every event type the rows saw is recorded for the Spec, keyed
			// or not, so the API accepts what training saw.
			assert.Equal(t, []string{"Form Submit", "page_view", "webinar"}, d.trainEventTypes([]int{0}))
		})
	}
}
