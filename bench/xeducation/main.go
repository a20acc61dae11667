// Command xeducation trains leadscore's logistic and gbm models on the real
// xeducation CRM export (sales-filled columns excluded by the leakage audit),
// or with -events and -outcomes on generated three-table data,
// writes the exact train/test matrices it used to --out, and prints its
// held-out metrics as JSON. ref.py fits scikit-learn and XGBoost on the same
// matrices; run.sh runs both and prints the side-by-side table.
package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/leadscore/leadscore/datasets"
	"github.com/leadscore/leadscore/features"
	"github.com/leadscore/leadscore/models"
	"github.com/leadscore/leadscore/training"
)

func main() {
	data := flag.String("data", "../shared/datasets/xeducation/Leads.csv", "xeducation Leads.csv")
	out := flag.String("out", "bench-out/xeducation", "directory for the matrices and results")
	seed := flag.Int64("seed", 1, "split seed")
	events := flag.String("events", "", "events table: train on three tables (-data leads, -events, -outcomes) with the default column names, as `leadscore generate` writes them, instead of the xeducation export")
	outcomes := flag.String("outcomes", "", "outcomes table (with -events)")
	exclude := flag.String("exclude", "", "comma-separated columns never to use as features, as train --exclude (the honest table excludes every column sales fills in after first contact)")
	flag.Parse()
	if err := run(*data, *events, *outcomes, *out, *seed, splitList(*exclude)); err != nil {
		fmt.Fprintln(os.Stderr, "xeducation:", err)
		os.Exit(1)
	}
}

// splitList splits a comma-separated flag value, dropping empty items.
func splitList(s string) []string {
	var out []string
	for _, x := range strings.Split(s, ",") {
		if x = strings.TrimSpace(x); x != "" {
			out = append(out, x)
		}
	}
	return out
}

func run(data, events, outcomes, out string, seed int64, exclude []string) error {
	cfg := features.DefaultConfig()
	cfg.Exclude = exclude
	opt := training.Options{Data: data, Config: cfg, Models: []string{models.Logistic, models.GBM}, Seed: seed}
	if events == "" {
		opt.Config.Target, opt.Config.ID, opt.Config.MissingValues = "Converted", "Prospect ID", []string{"Select"}
		opt.Read = datasets.ReadOptions{MissingValues: []string{"Select"}}
	} else {
		opt.Events, opt.Outcomes = events, outcomes
	}
	ctx := context.Background()
	prep, err := training.Prepare(ctx, opt)
	if err != nil {
		return err
	}
	split, err := training.DefaultSplit(opt, prep.Dataset)
	if err != nil {
		return err
	}
	t0 := time.Now()
	res, err := training.Fit(ctx, opt, prep, split)
	if err != nil {
		return err
	}
	fitSeconds := time.Since(t0).Seconds()
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	spec := res.Bundle.Spec
	lin, _ := spec.Linear(prep.Dataset)
	tree, _ := spec.Tree(prep.Dataset)
	y := prep.Dataset.Labels
	for _, part := range []struct {
		name string
		rows []int
	}{{"train", split.Train}, {"test", split.Test}} {
		if err := writeMatrix(filepath.Join(out, "linear_"+part.name+".csv"), lin, y, part.rows); err != nil {
			return err
		}
		if err := writeMatrix(filepath.Join(out, "tree_"+part.name+".csv"), tree, y, part.rows); err != nil {
			return err
		}
	}
	cats := []int{}
	for j, c := range tree.Columns {
		if c.Categorical {
			cats = append(cats, j)
		}
	}
	summary := map[string]any{
		"metrics": res.Report.Metrics, "leakage_suspects": res.Report.LeakageSuspects,
		"calibration": res.Report.Calibration, "logistic": res.Report.Logistic, "gbm": res.Report.GBM,
		"tree_categorical_columns": cats, "fit_seconds": fitSeconds,
	}
	js, err := json.MarshalIndent(summary, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(out, "leadscore.json"), js, 0o644); err != nil {
		return err
	}
	fmt.Println(string(js))
	return nil
}

// writeMatrix writes the rows of m with the label in the last column.
func writeMatrix(path string, m *features.Matrix, y []float64, rows []int) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := csv.NewWriter(f)
	head := make([]string, 0, m.Cols+1)
	for _, c := range m.Columns {
		head = append(head, c.Name)
	}
	if err := w.Write(append(head, "y")); err != nil {
		f.Close()
		return err
	}
	rec := make([]string, m.Cols+1)
	for _, r := range rows {
		for j, v := range m.Row(r) {
			rec[j] = strconv.FormatFloat(v, 'g', -1, 64)
		}
		rec[m.Cols] = strconv.FormatFloat(y[r], 'g', -1, 64)
		if err := w.Write(rec); err != nil {
			f.Close()
			return err
		}
	}
	w.Flush()
	if err := w.Error(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
