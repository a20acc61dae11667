package serve

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/leadscore/leadscore/models"
)

// dashTrainingPopulation is implemented by models that know the calibrated
// probabilities of their training population (the 1001 quantiles of
// scoring.json), scored into 1-99 scores and tiers by the same functions as
// every served lead.
type dashTrainingPopulation interface {
	populationScores() (scores []int, tiers []string)
}

// populationScores maps the champion's training-population quantiles to
// scores and tiers with models.ScoreOf and Scoring.Tier.
func (m *bundleModel) populationScores() ([]int, []string) {
	sc := &m.b.Scoring
	q := sc.Population[sc.Champion]
	scores, tiers := make([]int, len(q)), make([]string, len(q))
	for i, p := range q {
		scores[i], tiers[i] = models.ScoreOf(p), sc.Tier(p)
	}
	return scores, tiers
}

// Tier orders of the pages.
var (
	dashModelTiers = []string{"hot", "warm", "cold"}
	dashRuleTiers  = []string{"hot", "warm", "cold", "disqualified"}
)

// dashShare is one tier's share of a population.
type dashShare struct {
	Tier  string
	Count int
	Share float64
	X, W  float64 // the stacked bar's segment, in percent of its width
}

// shares counts tiers in the given order.
func shares(tiers []string, order []string) []dashShare {
	n := map[string]int{}
	for _, t := range tiers {
		n[t]++
	}
	out := make([]dashShare, 0, len(order))
	x := 0.0
	for _, t := range order {
		sh := dashShare{Tier: t, Count: n[t]}
		if len(tiers) > 0 {
			sh.Share = float64(n[t]) / float64(len(tiers))
		}
		sh.X, sh.W = x*100, sh.Share*100
		x += sh.Share
		out = append(out, sh)
	}
	return out
}

// dashBar is one bar of the score histogram.
type dashBar struct {
	Score     int
	Count     int
	X, Y, W   float64
	H         float64
	Tier      string
	LabelTick bool
}

// dashHistogram is a score histogram drawn as inline SVG (viewBox units).
type dashHistogram struct {
	Bars   []dashBar
	Width  float64
	Height float64
	MaxY   int
	Lo, Hi int
}

