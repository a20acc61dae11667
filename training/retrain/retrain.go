// Package retrain trains a challenger bundle on fresh history and promotes
// it only through a gate: enough data, then a comparison with the champion
// on the most recent out-of-time window neither was trained on, then a
// decision record beside the bundles whatever the verdict.
//
// The gate, step by step (Run):
//
//  1. Enough data: at least Options.MinLeads leads (default 1,000) and
//     MinConversions conversions (default 120) with closed horizons (the
//     labelled examples features.Build keeps). Without them no challenger
//     is trained; the record says what is missing and the champion, or the
//     rule sheet when there is no model yet, stays.
//  2. The window: the latest WindowFrac (default 20%) of those leads by
//     creation time, starting no earlier than the end of the champion's
//     training data when it is known (from its own decision record, or an
//     out-of-time split in its report). The challenger is fitted with
//     training.Fit on the leads created before the window.
//  3. Both score the window's examples through the one scoring path
//     (Bundle.ScoreDataset); rows either cannot score are left out of
//     both. ROC AUC with the paired bootstrap interval of the difference
//     (backtest.PairedAUCECE, which gives the ECE difference's interval from the
//     same resamples), log loss and ECE come from package metrics.
//     Without a champion the baseline is the rule sheet's calibrated
//     probability from the challenger bundle.
//  4. Promotion needs both: the challenger's AUC is not worse beyond the
//     interval (the interval's upper end is not below zero), and its ECE is
//     at most max(MaxECE, the baseline's ECE) or, on a window too small
//     for that to tell, not above the baseline's beyond the paired
//     interval of the ECE difference (its lower end is not above zero).
//  5. A decision record (models.Decision) goes to DIR/decisions/. A
//     promoted challenger is renamed from DIR/challengers/ into DIR and
//     the champion file is replaced atomically (temporary file, rename):
//     every replica polling DIR switches to it on its next poll, none sees
//     half a bundle or half a champion file.
package retrain

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/leadscore/leadscore/features"
	"github.com/leadscore/leadscore/internal/atomicfile"
	"github.com/leadscore/leadscore/metrics"
	"github.com/leadscore/leadscore/models"
	"github.com/leadscore/leadscore/training"
	"github.com/leadscore/leadscore/training/backtest"
)

// Defaults of Options.
const (
	DefaultMinLeads       = 1000
	DefaultMinConversions = 120
	DefaultWindowFrac     = 0.2
	DefaultResamples      = 200
	DefaultMaxECE         = 0.05
)

// championFile names the served version in a models directory (serve's
// ChampionFile; serve is not imported by the trainer).
const championFile = "champion"

// Trainer fits a challenger on the split's training rows: training.Fit, or
// a substitute in tests.
type Trainer func(ctx context.Context, opt training.Options, prep *training.Prepared, split training.Split) (*training.Result, error)

// Options configure one retrain.
type Options struct {
	// Train says where the history is and how to fit (as 'leadscore
	// train'); its TestFrac is ignored: the window is the test set.
	Train training.Options
	// ModelsDir is the directory of bundles serve watches (--models).
	ModelsDir string
	// MinLeads and MinConversions are the enough-data check.
	MinLeads, MinConversions int
	// WindowFrac is the share of the most recent leads in the window.
	WindowFrac float64
	// Resamples and Seed drive the paired bootstrap (Seed 0:
	// Train.Seed).
	Resamples int
	Seed      uint64
	// MaxECE is the calibration threshold of step 4.
	MaxECE float64
	// Now stamps the record (nil: time.Now).
	Now func() time.Time
	// Fit trains the challenger (nil: training.Fit).
	Fit    Trainer
	Logger *slog.Logger
}

