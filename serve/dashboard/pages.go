package dashboard

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"slices"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/leadscore/leadscore/models"
	"github.com/leadscore/leadscore/serve"
)

// Tier orders of the pages.
var (
	modelTiers = []string{"hot", "warm", "cold"}
	ruleTiers  = []string{"hot", "warm", "cold", "disqualified"}
)

// share is one tier's share of a population.
type share struct {
	Tier string
	// Count is the number of leads in the tier; -1 when the population is
	// a model's recorded quantiles, whose count is no number of leads.
	Count int
	Share float64
	X, W  float64 // the stacked bar's segment, in percent of its width
}

// shares counts tiers in the given order.
func shares(tiers []string, order []string) []share {
	n := map[string]int{}
	for _, t := range tiers {
		n[t]++
	}
	out := make([]share, 0, len(order))
	x := 0.0
	for _, t := range order {
		sh := share{Tier: t, Count: n[t]}
		if len(tiers) > 0 {
			sh.Share = float64(n[t]) / float64(len(tiers))
		}
		sh.X, sh.W = x*100, sh.Share*100
		x += sh.Share
		out = append(out, sh)
	}
	return out
}

// bar is one bar of the score histogram.
type bar struct {
	Score     int
	Count     int
	X, Y, W   float64
	H         float64
	Tier      string
	LabelTick bool
}

// histogramView is a score histogram drawn as inline SVG (viewBox units),
// with a y-axis left of the bars (Left units wide).
type histogramView struct {
	Bars   []bar
	Width  float64
	Height float64
	Left   float64
	MaxY   int
	Lo, Hi int
	// YTicks label the y-axis; YLabel says what it counts.
	YTicks []yTick
	YLabel string
}

// yTick is one labelled line of a histogram's y-axis.
type yTick struct {
	Y     float64
	Label string
}

// histogram bins scores 1-99 by value over the range they span. With
// asShare the y-axis shows each bar's share of the population in percent
// (for a model's recorded quantiles, which are not leads), else a count of
// leads.
func histogram(scores []int, tiers []string, asShare bool) *histogramView {
	if len(scores) == 0 {
		return nil
	}
	counts := make([]int, 100)
	tierOf := make([]string, 100)
	lo, hi := 99, 1
	for i, s := range scores {
		counts[s]++
		if tierOf[s] == "" || tierRank(tiers[i]) > tierRank(tierOf[s]) {
			tierOf[s] = tiers[i]
		}
		lo, hi = min(lo, s), max(hi, s)
	}
	maxC := slices.Max(counts)
	h := &histogramView{Width: 600, Height: 160, Left: 44, MaxY: maxC, Lo: lo, Hi: hi, YLabel: "leads"}
	if asShare {
		h.YLabel = "% of leads"
	}
	plot := h.Height - 20
	for _, f := range []float64{0, 0.5, 1} {
		c := f * float64(maxC)
		label := strconv.Itoa(int(math.Round(c)))
		if asShare {
			label = strconv.FormatFloat(c/float64(len(scores))*100, 'f', 1, 64) + "%"
		}
		h.YTicks = append(h.YTicks, yTick{Y: plot - f*plot, Label: label})
	}
	n := hi - lo + 1
	w := (h.Width - h.Left) / float64(n)
	step := max(1, n/10)
	for s := lo; s <= hi; s++ {
		bh := 0.0
		if maxC > 0 {
			bh = float64(counts[s]) / float64(maxC) * (h.Height - 20)
		}
		h.Bars = append(h.Bars, bar{Score: s, Count: counts[s], X: h.Left + float64(s-lo)*w, W: max(w-1, 0.5),
			H: bh, Y: h.Height - 20 - bh, Tier: tierOf[s], LabelTick: (s-lo)%step == 0})
	}
	return h
}

func tierRank(t string) int {
	switch t {
	case "hot":
		return 3
	case "warm":
		return 2
	case "cold":
		return 1
	}
	return 0
}

// populationScores maps the champion's training-population quantiles (the
// 1001 calibrated probabilities of scoring.json) to scores and tiers with
// models.ScoreOf and Scoring.Tier, the functions every served lead goes
// through.
func populationScores(b *models.Bundle) ([]int, []string) {
	sc := &b.Scoring
	q := sc.Population[sc.Champion]
	scores, tiers := make([]int, len(q)), make([]string, len(q))
	for i, p := range q {
		scores[i], tiers[i] = models.ScoreOf(p), sc.Tier(p)
	}
	return scores, tiers
}

// metricRow is one held-out metric for every model.
type metricRow struct {
	Name   string
	Values []string
}

