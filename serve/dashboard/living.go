package dashboard

import (
	"errors"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/leadscore/leadscore/models"
	"github.com/leadscore/leadscore/serve"
	"github.com/leadscore/leadscore/serve/monitor"
	"github.com/leadscore/leadscore/serve/webhook"
)

// The pages of scores over time: monitoring, webhooks, model history.

// num formats a figure with digits decimals, "–" when undefined.
func num(x float64, digits int) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return "–"
	}
	return strconv.FormatFloat(x, 'f', digits, 64)
}

// pctOrDash is pctText, "–" when undefined.
func pctOrDash(x float64) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return "–"
	}
	return pctText(x)
}

// monitoringView is the monitoring page.
type monitoringView struct {
	Enabled bool
	At      time.Time
	Error   string
	Alerts  []monitor.Alert
	Series  []seriesView
}

// seriesView is one series: its figures, a calibration chart and a tier
// chart.
type seriesView struct {
	ID, Title       string
	N, Conversions  int
	AUC, AUCHeld    string
	ECE, ECEHeld    string
	Top10           string
	Alerts          []monitor.Alert
	Calibration     *calibrationChart
	Tiers           []tierBar
	MQL             string
	MQLN            int
	TierChartHeight float64
}

// calibrationChart is a reliability diagram as inline SVG: one point per
// decile at (mean issued probability, realised conversion), on [0, Max]
// in both axes, with the diagonal of perfect calibration.
type calibrationChart struct {
	Size, Pad float64
	Max       string
	Points    []calPoint
	Path      string
}

type calPoint struct {
	X, Y                float64
	Decile, N           int
	Predicted, Observed string
}

// tierBar is one tier's conversion rate as a horizontal bar.
type tierBar struct {
	Tier       string
	N          int
	Rate       string
	Y, W       float64
	TextY      float64
	TextX      float64
	HasLeads   bool
	RawRate    float64
	Conversion int
}

func calibration(bins []monitor.Bin) *calibrationChart {
	if len(bins) == 0 {
		return nil
	}
	top := 0.0
	for _, b := range bins {
		if b.N > 0 {
			top = math.Max(top, math.Max(b.Predicted, b.Observed))
		}
	}
	top = math.Min(1, math.Ceil(top*10+1e-9)/10)
	if top <= 0 {
		top = 0.1
	}
	c := &calibrationChart{Size: 260, Pad: 30, Max: pctText(top)}
	span := c.Size - 2*c.Pad
	for _, b := range bins {
		if b.N == 0 {
			continue
		}
		p := calPoint{X: c.Pad + b.Predicted/top*span, Y: c.Size - c.Pad - b.Observed/top*span, Decile: b.Decile, N: b.N,
			Predicted: pctText(b.Predicted), Observed: pctText(b.Observed)}
		if c.Path == "" {
			c.Path = "M"
		} else {
			c.Path += " L"
		}
		c.Path += num(p.X, 1) + " " + num(p.Y, 1)
		c.Points = append(c.Points, p)
	}
	return c
}

func tierBars(rates []monitor.Rate) []tierBar {
	top := 0.0
	for _, r := range rates {
		if !math.IsNaN(r.Rate) {
			top = math.Max(top, r.Rate)
		}
	}
	var out []tierBar
	for i, r := range rates {
		b := tierBar{Tier: r.Group, N: r.N, Rate: pctOrDash(r.Rate), Y: float64(i)*26 + 4, TextY: float64(i)*26 + 19, HasLeads: r.N > 0, RawRate: r.Rate, Conversion: r.Conversions}
		if top > 0 && !math.IsNaN(r.Rate) {
			b.W = r.Rate / top * 300
		}
		b.TextX = 110 + b.W + 6
		out = append(out, b)
	}
	return out
}

func (d *dashboard) monitoringPage(c *gin.Context) {
	m := d.s.Monitoring()
	v := monitoringView{Enabled: m.Enabled, At: m.At, Error: m.Error, Alerts: m.Alerts}
	for i, s := range m.Series {
		name := s.Model + " of version " + s.Version
		if s.Model == monitor.Rules {
			name = "Rule sheet of version " + s.Version
		}
		sv := seriesView{ID: "series-" + strconv.Itoa(i), Title: name, N: s.N, Conversions: s.Conversions,
			AUC: num(s.AUC, 3), AUCHeld: num(s.HeldOut.AUC, 3), ECE: num(s.ECE, 3), ECEHeld: num(s.HeldOut.ECE, 3),
			Top10: pctOrDash(s.Top10), Alerts: s.Alerts, Calibration: calibration(s.Calibration), Tiers: tierBars(s.Tiers),
			MQL: pctOrDash(s.MQL.Rate), MQLN: s.MQL.N}
		sv.TierChartHeight = float64(len(sv.Tiers))*26 + 8
		v.Series = append(v.Series, sv)
	}
	d.render(c, http.StatusOK, "monitoring", "Monitoring", "monitoring", v)
}

// webhooksView is the webhooks page.
type webhooksView struct {
	Configured  bool
	Targets     []string
	MaxAttempts int
	Dead        []webhook.Delivery
	Recent      []webhook.Delivery
	Admin       bool
	Error       string
	Notice      string
	// Replayed is the delivery just queued again (?replayed=ID).
	Replayed string
}

