package serve

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/leadscore/leadscore/internal/atomicfile"
)

// ChampionFile is the file in the models directory naming the version to
// serve. Without it the newest loadable bundle (manifest created_at) serves.
const ChampionFile = "champion"

// manifestFile is the file that makes a directory a bundle.
const manifestFile = "manifest.json"

// Model statuses in GET /v1/models.
const (
	StatusServing   = "serving"
	StatusAvailable = "available"
	StatusRefused   = "refused"
)

// active is the model being served with what requests need from it. It is
// immutable once published, except for its scorer pool.
type active struct {
	model    Model
	version  string
	name     string
	dir      string
	stamp    string
	schema   *leadSchema
	scorers  sync.Pool
	decoders sync.Pool
}

func (a *active) getScorer() Scorer    { return a.scorers.Get().(Scorer) }
func (a *active) putScorer(s Scorer)   { a.scorers.Put(s) }
func (a *active) getDecoder() *decoder { return a.decoders.Get().(*decoder) }

// putDecoder pools d unless a huge lead grew it: its tape holds four bytes
// per byte of the largest lead it decoded.
func (a *active) putDecoder(d *decoder) {
	if cap(d.tape.ends) <= maxPooledTape && len(d.attrs) <= maxPooledAttrs {
		a.decoders.Put(d)
	}
}

// Above these sizes a decoder is dropped rather than pooled.
const (
	maxPooledTape  = 1 << 20 // tape entries: 4 MiB
	maxPooledAttrs = 1024    // attribute maps, one per event with attributes
)