func (o Options) withDefaults() Options {
	if o.MinLeads <= 0 {
		o.MinLeads = DefaultMinLeads
	}
	if o.MinConversions <= 0 {
		o.MinConversions = DefaultMinConversions
	}
	if o.WindowFrac <= 0 {
		o.WindowFrac = DefaultWindowFrac
	}
	if o.Resamples <= 0 {
		o.Resamples = DefaultResamples
	}
	if o.Seed == 0 {
		o.Seed = uint64(o.Train.Seed)
	}
	if o.MaxECE <= 0 {
		o.MaxECE = DefaultMaxECE
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Fit == nil {
		o.Fit = training.Fit
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return o
}

// Result is a retrain's decision and where its record is.
type Result struct {
	Decision   models.Decision
	RecordPath string
}

// Run retrains behind the gate and writes the decision record. An error
// means the gate could not decide (unreadable data, a champion that does
// not load, a failed fit); the champion then stays and no record is
// written.
func Run(ctx context.Context, opt Options) (*Result, error) {
	opt = opt.withDefaults()
	if err := checkModelsDir(opt.ModelsDir); err != nil {
		return nil, err
	}
	if opt.WindowFrac >= 1 {
		return nil, fmt.Errorf("--window %v: expected a share between 0 and 1", opt.WindowFrac)
	}
	champ, err := findChampion(opt.ModelsDir)
	if err != nil {
		return nil, err
	}
	dec := models.Decision{At: opt.Now().UTC(), Champion: versionOf(champ), Serving: versionOf(champ), Command: opt.Train.Command}
	log := opt.Logger.With("component", "retrain")

	prep, err := training.Prepare(ctx, opt.Train)
	if err != nil {
		return nil, fmt.Errorf("retrain: %w", err)
	}
	ds := prep.Dataset
	leads, conversions := closedCounts(ds)
	dec.Data = models.DataCheck{Leads: leads, Conversions: conversions, MinLeads: opt.MinLeads, MinConversions: opt.MinConversions}
	if leads < opt.MinLeads || conversions < opt.MinConversions {
		dec.Verdict = models.VerdictNotEnoughData
		dec.Reason = notEnough(dec.Data, champ)
		log.Warn("retrain: not enough data; nothing trained", "leads", leads, "conversions", conversions, "min_leads", opt.MinLeads, "min_conversions", opt.MinConversions)
		return record(opt.ModelsDir, dec)
	}

	start, overlap, err := windowStart(ds, opt.WindowFrac, champ, opt.ModelsDir)
	if err != nil {
		return nil, err
	}
	split := splitAt(ds, start)
	if split.TrainLeads == 0 || split.TestLeads == 0 {
		return nil, fmt.Errorf("retrain: the window from %s leaves %d leads to train on and %d to compare on; lower --window or wait for more data", start.Format(time.RFC3339), split.TrainLeads, split.TestLeads)
	}
	log.Info("retrain: training a challenger", "train_leads", split.TrainLeads, "window_leads", split.TestLeads, "window_start", start)
	trainOpt := opt.Train
	trainOpt.TestFrac = float64(split.TestLeads) / float64(split.TrainLeads+split.TestLeads)
	res, err := opt.Fit(ctx, trainOpt, prep, split)
	if err != nil {
		return nil, fmt.Errorf("retrain: train the challenger: %w", err)
	}
	chal := res.Bundle
	chDir := filepath.Join(opt.ModelsDir, models.ChallengersDir, chal.Manifest.Version)
	if err := os.MkdirAll(filepath.Dir(chDir), 0o755); err != nil {
		return nil, fmt.Errorf("retrain: %w", err)
	}
	if err := chal.Save(chDir); err != nil {
		return nil, fmt.Errorf("retrain: save the challenger: %w", err)
	}
	dec.Challenger, dec.ChallengerDir, dec.TrainedThrough = chal.Manifest.Version, chDir, start

	cmp, err := compare(ds, split.Test, chal, champ, opt)
	if err != nil {
		return nil, err
	}
	cmp.WindowStart, cmp.ChampionOverlap = start, overlap
	dec.Comparison = cmp
	promote, reason := verdict(cmp, opt.MaxECE)
	dec.Reason = reason
	if !promote {
		dec.Verdict = models.VerdictRefused
		log.Warn("retrain: challenger refused; the champion stays", "challenger", dec.Challenger, "champion", dec.Champion, "reason", reason)
		return record(opt.ModelsDir, dec)
	}
	if err := promoteBundle(opt.ModelsDir, chDir, chal.Manifest.Version); err != nil {
		return nil, err
	}
	dec.Verdict, dec.Serving, dec.ChallengerDir = models.VerdictPromoted, chal.Manifest.Version, filepath.Join(opt.ModelsDir, chal.Manifest.Version)
	log.Info("retrain: challenger promoted", "challenger", dec.Challenger, "previous", dec.Champion, "reason", reason)
	return record(opt.ModelsDir, dec)
}

func record(dir string, d models.Decision) (*Result, error) {
	path, err := models.WriteDecision(dir, d)
	if err != nil {
		return nil, err
	}
	return &Result{Decision: d, RecordPath: path}, nil
}

func versionOf(b *models.Bundle) string {
	if b == nil {
		return ""
	}
	return b.Manifest.Version
}

// checkModelsDir refuses a missing directory and a single bundle.
func checkModelsDir(dir string) error {
	if dir == "" {
		return errors.New("--models: the directory of bundles is needed")
	}
	st, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("--models: %w", err)
	}
	if !st.IsDir() {
		return fmt.Errorf("--models %s: not a directory", dir)
	}
	if _, err := os.Stat(filepath.Join(dir, models.ManifestFile)); err == nil {
		return fmt.Errorf("--models %s is one bundle; pass the directory that holds the bundles (its parent), where the champion file is", dir)
	}
	return nil
}

// findChampion loads the bundle the champion file names (by version,
// else by directory name), or without a champion file the newest bundle
// that loads, as serve chooses; nil when the directory has no bundle.
func findChampion(dir string) (*models.Bundle, error) {
	named := ""
	data, err := os.ReadFile(filepath.Join(dir, championFile))
	switch {
	case err == nil:
		named = strings.TrimSpace(string(data))
	case !errors.Is(err, os.ErrNotExist):
		return nil, fmt.Errorf("retrain: %w", err)
	}
	des, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("retrain: %w", err)
	}
	var best, byName *models.Bundle
	var nameErr error
	for _, de := range des {
		if !de.IsDir() || strings.HasPrefix(de.Name(), ".") {
			continue
		}
		if _, err := os.Stat(filepath.Join(dir, de.Name(), models.ManifestFile)); err != nil {
			continue // not a bundle: decisions/, challengers/, reports/
		}
		b, err := models.Load(filepath.Join(dir, de.Name()))
		if err != nil {
			if de.Name() == named {
				nameErr = err
			}
			continue
		}
		switch {
		case named != "" && b.Manifest.Version == named:
			return b, nil
		case named != "" && de.Name() == named:
			byName = b
		}
		if best == nil || b.Manifest.CreatedAt.After(best.Manifest.CreatedAt) ||
			b.Manifest.CreatedAt.Equal(best.Manifest.CreatedAt) && b.Manifest.Version > best.Manifest.Version {
			best = b
		}
	}
	switch {
	case named == "":
		return best, nil
	case byName != nil:
		return byName, nil
	case nameErr != nil:
		return nil, fmt.Errorf("retrain: the champion file names %q, which does not load (%v); fix it before retraining, so the challenger is compared with what serves", named, nameErr)
	}
	return nil, fmt.Errorf("retrain: the champion file names %q, which is not a bundle in %s; fix it before retraining, so the challenger is compared with what serves", named, dir)
}