// deliveriesShown is how many recent deliveries the page lists.
const deliveriesShown = 100

func (d *dashboard) webhooksPage(c *gin.Context) {
	d.renderWebhooks(c, http.StatusOK, "")
}

// validDeliveryID accepts the ids webhook makes ("dlv_" and hex), so a
// crafted ?replayed= cannot put other text on the page.
func validDeliveryID(id string) bool {
	rest, ok := strings.CutPrefix(id, "dlv_")
	if !ok || rest == "" || len(rest) > 64 {
		return false
	}
	for _, r := range rest {
		if !('0' <= r && r <= '9' || 'a' <= r && r <= 'f') {
			return false
		}
	}
	return true
}

func (d *dashboard) renderWebhooks(c *gin.Context, status int, notice string) {
	h := d.s.Webhooks()
	v := webhooksView{Configured: h != nil, Admin: d.admin(c), Notice: notice}
	if id := c.Query("replayed"); validDeliveryID(id) {
		v.Replayed = id
	}
	if h != nil {
		v.Targets, v.MaxAttempts = h.Targets(), h.MaxAttempts()
		ctx := c.Request.Context()
		var err error
		if v.Dead, err = h.Outbox().List(ctx, webhook.StateDead, 0); err == nil {
			v.Recent, err = h.Outbox().List(ctx, "", deliveriesShown)
		}
		if err != nil {
			d.log.Error("list webhook deliveries", "request_id", serve.RequestID(c), "error", err)
			v.Error = "The deliveries cannot be listed; see the server log."
		}
	}
	d.render(c, status, "webhooks", "Webhooks", "webhooks", v)
}

// admin reports whether the browser's key may act as an admin.
func (d *dashboard) admin(c *gin.Context) bool {
	key := ""
	if ck, err := c.Request.Cookie(keyCookie); err == nil {
		key = ck.Value
	}
	return d.s.AdminAuthorized(key)
}

// replay queues a dead delivery again (admin only), then shows the page.
func (d *dashboard) replay(c *gin.Context) {
	h := d.s.Webhooks()
	if h == nil {
		d.message(c, http.StatusNotFound, "No webhooks", "This server delivers no webhooks; start it with --webhook-url URL --webhook-secret-file FILE.")
		return
	}
	if !d.admin(c) {
		d.message(c, http.StatusForbidden, "Admins only", "Replaying a delivery needs an API key of scope admin; log in with one.")
		return
	}
	id := c.Param("id")
	err := h.Replay(c.Request.Context(), id)
	switch {
	case errors.Is(err, webhook.ErrNotFound):
		d.message(c, http.StatusNotFound, "No such delivery", "There is no webhook delivery "+id+".")
	case errors.Is(err, webhook.ErrNotDead):
		d.renderWebhooks(c, http.StatusConflict, "Delivery "+id+" is not dead-lettered; only dead deliveries are replayed.")
	case err != nil:
		d.log.Error("replay webhook delivery", "request_id", serve.RequestID(c), "delivery", id, "error", err)
		d.message(c, http.StatusInternalServerError, "Replay failed", "The delivery could not be queued again; see the server log.")
	default:
		d.log.Info("webhook delivery replayed from the dashboard", "request_id", serve.RequestID(c), "delivery", id)
		c.Redirect(http.StatusSeeOther, "/ui/webhooks?replayed="+id)
	}
}

// historyView is the model history page.
type historyView struct {
	Error     string
	Decisions []decisionView
}

type decisionView struct {
	models.Decision
	HasComparison        bool
	ChAUC, ChLL, ChECE   string
	BAUC, BLL, BECE      string
	Diff, DiffLo, DiffHi string
	Window               string
}

func (d *dashboard) historyPage(c *gin.Context) {
	ds, err := models.ReadDecisions(d.cfg.ModelsDir)
	v := historyView{}
	if err != nil {
		d.log.Error("read decision records", "request_id", serve.RequestID(c), "error", err)
		v.Error = err.Error()
	}
	for _, dec := range ds {
		dv := decisionView{Decision: dec}
		if cmp := dec.Comparison; cmp != nil {
			dv.HasComparison = true
			f := func(x models.Number) string { return num(float64(x), 4) }
			dv.ChAUC, dv.ChLL, dv.ChECE = f(cmp.Challenger.ROCAUC), f(cmp.Challenger.LogLoss), f(cmp.Challenger.ECE)
			dv.BAUC, dv.BLL, dv.BECE = f(cmp.Champion.ROCAUC), f(cmp.Champion.LogLoss), f(cmp.Champion.ECE)
			dv.Diff, dv.DiffLo, dv.DiffHi = f(cmp.AUCDiff.Value), f(cmp.AUCDiff.Lo), f(cmp.AUCDiff.Hi)
			dv.Window = cmp.WindowStart.Format("2006-01-02") + " – " + cmp.WindowEnd.Format("2006-01-02")
		}
		v.Decisions = append(v.Decisions, dv)
	}
	d.render(c, http.StatusOK, "history", "Model history", "history", v)
}