// bundleEntry is one bundle directory as its manifest describes it.
type bundleEntry struct {
	Version   string    `json:"version"`
	Name      string    `json:"name,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	Models    []string  `json:"models,omitempty"`
	Champion  string    `json:"champion,omitempty"`
	dir       string
	stamp     string
	err       error
}

// Refusal is a bundle the server refused to serve, with the reason.
type Refusal struct {
	Version string    `json:"version"`
	Dir     string    `json:"dir"`
	Error   string    `json:"error"`
	At      time.Time `json:"at"`
	stamp   string
}

// ReloadResult says what a reload did.
type ReloadResult struct {
	// Serving is the version served after the reload ("" if none).
	Serving string `json:"serving"`
	// Previous is the version served before it.
	Previous string `json:"previous"`
	// Changed is true when the served model was swapped.
	Changed bool `json:"changed"`
	// Refused lists the bundles currently refused.
	Refused []Refusal `json:"refused"`
}

// registry watches a models directory and holds the model being served.
type registry struct {
	dir    string
	load   Loader
	log    *slog.Logger
	now    func() time.Time
	onSwap func(old, cur *active)
	onLoad func(ok bool)
	// maxEvents is Config.MaxEventsPerLead, given to every model's decoder.
	maxEvents int

	cur atomic.Pointer[active]

	mu      sync.Mutex // serialises reloads and promotions; guards the rest
	refused map[string]Refusal
	lastKey string
	infos   map[string]cachedInfo
}

type cachedInfo struct {
	stamp string
	info  ModelInfo
}

func newRegistry(dir string, load Loader, log *slog.Logger, now func() time.Time) (*registry, error) {
	st, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("models directory: %w (pass --models DIR holding the bundles 'leadscore train --out' writes)", err)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("models directory %s is not a directory", dir)
	}
	return &registry{
		dir: dir, load: load, log: log, now: now,
		refused: map[string]Refusal{},
		infos:   map[string]cachedInfo{},
	}, nil
}

// current returns the model being served, or nil.
func (r *registry) current() *active { return r.cur.Load() }

// scan lists the bundles in the directory, newest first, the champion file's
// version ("" if absent) and a key that changes whenever either changes.
func (r *registry) scan() ([]bundleEntry, string, string, error) {
	des, err := os.ReadDir(r.dir)
	if err != nil {
		return nil, "", "", fmt.Errorf("scan models directory: %w", err)
	}
	var key strings.Builder
	var entries []bundleEntry
	for _, de := range des {
		name := de.Name()
		if strings.HasPrefix(name, ".") || !de.IsDir() {
			continue
		}
		dir := filepath.Join(r.dir, name)
		path := filepath.Join(dir, manifestFile)
		st, err := os.Stat(path)
		if err != nil {
			continue // not a bundle (yet)
		}
		e := bundleEntry{Version: name, dir: dir}
		e.stamp = strconv.FormatInt(st.ModTime().UnixNano(), 36) + "." + strconv.FormatInt(st.Size(), 36)
		data, err := os.ReadFile(path)
		if err == nil {
			err = json.Unmarshal(data, &e)
		}
		if err != nil {
			e.err = fmt.Errorf("load bundle %s: read %s: %v", dir, manifestFile, err)
		}
		if e.Version == "" {
			e.Version = name
		}
		entries = append(entries, e)
		key.WriteString(dir + "|" + e.stamp + ";")
	}
	slices.SortFunc(entries, func(a, b bundleEntry) int {
		if c := b.CreatedAt.Compare(a.CreatedAt); c != 0 {
			return c
		}
		return strings.Compare(b.Version, a.Version)
	})
	champ := ""
	data, err := os.ReadFile(filepath.Join(r.dir, ChampionFile))
	switch {
	case err == nil:
		champ = strings.TrimSpace(string(data))
	case !errors.Is(err, os.ErrNotExist):
		return nil, "", "", fmt.Errorf("read %s: %w", ChampionFile, err)
	}
	key.WriteString("champion=" + champ)
	return entries, champ, key.String(), nil
}

// find returns the entry whose version or directory name is v.
func find(entries []bundleEntry, v string) (bundleEntry, bool) {
	for _, e := range entries {
		if e.Version == v {
			return e, true
		}
	}
	for _, e := range entries {
		if filepath.Base(e.dir) == v {
			return e, true
		}
	}
	return bundleEntry{}, false
}

// Reload rescans the directory and, if the champion changed, loads it and
// swaps it in. force retries bundles refused before and rescans even when
// nothing seems to have changed. In-flight requests keep the model they
// started with.
func (r *registry) reload(force bool) (ReloadResult, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	prev := r.current()
	res := ReloadResult{Previous: versionOf(prev)}
	entries, champ, key, err := r.scan()
	if err != nil {
		r.log.Error("model reload failed", "error", err)
		res.Serving, res.Refused = res.Previous, r.refusals()
		return res, err
	}
	if force || key != r.lastKey {
		r.lastKey = key
		r.pruneRefused(entries)
		r.choose(entries, champ, force)
	}
	cur := r.current()
	res.Serving = versionOf(cur)
	res.Changed = cur != prev
	res.Refused = r.refusals()
	return res, nil
}

func versionOf(a *active) string {
	if a == nil {
		return ""
	}
	return a.version
}

// choose serves the champion file's version, or without one the newest
// bundle that loads; r.mu is held.
func (r *registry) choose(entries []bundleEntry, champ string, force bool) {
	cur := r.current()
	if champ != "" {
		e, ok := find(entries, champ)
		if !ok {
			r.refuse(bundleEntry{Version: champ, dir: filepath.Join(r.dir, ChampionFile), stamp: "champion:" + champ},
				fmt.Errorf("%s names version %q, which is not a bundle in %s", ChampionFile, champ, r.dir))
			return
		}
		if cur != nil && cur.dir == e.dir && cur.stamp == e.stamp {
			return
		}
		if rf, ok := r.refused[e.dir]; ok && rf.stamp == e.stamp && !force {
			return
		}
		if a, err := r.open(e); err == nil {
			r.swap(a)
		}
		return
	}
	for _, e := range entries {
		if cur != nil && cur.dir == e.dir && cur.stamp == e.stamp {
			return
		}
		if rf, ok := r.refused[e.dir]; ok && rf.stamp == e.stamp && !force {
			continue
		}
		if a, err := r.open(e); err == nil {
			r.swap(a)
			return
		}
	}
}

// open loads a bundle and checks it can be served; a failure is recorded
// as a refusal and logged.
func (r *registry) open(e bundleEntry) (*active, error) {
	a, err := r.openQuiet(e)
	if err != nil {
		r.refuse(e, err)
		return nil, err
	}
	delete(r.refused, e.dir)
	return a, nil
}

func (r *registry) openQuiet(e bundleEntry) (*active, error) {
	if e.err != nil {
		return nil, e.err
	}
	m, err := r.load(e.dir)
	if err != nil {
		return nil, err
	}
	sc, err := compileSchema(m.Schema())
	if err != nil {
		return nil, fmt.Errorf("load bundle %s: incompatible with this server: %w", e.dir, err)
	}
	if r.maxEvents > 0 {
		sc.maxEvents = r.maxEvents
	}
	v := m.Version()
	if v == "" {
		v = e.Version
	}
	a := &active{model: m, version: v, name: m.Info().Name, dir: e.dir, stamp: e.stamp, schema: sc}
	a.scorers.New = func() any { return m.NewScorer() }
	a.decoders.New = func() any { return newDecoder(sc) }
	return a, nil
}

func (r *registry) refuse(e bundleEntry, err error) {
	r.log.Error("model bundle refused; the current model keeps serving", "version", e.Version, "dir", e.dir, "error", err, "serving", versionOf(r.current()))
	r.refused[e.dir] = Refusal{Version: e.Version, Dir: e.dir, Error: err.Error(), At: r.now().UTC(), stamp: e.stamp}
	if r.onLoad != nil {
		r.onLoad(false)
	}
}

// swap publishes a as the served model; r.mu is held.
func (r *registry) swap(a *active) {
	old := r.cur.Swap(a)
	r.log.Info("serving model", "version", a.version, "name", a.name, "dir", a.dir, "previous", versionOf(old))
	if r.onLoad != nil {
		r.onLoad(true)
	}
	if r.onSwap != nil {
		r.onSwap(old, a)
	}
}

// pruneRefused forgets refusals of bundles no longer in the directory.
func (r *registry) pruneRefused(entries []bundleEntry) {
	for dir := range r.refused {
		if filepath.Base(dir) == ChampionFile {
			delete(r.refused, dir)
			continue
		}
		if !slices.ContainsFunc(entries, func(e bundleEntry) bool { return e.dir == dir }) {
			delete(r.refused, dir)
		}
	}
}

// refusals returns the refused bundles sorted by version; r.mu is held.
func (r *registry) refusals() []Refusal {
	out := make([]Refusal, 0, len(r.refused))
	for _, rf := range r.refused {
		out = append(out, rf)
	}
	slices.SortFunc(out, func(a, b Refusal) int { return strings.Compare(a.Version, b.Version) })
	return out
}

// Refusals returns the refused bundles.
func (r *registry) Refusals() []Refusal {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.refusals()
}

// ModelSummary is one bundle in GET /v1/models.
type ModelSummary struct {
	Version   string    `json:"version"`
	Name      string    `json:"name,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	Models    []string  `json:"models,omitempty"`
	Champion  string    `json:"champion,omitempty"`
	Status    string    `json:"status"`
	Error     string    `json:"error,omitempty"`
}