// closedCounts counts the leads with a labelled example (closed horizon)
// and those of them with a positive one.
func closedCounts(ds *features.Dataset) (leads, conversions int) {
	pos := map[string]bool{}
	for i, id := range ds.LeadIDs {
		if math.IsNaN(ds.Labels[i]) {
			continue
		}
		if _, ok := pos[id]; !ok {
			pos[id] = false
		}
		if ds.Labels[i] == 1 {
			pos[id] = true
		}
	}
	for _, p := range pos {
		leads++
		if p {
			conversions++
		}
	}
	return leads, conversions
}

func notEnough(d models.DataCheck, champ *models.Bundle) string {
	var missing []string
	if d.Leads < d.MinLeads {
		missing = append(missing, fmt.Sprintf("%d more leads with closed horizons (has %d of %d)", d.MinLeads-d.Leads, d.Leads, d.MinLeads))
	}
	if d.Conversions < d.MinConversions {
		missing = append(missing, fmt.Sprintf("%d more conversions with closed horizons (has %d of %d)", d.MinConversions-d.Conversions, d.Conversions, d.MinConversions))
	}
	keep := "keeping the rule sheet: there is no model yet"
	if champ != nil {
		keep = "keeping champion " + champ.Manifest.Version
	}
	return "not enough data to train and judge a challenger: needs " + strings.Join(missing, " and ") + "; " + keep + " (lower --min-leads and --min-conversions to retrain on less, at the risk of promoting noise)"
}

