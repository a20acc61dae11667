package training

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/leadscore/leadscore/datasets"
	"github.com/leadscore/leadscore/models"
)

// CheckInputs checks, before any long work starts, what a run of opt will
// need from its files: every input file exists and can be opened, the rule
// sheet parses, and every column the configuration names is in its file.
// Missing columns are reported all at once, each with the flag (or the
// leadscore.yaml key) that maps it and, when a column of the file differs
// only in case, spacing or spelling, a "did you mean". Prepare calls it
// first; commands call it before they start anything slow.
func CheckInputs(opt Options) error {
	if opt.Store != nil {
		if err := checkStore(opt); err != nil {
			return err
		}
		return checkRules(opt)
	}
	for _, f := range []struct{ flag, path string }{
		{"--data", opt.Data}, {"--events", opt.Events}, {"--outcomes", opt.Outcomes}, {"--rules", opt.RulesFile},
	} {
		if f.path == "" || (f.flag != "--rules" && datasets.IsDatabase(f.path)) {
			// A database URL is checked by opening it, below.
			continue
		}
		if err := checkInputFile(f.flag, f.path); err != nil {
			return err
		}
	}
	if opt.Data == "" {
		return errors.New("no leads file: pass --data FILE")
	}
	if err := checkRules(opt); err != nil {
		return err
	}
	cfg := opt.Config.WithDefaults()
	leads := []wantCol{{cfg.ID, "--id", "id"}}
	if opt.Outcomes != "" {
		leads = append(leads, wantCol{cfg.Created, "--created", "created"})
	} else if cfg.Target != "" {
		leads = append(leads, wantCol{cfg.Target, "--target", "target"})
	}
	if cfg.Time != "" {
		leads = append(leads, wantCol{cfg.Time, "--time", "time"})
	}
	if opt.Weight != "" {
		leads = append(leads, wantCol{opt.Weight, "--weight", ""})
	}
	var missing []string
	for _, t := range []struct {
		path string
		cols []wantCol
	}{
		{opt.Data, leads},
		{opt.Events, []wantCol{
			{cfg.Events.LeadID, "", "events.lead_id"}, {cfg.Events.Timestamp, "", "events.timestamp"}, {cfg.Events.Type, "", "events.type"},
		}},
		{opt.Outcomes, []wantCol{
			{cfg.Outcomes.LeadID, "--outcome-id", "outcomes.lead_id"}, {cfg.Outcomes.ConvertedAt, "--converted-at", "outcomes.converted_at"},
		}},
	} {
		if t.path == "" {
			continue
		}
		m, err := missingColumns(t.path, opt.Read, t.cols)
		if err != nil {
			return err
		}
		missing = append(missing, m...)
	}
	if len(missing) > 0 {
		return fmt.Errorf("missing %s: %s. Map the columns with the flags named, or in leadscore.yaml passed with --config ('leadscore config init' writes a commented one)",
			plural(len(missing), "column"), strings.Join(missing, "; "))
	}
	return nil
}

// wantCol is a column a run needs, the flag that names it and its
// leadscore.yaml key (either may be empty).
type wantCol struct{ name, flag, key string }

// missingColumns returns one message per column of want that the file at
// path lacks.
func missingColumns(path string, ro datasets.ReadOptions, want []wantCol) ([]string, error) {
	r, err := datasets.Open(path, ro)
	if err != nil {
		return nil, err
	}
	schema := r.Schema()
	name := r.Report().File // a database URL without its password
	r.Close()
	names := make([]string, len(schema))
	for i, f := range schema {
		names[i] = f.Name
	}
	var out []string
	for _, w := range want {
		if w.name == "" || slices.Contains(names, w.name) {
			continue
		}
		var how []string
		if w.flag != "" {
			how = append(how, "set it with "+w.flag+" COL")
		}
		if w.key != "" {
			how = append(how, "or "+w.key+": in leadscore.yaml")
		}
		msg := fmt.Sprintf("%s has no column %q (%s", name, w.name, strings.Join(how, " "))
		if s := datasets.Suggest(w.name, names); s != "" {
			msg += fmt.Sprintf("; did you mean %q?", s)
		}
		out = append(out, msg+")")
	}
	return out, nil
}

// checkInputFile says which flag names a file that does not exist or is a
// directory.
func checkInputFile(flag, path string) error {
	st, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("%s %s: no such file (the directory %s holds %s)", flag, path, dirOf(path), listDir(dirOf(path)))
	case err != nil:
		return fmt.Errorf("%s %s: %w", flag, path, err)
	case st.IsDir():
		return fmt.Errorf("%s %s: is a directory, expected a file", flag, path)
	}
	return nil
}

func dirOf(path string) string {
	d := filepath.Dir(path)
	if d == "" {
		return "."
	}
	return d
}

// listDir names up to 8 files of dir, for an error that says what is there.
func listDir(dir string) string {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return "nothing readable"
	}
	var names []string
	for _, e := range ents {
		if !e.IsDir() && !strings.HasPrefix(e.Name(), ".") {
			names = append(names, e.Name())
		}
	}
	switch {
	case len(names) == 0:
		return "no files"
	case len(names) > 8:
		return strings.Join(names[:8], ", ") + ", ..."
	}
	return strings.Join(names, ", ")
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// checkRules checks that the rule sheet a run of opt needs parses.
func checkRules(opt Options) error {
	if opt.RulesFile != "" || opt.RulesYAML != nil || slices.Contains(opt.Models, models.Rules) {
		if _, _, err := loadRules(opt); err != nil {
			return err
		}
	}
	return nil
}