// overviewView is the overview page's data.
type overviewView struct {
	Info         *serve.ModelInfo
	Refused      []serve.Refusal
	Rows         []kv
	Models       []string
	Metrics      []metricRow
	Split        string
	Thresholds   string
	Hist         *histogramView
	TrainTiers   []share
	TrainLeads   int // leads in the training data, 0 when not recorded
	Batch        *batch
	BatchModel   []share
	BatchRules   []share
	BatchHist    *histogramView
	Matrix       *matrixView
	Report       *serve.ReportEntry
	LastRun      *serve.RunStatus
	ReportsError bool
}

// kv is one labelled value.
type kv struct {
	Key   string
	Value string
}

// trainingReport is the part of report.json the overview shows.
type trainingReport struct {
	Metrics map[string]map[string]json.RawMessage `json:"metrics"`
	Split   struct {
		Method string `json:"method"`
	} `json:"split"`
	Tiers struct {
		Hot  float64 `json:"hot_probability"`
		Warm float64 `json:"warm_probability"`
	} `json:"tiers"`
	ChampionReason string `json:"champion_reason"`
}

var metricNames = []struct{ key, label string }{
	{"roc_auc", "ROC AUC"}, {"pr_auc", "PR AUC"}, {"log_loss", "log loss"}, {"brier", "Brier score"},
	{"ece", "calibration error (ECE)"}, {"lift_10", "lift in top 10%"}, {"precision_10", "precision in top 10%"},
	{"recall_10", "recall in top 10%"}, {"n", "held-out rows"}, {"positives", "held-out conversions"},
}

func (d *dashboard) overview(c *gin.Context) {
	v := &overviewView{Refused: d.s.Refusals()}
	if m := d.s.Current(); m != nil {
		info := m.Info()
		v.Info = &info
		for _, k := range []struct{ key, label string }{{"leads", "leads"}, {"examples", "training rows (lead snapshots)"}, {"train", "rows fitted on"}, {"test", "held-out rows"}} {
			if n, ok := info.Rows[k.key]; ok {
				v.Rows = append(v.Rows, kv{k.label, strconv.Itoa(n)})
			}
		}
		var rep trainingReport
		if len(info.Metrics) > 0 && json.Unmarshal(info.Metrics, &rep) == nil {
			for _, m := range []string{models.Rules, models.Logistic, models.GBM} {
				if _, ok := rep.Metrics[m]; ok {
					v.Models = append(v.Models, m)
				}
			}
			for _, mn := range metricNames {
				row := metricRow{Name: mn.label}
				for _, m := range v.Models {
					row.Values = append(row.Values, metricText(rep.Metrics[m][mn.key]))
				}
				v.Metrics = append(v.Metrics, row)
			}
			v.Split = rep.Split.Method
			if rep.ChampionReason != "" {
				v.Rows = append(v.Rows, kv{"champion chosen for", rep.ChampionReason})
			}
			if rep.Tiers.Hot > 0 {
				v.Thresholds = fmt.Sprintf("hot from %.1f%%, warm from %.1f%% conversion probability", rep.Tiers.Hot*100, rep.Tiers.Warm*100)
			}
		}
		if b := m.Bundle(); b != nil {
			scores, tiers := populationScores(b)
			// The recorded population is 1001 quantiles, not leads: shares
			// only, no counts that would not add up to the training leads.
			v.Hist = histogram(scores, tiers, true)
			if len(tiers) > 0 {
				v.TrainTiers = shares(tiers, modelTiers)
				for i := range v.TrainTiers {
					v.TrainTiers[i].Count = -1
				}
				v.TrainLeads = b.Manifest.Rows["leads"]
			}
		}
	}
	if m := d.s.Current(); m != nil {
		if b := m.Bundle(); b != nil {
			v.Matrix = newMatrixView(b, d.lastBatch())
		}
	}
	if b := d.lastBatch(); b != nil {
		v.Batch = b
		mt, rt := b.tiers()
		v.BatchModel = shares(mt, modelTiers)
		if len(rt) > 0 {
			v.BatchRules = shares(rt, ruleTiers)
		}
		v.BatchHist = histogram(b.scores(), mt, false)
	}
	if src := d.cfg.Reports; src != nil {
		list, err := src.Reports()
		if err != nil {
			d.log.Error("list reports", "request_id", serve.RequestID(c), "err", err)
			v.ReportsError = true
		} else {
			for i := range list {
				if v.Report == nil || list[i].CreatedAt.After(v.Report.CreatedAt) {
					v.Report = &list[i]
				}
			}
		}
		v.LastRun = src.LastRun()
	}
	d.render(c, http.StatusOK, "overview", "Overview", "overview", v)
}

// metricText formats one report.json metric (a number, or absent).
func metricText(raw json.RawMessage) string {
	var x float64
	if len(raw) == 0 || json.Unmarshal(raw, &x) != nil {
		return "–"
	}
	if x == float64(int64(x)) && (x > 1 || x == 0) {
		return strconv.FormatInt(int64(x), 10)
	}
	return strconv.FormatFloat(x, 'f', 3, 64)
}

