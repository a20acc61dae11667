package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/leadscore/leadscore/datasets"
	"github.com/leadscore/leadscore/datasets/store"
	"github.com/leadscore/leadscore/models"
	"github.com/leadscore/leadscore/serve"
)

// runScoreStore scores the leads of a lead store into --out.
func runScoreStore(g *globals, s scoreFlags) error {
	k, err := parseExplain(s.explain)
	if err != nil {
		return err
	}
	asOf, err := parseAsOf(s.asOf)
	if err != nil {
		return err
	}
	if err := checkOutFile("--out", s.out); err != nil {
		return err
	}
	var ids []string
	if s.ids != "" {
		if ids, err = readIDs(s.ids); err != nil {
			return err
		}
	}
	m, err := serve.LoadBundle(s.model)
	if err != nil {
		return err
	}
	ctx := context.Background()
	st, err := store.Open(ctx, s.storeURL)
	if err != nil {
		return err
	}
	defer st.Close()
	opt := models.ScoreOptions{Explain: k, AllModels: s.allModels}
	layout := m.Bundle().NewScoreFile(opt)
	w, err := datasets.CreateWriter(s.out, "", layout.Schema)
	if err != nil {
		return err
	}
	row := make([]string, len(layout.Schema))
	start := time.Now()
	n, failed := 0, 0
	bar := g.newProgress(len(ids), "scoring")
	if ids == nil {
		bar = g.newProgress(-1, "scoring")
	}
	err = serve.Rescore(ctx, st, m, serve.RescoreOptions{IDs: ids, AsOf: asOf, Score: opt, Threads: s.threads, Log: true},
		func(sc *models.Scored) error {
			if err := layout.Row(row, sc); err != nil {
				return err
			}
			if sc.Result == nil {
				failed++
			}
			n++
			bar.Set(n)
			return w.WriteRow(row)
		})
	bar.Done()
	if err != nil {
		w.Abort()
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	g.infof("scored %d stored leads (%d errors) as of %s with %s %s in %.2fs -> %s (scores appended to the prediction log of %s)\n",
		n, failed, asOf.Format(time.RFC3339), m.Bundle().Scoring.Champion, m.Version(), time.Since(start).Seconds(), s.out, st.Redacted())
	return nil
}

// readIDs reads one lead id per line, skipping blank lines and a lead_id
// header.
func readIDs(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("--ids: %w", err)
	}
	defer f.Close()
	ids := []string{}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	line := 0
	for sc.Scan() {
		line++
		id := strings.TrimSpace(sc.Text())
		if id == "" || line == 1 && id == store.ColLeadID {
			continue
		}
		ids = append(ids, id)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("--ids %s line %d: %w", path, line+1, err)
	}
	return ids, nil
}