// histogram bins scores 1-99 by value over the range they span.
func histogram(scores []int, tiers []string) *dashHistogram {
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
	h := &dashHistogram{Width: 600, Height: 160, MaxY: maxC, Lo: lo, Hi: hi}
	n := hi - lo + 1
	w := h.Width / float64(n)
	step := max(1, n/10)
	for s := lo; s <= hi; s++ {
		bh := 0.0
		if maxC > 0 {
			bh = float64(counts[s]) / float64(maxC) * (h.Height - 20)
		}
		h.Bars = append(h.Bars, dashBar{Score: s, Count: counts[s], X: float64(s-lo) * w, W: max(w-1, 0.5),
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

// dashMetricRow is one held-out metric for every model.
type dashMetricRow struct {
	Name   string
	Values []string
}

// dashOverview is the overview page's data.
type dashOverview struct {
	Info         *ModelInfo
	Refused      []Refusal
	Rows         []dashKV
	Models       []string
	Metrics      []dashMetricRow
	Split        string
	Thresholds   string
	Hist         *dashHistogram
	TrainTiers   []dashShare
	Batch        *dashBatch
	BatchModel   []dashShare
	BatchRules   []dashShare
	BatchHist    *dashHistogram
	Report       *ReportEntry
	LastRun      *RunStatus
	ReportsError bool
}

// dashKV is one labelled value.
type dashKV struct {
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

var dashMetricNames = []struct{ key, label string }{
	{"roc_auc", "ROC AUC"}, {"pr_auc", "PR AUC"}, {"log_loss", "log loss"}, {"brier", "Brier score"},
	{"ece", "calibration error (ECE)"}, {"lift_10", "lift in top 10%"}, {"precision_10", "precision in top 10%"},
	{"recall_10", "recall in top 10%"}, {"n", "held-out rows"}, {"positives", "held-out conversions"},
}

func (d *dashboard) overview(c *gin.Context, csrf string) {
	v := &dashOverview{Refused: d.s.reg.Refusals()}
	if a := d.s.reg.current(); a != nil {
		info := a.model.Info()
		v.Info = &info
		for _, k := range []struct{ key, label string }{{"leads", "leads"}, {"examples", "training rows (lead snapshots)"}, {"train", "rows fitted on"}, {"test", "held-out rows"}} {
			if n, ok := info.Rows[k.key]; ok {
				v.Rows = append(v.Rows, dashKV{k.label, strconv.Itoa(n)})
			}
		}
		var rep trainingReport
		if len(info.Metrics) > 0 && json.Unmarshal(info.Metrics, &rep) == nil {
			for _, m := range []string{models.Rules, models.Logistic, models.GBM} {
				if _, ok := rep.Metrics[m]; ok {
					v.Models = append(v.Models, m)
				}
			}
			for _, mn := range dashMetricNames {
				row := dashMetricRow{Name: mn.label}
				for _, m := range v.Models {
					row.Values = append(row.Values, metricText(rep.Metrics[m][mn.key]))
				}
				v.Metrics = append(v.Metrics, row)
			}
			v.Split = rep.Split.Method
			if rep.ChampionReason != "" {
				v.Rows = append(v.Rows, dashKV{"champion chosen for", rep.ChampionReason})
			}
			if rep.Tiers.Hot > 0 {
				v.Thresholds = fmt.Sprintf("hot from %.1f%%, warm from %.1f%% conversion probability", rep.Tiers.Hot*100, rep.Tiers.Warm*100)
			}
		}
		if pop, ok := a.model.(dashTrainingPopulation); ok {
			scores, tiers := pop.populationScores()
			v.Hist = histogram(scores, tiers)
			if len(tiers) > 0 {
				v.TrainTiers = shares(tiers, dashModelTiers)
			}
		}
	}
	if b := d.lastBatch(); b != nil {
		v.Batch = b
		mt, rt := batchTiers(b)
		v.BatchModel = shares(mt, dashModelTiers)
		if len(rt) > 0 {
			v.BatchRules = shares(rt, dashRuleTiers)
		}
		scores := make([]int, len(b.Leads))
		for i, r := range b.Leads {
			scores[i] = r.Score
		}
		v.BatchHist = histogram(scores, mt)
	}
	if src := d.s.cfg.Reports; src != nil {
		list, err := src.Reports()
		if err != nil {
			d.s.log.Error("list reports", "err", err)
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
	d.render(c, http.StatusOK, "overview", "Overview", "overview", csrf, v)
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

// batchTiers returns the model and rule-sheet tiers of a batch (rules empty
// when the bundle has no rule sheet).
func batchTiers(b *dashBatch) (model, rules []string) {
	for _, r := range b.Leads {
		model = append(model, r.Tier)
		if r.Rules != nil {
			rules = append(rules, r.Rules.Tier)
		}
	}
	return model, rules
}

// dashField is one input of the score form.
type dashField struct {
	ID       string
	Name     string
	Kind     string
	Values   []string
	Value    string
	Required bool
}

// dashEventRow is one event input row of the score form.
type dashEventRow struct {
	Index   int
	Type    string
	DaysAgo string
	Attrs   string
}

// dashScoreView is the score page's data.
type dashScoreView struct {
	Version    string
	Fields     []dashField
	EventTypes []string
	Events     []dashEventRow
	LeadID     string
	AsOf       string
	Error      string
	Lead       *dashLeadView
	MaxLeads   int
}

const dashEventRows = 5

func (d *dashboard) scorePage(c *gin.Context, csrf string) {
	a := d.s.reg.current()
	if a == nil {
		d.message(c, csrf, http.StatusServiceUnavailable, "No model yet", "No loadable model bundle is in "+d.s.cfg.ModelsDir+"; see /readyz.")
		return
	}
	r := c.Request
	post := r.Method == http.MethodPost
	sc := a.model.Schema()
	v := &dashScoreView{Version: a.version, EventTypes: sc.EventTypes, LeadID: "dashboard-lead", MaxLeads: d.s.cfg.MaxBatchLeads}
	specs := slices.Clone(sc.Fields)
	if sc.CreatedField != "" && !slices.ContainsFunc(specs, func(f FieldSpec) bool { return f.Name == sc.CreatedField }) {
		specs = append([]FieldSpec{{Name: sc.CreatedField, Kind: KindTimestamp}}, specs...)
	}
	fields := map[string]string{}
	for i, f := range specs {
		df := dashField{ID: "f" + strconv.Itoa(i), Name: f.Name, Kind: f.Kind, Values: f.Values, Required: f.Required}
		if post {
			df.Value = strings.TrimSpace(r.PostFormValue(df.ID))
			if df.Value != "" {
				fields[f.Name] = formTime(f.Kind, df.Value)
			}
		}
		v.Fields = append(v.Fields, df)
	}
	for i := range dashEventRows {
		ev := dashEventRow{Index: i}
		if post {
			p := "e" + strconv.Itoa(i)
			ev.Type, ev.DaysAgo, ev.Attrs = r.PostFormValue(p+"type"), strings.TrimSpace(r.PostFormValue(p+"days")), strings.TrimSpace(r.PostFormValue(p+"attrs"))
		}
		v.Events = append(v.Events, ev)
	}
	if !post {
		d.render(c, http.StatusOK, "score", "Score a lead", "score", csrf, v)
		return
	}
	v.LeadID = strings.TrimSpace(r.PostFormValue("lead_id"))
	v.AsOf = strings.TrimSpace(r.PostFormValue("as_of"))
	body, err := formLead(v, fields, d.s.cfg.Now())
	if err == nil {
		res, aerr := d.scoreLead(a, body)
		if aerr != nil {
			err = errors.New(apiErrorText(aerr))
		} else {
			v.Lead = newLeadView(res)
		}
	}
	status := http.StatusOK
	if err != nil {
		v.Error, status = err.Error(), http.StatusUnprocessableEntity
	}
	d.render(c, status, "score", "Score a lead", "score", csrf, v)
}

// apiErrorText is an API error as one line: the field, then the message.
func apiErrorText(e *APIError) string {
	if e.Field != "" {
		return e.Field + ": " + e.Message
	}
	return e.Message
}

// formTime turns a datetime-local value (2025-05-01T10:00) into RFC 3339
// UTC; other values pass unchanged for the API decoder to check.
func formTime(kind, v string) string {
	if kind != KindTimestamp {
		return v
	}
	for _, layout := range []string{"2006-01-02T15:04", "2006-01-02T15:04:05"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t.UTC().Format(time.RFC3339)
		}
	}
	return v
}

// apiLead is the POST /v1/score body the dashboard builds.
type apiLead struct {
	LeadID string              `json:"lead_id,omitempty"`
	AsOf   string              `json:"as_of,omitempty"`
	Fields map[string]string   `json:"fields"`
	Events []map[string]string `json:"events,omitempty"`
}

// formLead builds the API request of the score form.
func formLead(v *dashScoreView, fields map[string]string, now time.Time) ([]byte, error) {
	l := apiLead{LeadID: v.LeadID, Fields: fields}
	asOf := now.UTC()
	if v.AsOf != "" {
		l.AsOf = formTime(KindTimestamp, v.AsOf)
		t, ok := parseTime(l.AsOf)
		if !ok {
			return nil, fmt.Errorf("as of: %q is not a time; use 2025-05-01T10:00", v.AsOf)
		}
		asOf = t
	}
	for _, ev := range v.Events {
		if ev.Type == "" {
			continue
		}
		days := 0.0
		if ev.DaysAgo != "" {
			var err error
			if days, err = strconv.ParseFloat(ev.DaysAgo, 64); err != nil || days < 0 {
				return nil, fmt.Errorf("event %d: days ago %q is not a number of days (0 or more)", ev.Index+1, ev.DaysAgo)
			}
		}
		e := map[string]string{"type": ev.Type, "timestamp": asOf.Add(-time.Duration(days * float64(24*time.Hour))).Add(-time.Second).Format(time.RFC3339)}
		for _, kv := range strings.FieldsFunc(ev.Attrs, func(r rune) bool { return r == ',' || r == ' ' || r == ';' }) {
			k, val, ok := strings.Cut(kv, "=")
			if !ok || k == "" || k == "type" || k == "timestamp" {
				return nil, fmt.Errorf("event %d: attribute %q: write name=value, e.g. page=pricing", ev.Index+1, kv)
			}
			e[k] = val
		}
		l.Events = append(l.Events, e)
	}
	return json.Marshal(l)
}

// upload scores every row of an uploaded CSV file (header: lead_id, an
// optional as_of and field names) as the last batch.
func (d *dashboard) upload(c *gin.Context, csrf string) {
	a := d.s.reg.current()
	if a == nil {
		d.message(c, csrf, http.StatusServiceUnavailable, "No model yet", "No loadable model bundle is in "+d.s.cfg.ModelsDir+"; see /readyz.")
		return
	}
	f, _, err := c.Request.FormFile("file")
	if err != nil {
		d.message(c, csrf, http.StatusBadRequest, "No file", "Choose a CSV file to upload.")
		return
	}
	defer f.Close()
	b, err := d.scoreCSV(a, f)
	if err != nil {
		d.message(c, csrf, http.StatusUnprocessableEntity, "The CSV file cannot be scored", err.Error())
		return
	}
	d.s.log.Info("dashboard batch scored", "request_id", c.GetString(keyRequestID), "version", b.Version, "leads", len(b.Leads), "errors", len(b.Errors))
	c.Set(keyLeads, len(b.Leads)+len(b.Errors))
	d.mu.Lock()
	d.batch = b
	d.mu.Unlock()
	c.Redirect(http.StatusSeeOther, "/ui/batch")
}

// scoreCSV scores each CSV row through the API's scoring path.
func (d *dashboard) scoreCSV(a *active, r io.Reader) (*dashBatch, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err == io.EOF {
		return nil, errors.New("the file is empty; the first line must name the columns (lead_id and the model's fields)")
	}
	if err != nil {
		return nil, fmt.Errorf("read the header: %v", err)
	}
	if len(header) > 0 {
		header[0] = strings.TrimPrefix(header[0], "\ufeff")
	}
	idCol, asOfCol := -1, -1
	for i, h := range header {
		header[i] = strings.TrimSpace(h)
		switch header[i] {
		case "lead_id":
			idCol = i
		case "as_of":
			asOfCol = i
		}
	}
	b := &dashBatch{At: d.s.cfg.Now().UTC(), Version: a.version}
	for row := 2; ; row++ {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("line %d: %v", row, err)
		}
		if len(b.Leads)+len(b.Errors) >= d.s.cfg.MaxBatchLeads {
			return nil, fmt.Errorf("more than %d leads; split the file", d.s.cfg.MaxBatchLeads)
		}
		if len(rec) != len(header) {
			b.Errors = append(b.Errors, dashRowError{Row: row, Message: fmt.Sprintf("%d values for %d columns", len(rec), len(header))})
			continue
		}
		l := apiLead{Fields: map[string]string{}}
		for i, val := range rec {
			val = strings.TrimSpace(val)
			switch {
			case i == idCol:
				l.LeadID = val
			case i == asOfCol:
				l.AsOf = val
			case val != "":
				l.Fields[header[i]] = val
			}
		}
		if l.LeadID == "" {
			l.LeadID = "row " + strconv.Itoa(row)
		}
		body, err := json.Marshal(l)
		if err != nil {
			return nil, err
		}
		res, aerr := d.scoreLead(a, body)
		if aerr != nil {
			b.Errors = append(b.Errors, dashRowError{Row: row, LeadID: l.LeadID, Message: apiErrorText(aerr)})
			continue
		}
		b.Leads = append(b.Leads, res)
	}
	return b, nil
}

// dashBatchView is the batch page's data.
type dashBatchView struct {
	Batch *dashBatch
	Shown []*models.Result
	More  int
}

// dashBatchShown bounds the rows the batch page lists.
const dashBatchShown = 1000

func (d *dashboard) batchPage(c *gin.Context, csrf string) {
	v := &dashBatchView{Batch: d.lastBatch()}
	if v.Batch != nil {
		v.Shown = v.Batch.Leads[:min(len(v.Batch.Leads), dashBatchShown)]
		v.More = len(v.Batch.Leads) - len(v.Shown)
	}
	d.render(c, http.StatusOK, "batch", "Last batch", "batch", csrf, v)
}

func (d *dashboard) leadPage(c *gin.Context, csrf, idx string) {
	b := d.lastBatch()
	i, err := strconv.Atoi(idx)
	if b == nil || err != nil || i < 0 || i >= len(b.Leads) {
		d.message(c, csrf, http.StatusNotFound, "No such lead", "The last batch has no lead number "+idx+"; upload a CSV on the score page.")
		return
	}
	d.render(c, http.StatusOK, "lead", "Lead "+b.Leads[i].LeadID, "batch", csrf, newLeadView(b.Leads[i]))
}

// dashReportsView is the reports page's data.
type dashReportsView struct {
	Configured bool
	Reports    []ReportEntry
	LastRun    *RunStatus
	Error      bool
}

func (d *dashboard) reportsPage(c *gin.Context, csrf string) {
	v := &dashReportsView{}
	if src := d.s.cfg.Reports; src != nil {
		v.Configured = true
		list, err := src.Reports()
		if err != nil {
			d.s.log.Error("list reports", "err", err)
			v.Error = true
		}
		v.Reports = list
		slices.SortStableFunc(v.Reports, func(a, b ReportEntry) int { return b.CreatedAt.Compare(a.CreatedAt) })
		v.LastRun = src.LastRun()
	}
	d.render(c, http.StatusOK, "reports", "Reports", "reports", csrf, v)
}

// dashCompareView is the compare page's data: the rules tier x model tier
// cross-tab of the last batch.
type dashCompareView struct {
	Batch      *dashBatch
	NoRules    bool
	ModelTiers []string
	Rows       []dashCrossRow
	ColTotals  []int
	Total      int
	Agree      int
	AgreeShare float64
	// RuleTable is the per-rule table with suggested points of the newest
	// compare report, nil when there is none.
	RuleTable *dashRuleTable
}

// dashCrossRow is one rule-sheet tier's row of the cross-tab.
type dashCrossRow struct {
	RuleTier string
	Cells    []int
	Total    int
}

func (d *dashboard) comparePage(c *gin.Context, csrf string) {
	v := &dashCompareView{Batch: d.lastBatch(), ModelTiers: dashModelTiers}
	if v.Batch != nil {
		*v = crossTab(v.Batch)
	}
	v.RuleTable = d.latestRuleTable()
	d.render(c, http.StatusOK, "compare", "Compare", "compare", csrf, v)
}

// crossTab counts the batch's leads per (rule tier, model tier).
func crossTab(b *dashBatch) dashCompareView {
	v := dashCompareView{Batch: b, ModelTiers: dashModelTiers, ColTotals: make([]int, len(dashModelTiers))}
	idx := map[string]int{}
	for i, t := range dashModelTiers {
		idx[t] = i
	}
	for _, rt := range dashRuleTiers {
		v.Rows = append(v.Rows, dashCrossRow{RuleTier: rt, Cells: make([]int, len(dashModelTiers))})
	}
	for _, r := range b.Leads {
		if r.Rules == nil {
			v.NoRules = true
			continue
		}
		ri := slices.Index(dashRuleTiers, r.Rules.Tier)
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