// windowStart returns the start of the comparison window: the creation
// time of the first of the latest frac of leads, moved later to the end of
// the champion's training data when that is known and later. overlap says
// why the champion may have seen the window, "" when it cannot have.
func windowStart(ds *features.Dataset, frac float64, champ *models.Bundle, dir string) (time.Time, string, error) {
	first := map[string]time.Time{}
	for i, id := range ds.LeadIDs {
		if math.IsNaN(ds.Labels[i]) {
			continue
		}
		c := ds.Created[i]
		if c.IsZero() {
			return time.Time{}, "", fmt.Errorf("retrain: lead %s has no creation time; the out-of-time window needs one for every lead (--created)", id)
		}
		if t, ok := first[id]; !ok || c.Before(t) {
			first[id] = c
		}
	}
	times := make([]time.Time, 0, len(first))
	for _, t := range first {
		times = append(times, t)
	}
	slices.SortFunc(times, func(a, b time.Time) int { return a.Compare(b) })
	k := len(times) - int(float64(len(times))*frac+0.5)
	k = max(1, min(k, len(times)-1))
	start := times[k]
	if champ == nil {
		return start, "", nil
	}
	through, known := trainedThrough(champ, dir)
	switch {
	case !known:
		return start, "the champion's training data has no recorded end (it was not trained by retrain, nor with an out-of-time split): if it saw the window's leads, the comparison favours it", nil
	case through.After(start):
		if !through.Before(times[len(times)-1]) {
			return time.Time{}, "", fmt.Errorf("retrain: the champion was trained on leads up to %s, the newest lead here; there is no window neither model saw: wait for newer leads", through.Format(time.RFC3339))
		}
		return through, "", nil
	}
	return start, "", nil
}

// trainedThrough is the end of a bundle's training data: from the record
// of the retrain that made it, else the cutoff of an out-of-time split.
func trainedThrough(b *models.Bundle, dir string) (time.Time, bool) {
	if ds, err := models.ReadDecisions(dir); err == nil {
		for _, d := range ds {
			if d.Challenger == b.Manifest.Version && !d.TrainedThrough.IsZero() {
				return d.TrainedThrough, true
			}
		}
	}
	var rep training.Report
	if len(b.Report) > 0 && json.Unmarshal(b.Report, &rep) == nil && rep.Split.TimeCutoff != nil {
		return *rep.Split.TimeCutoff, true
	}
	return time.Time{}, false
}