// ModelList is the answer of GET /v1/models.
type ModelList struct {
	Serving      string         `json:"serving"`
	ChampionFile string         `json:"champion_file,omitempty"`
	Models       []ModelSummary `json:"models"`
	Refused      []Refusal      `json:"refused"`
}

// list describes every bundle in the directory and its status.
func (r *registry) list() (ModelList, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	entries, champ, _, err := r.scan()
	if err != nil {
		return ModelList{}, err
	}
	cur := r.current()
	out := ModelList{Serving: versionOf(cur), ChampionFile: champ, Models: make([]ModelSummary, 0, len(entries)), Refused: r.refusals()}
	for _, e := range entries {
		s := ModelSummary{Version: e.Version, Name: e.Name, CreatedAt: e.CreatedAt, Models: e.Models, Champion: e.Champion, Status: StatusAvailable}
		if cur != nil && cur.dir == e.dir {
			s.Status = StatusServing
		} else if rf, ok := r.refused[e.dir]; ok {
			s.Status, s.Error = StatusRefused, rf.Error
		} else if e.err != nil {
			s.Status, s.Error = StatusRefused, e.err.Error()
		}
		out.Models = append(out.Models, s)
	}
	return out, nil
}

// ModelDetail is the answer of GET /v1/models/{version}: the model's
// metadata when it loads, else its status and the reason it was refused.
type ModelDetail struct {
	Status string `json:"status"`
	Error  string `json:"error,omitempty"`
	ModelInfo
}