// reportsView is the reports page's data.
type reportsView struct {
	Configured bool
	Reports    []serve.ReportEntry
	LastRun    *serve.RunStatus
	Error      bool
}

func (d *dashboard) reportsPage(c *gin.Context) {
	v := &reportsView{}
	if src := d.cfg.Reports; src != nil {
		v.Configured = true
		list, err := src.Reports()
		if err != nil {
			d.log.Error("list reports", "request_id", serve.RequestID(c), "err", err)
			v.Error = true
		}
		v.Reports = list
		slices.SortStableFunc(v.Reports, func(a, b serve.ReportEntry) int { return b.CreatedAt.Compare(a.CreatedAt) })
		v.LastRun = src.LastRun()
	}
	d.render(c, http.StatusOK, "reports", "Reports", "reports", v)
}

// reportPage shows one report inside the dashboard's layout: its heading
// and summary, and its own HTML in a frame (reportHTML).
func (d *dashboard) reportPage(c *gin.Context) {
	id := c.Param("id")
	var entry *serve.ReportEntry
	if src := d.cfg.Reports; src != nil {
		list, err := src.Reports()
		if err != nil {
			d.log.Error("list reports", "request_id", serve.RequestID(c), "err", err)
			d.message(c, http.StatusInternalServerError, "Reports unavailable", "The reports cannot be listed; see the server log.")
			return
		}
		for i := range list {
			if list[i].ID == id {
				entry = &list[i]
			}
		}
	}
	if entry == nil {
		d.message(c, http.StatusNotFound, "No such report", "There is no report "+id+"; the reports page lists them.")
		return
	}
	d.render(c, http.StatusOK, "report", "Report "+id, "reports", entry)
}

// reportHTML serves a report's own HTML, as GET /reports/{id} does, behind
// the dashboard's cookie instead of a bearer key, for the frame of
// reportPage.
func (d *dashboard) reportHTML(c *gin.Context) {
	id := c.Param("id")
	html, err := serve.ReportHTML(d.cfg.Reports, id)
	if errors.Is(err, serve.ErrNoReport) {
		d.message(c, http.StatusNotFound, "No such report", "There is no report "+id+"; the reports page lists them.")
		return
	}
	if err != nil {
		d.log.Error("read report", "request_id", serve.RequestID(c), "err", err)
		d.message(c, http.StatusInternalServerError, "Reports unavailable", "The reports cannot be listed; see the server log.")
		return
	}
	// The report's own policy, framed by the dashboard only.
	c.Header("Content-Security-Policy", serve.ReportCSP+"; frame-ancestors 'self'")
	c.Data(http.StatusOK, "text/html; charset=utf-8", html)
}

// compareView is the compare page's data: the rules tier x model tier
// cross-tab of the last batch.
type compareView struct {
	Batch      *batch
	NoRules    bool
	ModelTiers []string
	Rows       []crossRow
	ColTotals  []int
	Total      int
	Agree      int
	AgreeShare float64
	// RuleTable is the per-rule table with suggested points of the newest
	// compare report, nil when there is none.
	RuleTable *ruleTable
}

// crossRow is one rule-sheet tier's row of the cross-tab.
type crossRow struct {
	RuleTier string
	Cells    []int
	Total    int
}

func (d *dashboard) comparePage(c *gin.Context) {
	v := &compareView{ModelTiers: modelTiers}
	if b := d.lastBatch(); b != nil {
		*v = crossTab(b)
	}
	v.RuleTable = d.latestRuleTable()
	d.render(c, http.StatusOK, "compare", "Compare", "compare", v)
}

// crossTab counts the batch's scored leads per (rule tier, model tier).
func crossTab(b *batch) compareView {
	v := compareView{Batch: b, ModelTiers: modelTiers, ColTotals: make([]int, len(modelTiers))}
	idx := map[string]int{}
	for i, t := range modelTiers {
		idx[t] = i
	}
	for _, rt := range ruleTiers {
		v.Rows = append(v.Rows, crossRow{RuleTier: rt, Cells: make([]int, len(modelTiers))})
	}
	for _, s := range b.Rows {
		r := s.Result
		if r == nil {
			continue
		}
		if r.Rules == nil {
			v.NoRules = true
			continue
		}
		ri := slices.Index(ruleTiers, r.Rules.Tier)
		mi, ok := idx[r.Tier]
		if ri < 0 || !ok {
			continue
		}
		v.Rows[ri].Cells[mi]++
		v.Rows[ri].Total++
		v.ColTotals[mi]++
		v.Total++
		if r.Rules.Tier == r.Tier {
			v.Agree++
		}
	}
	if v.Total > 0 {
		v.AgreeShare = float64(v.Agree) / float64(v.Total)
	}
	return v
}