// splitAt puts every lead created before start on the training side and
// the rest in the window; unlabelled rows go nowhere.
func splitAt(ds *features.Dataset, start time.Time) training.Split {
	rows := map[string][]int{}
	var order []string
	test := map[string]bool{}
	for i, id := range ds.LeadIDs {
		if math.IsNaN(ds.Labels[i]) {
			continue
		}
		if _, ok := rows[id]; !ok {
			order = append(order, id)
		}
		rows[id] = append(rows[id], i)
		if !ds.Created[i].Before(start) {
			test[id] = true
		}
	}
	cut := start
	s := training.Split{Method: "out-of-time: the retrain window (leads created at or after its start) is held out", TimeCutoff: &cut}
	for _, id := range order {
		s.AddLead(rows[id], test[id])
	}
	s.Finish()
	if n := s.TrainLeads + s.TestLeads; n > 0 {
		s.TestFrac = float64(s.TestLeads) / float64(n)
	}
	return s
}

// compare scores the window rows with the challenger and the baseline
// (the champion, or the challenger's rule sheet) and measures both.
func compare(ds *features.Dataset, rows []int, chal, champ *models.Bundle, opt Options) (*models.Comparison, error) {
	threads := opt.Train.Threads
	if threads <= 0 {
		threads = runtime.GOMAXPROCS(0)
	}
	so := models.ScoreOptions{AllModels: champ == nil}
	cs := chal.ScoreDataset(ds, rows, so, threads)
	baseName, baseModel, baseVersion := "champion", "", ""
	var bs []models.Scored
	if champ != nil {
		bs = champ.ScoreDataset(ds, rows, models.ScoreOptions{}, threads)
		baseModel, baseVersion = champ.Scoring.Champion, champ.Manifest.Version
	} else {
		if !chal.Has(models.Rules) {
			return nil, errors.New("retrain: there is no champion and the challenger has no rule sheet to compare with; give --rules, or promote a first bundle with 'leadscore serve' and POST /v1/models/{version}/promote")
		}
		baseName, baseModel, baseVersion = "rules", models.Rules, chal.Manifest.Version
	}
	cmp := &models.Comparison{Baseline: baseName, MaxECE: models.Number(opt.MaxECE)}
	var y, pc, pb []float64
	leads := map[string]bool{}
	var end time.Time
	for k, i := range rows {
		c := cs[k]
		var bp float64
		ok := c.Err == nil && c.Result != nil
		if ok && champ != nil {
			ok = bs[k].Err == nil && bs[k].Result != nil
			if ok {
				bp = bs[k].Result.Probability
			}
		} else if ok {
			var has bool
			bp, has = c.Result.Probabilities[models.Rules]
			ok = has
		}
		if !ok {
			cmp.Skipped++
			continue
		}
		y = append(y, ds.Labels[i])
		pc = append(pc, c.Result.Probability)
		pb = append(pb, bp)
		leads[ds.LeadIDs[i]] = true
		if ds.Created[i].After(end) {
			end = ds.Created[i]
		}
	}
	if len(y) == 0 {
		return nil, fmt.Errorf("retrain: no row of the window could be scored by both models (%d skipped); the champion's fields may be missing from the new data", cmp.Skipped)
	}
	cmp.WindowEnd, cmp.Rows, cmp.Leads = end, len(y), len(leads)
	for _, v := range y {
		if v == 1 {
			cmp.Conversions++
		}
	}
	fig := func(version, model string, p []float64) models.ModelFigures {
		return models.ModelFigures{Version: version, Model: model, ROCAUC: models.Number(metrics.ROCAUC(y, p, nil)),
			LogLoss: models.Number(metrics.LogLoss(y, p, nil)), ECE: models.Number(metrics.ECE(y, p, 10))}
	}
	cmp.Challenger = fig(chal.Manifest.Version, chal.Scoring.Champion, pc)
	cmp.Champion = fig(baseVersion, baseModel, pb)
	d, e := backtest.PairedAUCECE(y, pc, pb, opt.Resamples, opt.Seed, threads)
	cmp.AUCDiff = models.PairedFigures{Value: models.Number(d.Value), Lo: models.Number(d.Lo), Hi: models.Number(d.Hi),
		PValue: models.Number(d.PValue), Resamples: opt.Resamples, Seed: opt.Seed}
	// The ECE difference's value is the two figures' difference exactly.
	cmp.ECEDiff = models.PairedFigures{Value: cmp.Challenger.ECE - cmp.Champion.ECE, Lo: models.Number(e.Lo), Hi: models.Number(e.Hi),
		PValue: models.Number(e.PValue), Resamples: opt.Resamples, Seed: opt.Seed}
	return cmp, nil
}