// errUnknownVersion reports a version not in the models directory.
var errUnknownVersion = errors.New("unknown model version")

// detail loads (or reuses) the named version's metadata.
func (r *registry) detail(version string) (ModelDetail, error) {
	cur := r.current()
	if cur != nil && cur.version == version {
		return ModelDetail{Status: StatusServing, ModelInfo: cur.model.Info()}, nil
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	entries, _, _, err := r.scan()
	if err != nil {
		return ModelDetail{}, err
	}
	e, ok := find(entries, version)
	if !ok {
		return ModelDetail{}, fmt.Errorf("%w %q: the models directory has %s", errUnknownVersion, version, versionList(entries))
	}
	if cur != nil && cur.dir == e.dir {
		return ModelDetail{Status: StatusServing, ModelInfo: cur.model.Info()}, nil
	}
	if ci, ok := r.infos[e.dir]; ok && ci.stamp == e.stamp {
		return ModelDetail{Status: StatusAvailable, ModelInfo: ci.info}, nil
	}
	a, err := r.openQuiet(e)
	if err != nil {
		r.refuse(e, err)
		return ModelDetail{Status: StatusRefused, Error: err.Error(), ModelInfo: ModelInfo{Version: e.Version, Name: e.Name, CreatedAt: e.CreatedAt, Models: e.Models, Champion: e.Champion}}, nil
	}
	delete(r.refused, e.dir)
	info := a.model.Info()
	r.infos[e.dir] = cachedInfo{stamp: e.stamp, info: info}
	return ModelDetail{Status: StatusAvailable, ModelInfo: info}, nil
}

func versionList(entries []bundleEntry) string {
	if len(entries) == 0 {
		return "no bundles"
	}
	vs := make([]string, len(entries))
	for i, e := range entries {
		vs[i] = e.Version
	}
	return "versions " + strings.Join(vs, ", ")
}

// errRefused wraps the load error of a version that cannot be promoted.
var errRefused = errors.New("model bundle refused")

// promote makes version the champion: it loads it, writes the champion file
// atomically (atomicfile: synced temporary file + rename) and swaps the model
// in.
func (r *registry) promote(version string) (ReloadResult, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	prev := r.current()
	res := ReloadResult{Previous: versionOf(prev), Serving: versionOf(prev)}
	entries, _, _, err := r.scan()
	if err != nil {
		return res, err
	}
	e, ok := find(entries, version)
	if !ok {
		return res, fmt.Errorf("%w %q: the models directory has %s", errUnknownVersion, version, versionList(entries))
	}
	a := prev
	if prev == nil || prev.dir != e.dir || prev.stamp != e.stamp {
		if a, err = r.open(e); err != nil {
			res.Refused = r.refusals()
			return res, fmt.Errorf("%w: %v", errRefused, err)
		}
	}
	if err := atomicfile.WriteFile(filepath.Join(r.dir, ChampionFile), []byte(e.Version+"\n"), 0o644); err != nil {
		return res, fmt.Errorf("promote %s: %w", e.Version, err)
	}
	if a != prev {
		r.swap(a)
	}
	if _, _, key, err := r.scan(); err == nil {
		r.lastKey = key
	}
	r.log.Info("model promoted", "version", e.Version, "previous", res.Previous)
	res.Serving, res.Changed, res.Refused = a.version, a != prev, r.refusals()
	return res, nil
}