// verdict applies step 4 and says why.
func verdict(c *models.Comparison, maxECE float64) (bool, string) {
	hi := float64(c.AUCDiff.Hi)
	chECE, baseECE := float64(c.Challenger.ECE), float64(c.Champion.ECE)
	limit := maxECE
	if !math.IsNaN(baseECE) && baseECE > limit {
		limit = baseECE
	}
	// A small window's ECE is noisy: a challenger above the limit still
	// passes when its ECE is not above the baseline's beyond the paired
	// interval, as for the AUC.
	eceLo := float64(c.ECEDiff.Lo)
	eceWithinNoise := !math.IsNaN(baseECE) && !math.IsNaN(eceLo) && eceLo <= 0
	base := "the " + c.Baseline
	if c.Baseline == "champion" {
		base = "champion " + c.Champion.Version
	}
	aucText := fmt.Sprintf("ROC AUC %.4f vs %.4f (difference %+.4f, 95%% interval [%+.4f, %+.4f] over %d paired resamples)",
		float64(c.Challenger.ROCAUC), float64(c.Champion.ROCAUC), float64(c.AUCDiff.Value), float64(c.AUCDiff.Lo), hi, c.AUCDiff.Resamples)
	eceText := fmt.Sprintf("ECE %.4f vs %.4f (difference %+.4f, 95%% interval [%+.4f, %+.4f])",
		chECE, baseECE, float64(c.ECEDiff.Value), eceLo, float64(c.ECEDiff.Hi))
	switch {
	case math.IsNaN(hi):
		return false, "the window has one class only or too few rows for an interval, so the challenger cannot be shown not to be worse; " + base + " stays"
	case hi < 0:
		return false, "the challenger ranks worse than " + base + " beyond the interval: " + aucText + "; " + base + " stays"
	case math.IsNaN(chECE) || (chECE > limit && !eceWithinNoise):
		return false, fmt.Sprintf("the challenger's calibration is off: ECE %.4f is above the threshold %.4f (the larger of --max-ece and %s's ECE %.4f) and worse than %s's beyond the interval: %s; %s stays", chECE, limit, base, baseECE, base, eceText, base)
	case chECE > limit:
		return true, fmt.Sprintf("the challenger is not worse than %s beyond the interval (%s), and its ECE is above %.4f but not worse than %s's beyond the interval (%s); log loss %.4f vs %.4f",
			base, aucText, limit, base, eceText, float64(c.Challenger.LogLoss), float64(c.Champion.LogLoss))
	}
	return true, fmt.Sprintf("the challenger is not worse than %s beyond the interval (%s) and its ECE %.4f is within %.4f; log loss %.4f vs %.4f",
		base, aucText, chECE, limit, float64(c.Challenger.LogLoss), float64(c.Champion.LogLoss))
}

// promoteBundle moves the challenger into the models directory (a rename:
// it appears whole) and then names it in the champion file (a synced
// temporary file renamed over the old one).
func promoteBundle(dir, chDir, version string) error {
	dst := filepath.Join(dir, version)
	if _, err := os.Stat(dst); err == nil {
		return fmt.Errorf("retrain: promote %s: %s exists already", version, dst)
	}
	if err := os.Rename(chDir, dst); err != nil {
		return fmt.Errorf("retrain: promote %s: %w", version, err)
	}
	if err := atomicfile.WriteFile(filepath.Join(dir, championFile), []byte(version+"\n"), 0o644); err != nil {
		return fmt.Errorf("retrain: promote %s: write the champion file: %w", version, err)
	}
	return nil
}
