package serve

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
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
	// StatusUnchecked is a bundle not loaded yet: nothing says it would
	// pass its checks (GET /v1/models/{version} checks it).
	StatusUnchecked = "unchecked"
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
	// Files are the manifest's checksums by file name.
	Files map[string]string `json:"files,omitempty"`
	dir   string
	stamp string
	err   error
}

// Fallback says the champion file names a bundle that fails its checks
// and another bundle serves in its place.
type Fallback struct {
	// Champion is the version the champion file names.
	Champion string `json:"champion"`
	// Serving is the version serving instead: the newest that passes.
	Serving string `json:"serving"`
	// Error is why the champion was refused.
	Error string    `json:"error"`
	At    time.Time `json:"at"`
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
	dir string
	// pin is Config.Pin: the version served whatever the champion file
	// says.
	pin    string
	load   Loader
	log    *slog.Logger
	now    func() time.Time
	onSwap func(old, cur *active)
	onLoad func(ok bool)
	// onFallback is told whether a fallback serves.
	onFallback func(on bool)
	// maxEvents is Config.MaxEventsPerLead, given to every model's decoder.
	maxEvents int

	cur atomic.Pointer[active]

	mu      sync.Mutex // serialises reloads and promotions; guards the rest
	refused map[string]Refusal
	lastKey string
	infos   map[string]cachedInfo
	// fallback is set while a bundle other than the champion file's
	// serves because the champion fails its checks.
	fallback *Fallback
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
		var incomplete error
		e.stamp, incomplete = contentStamp(dir, data, e.Files, st)
		if e.err == nil {
			e.err = incomplete
		}
		entries = append(entries, e)
		key.WriteString(dir + "|" + e.stamp + ";")
	}
	refuseDuplicates(entries)
	slices.SortFunc(entries, func(a, b bundleEntry) int {
		if c := b.CreatedAt.Compare(a.CreatedAt); c != 0 {
			return c
		}
		return strings.Compare(b.Version, a.Version)
	})
	champ := r.pin
	data, err := os.ReadFile(filepath.Join(r.dir, ChampionFile))
	switch {
	case r.pin != "":
	case err == nil:
		champ = strings.TrimSpace(string(data))
	case !errors.Is(err, os.ErrNotExist):
		return nil, "", "", fmt.Errorf("read %s: %w", ChampionFile, err)
	}
	key.WriteString("champion=" + champ)
	return entries, champ, key.String(), nil
}

// contentStamp identifies a bundle's content for the caches of check
// results: the manifest's bytes and the name, size and modification time of
// every file in dir, so a bundle refused while it was being copied is
// checked again once any of its files changes. It also returns an error
// when the bundle is incomplete: a file the manifest lists is absent, or a
// file in the directory is not in the manifest's list.
func contentStamp(dir string, manifest []byte, listed map[string]string, mst os.FileInfo) (string, error) {
	h := sha256.New()
	h.Write(manifest)
	fmt.Fprintf(h, "|%d.%d", mst.ModTime().UnixNano(), mst.Size())
	des, err := os.ReadDir(dir)
	if err != nil {
		return hex.EncodeToString(h.Sum(nil)), fmt.Errorf("load bundle %s: %w", dir, err)
	}
	var extra []string
	present := 0
	for _, de := range des {
		name := de.Name()
		if name == manifestFile || strings.HasPrefix(name, ".") {
			continue
		}
		fi, err := de.Info()
		if err != nil {
			continue // removed while listed
		}
		fmt.Fprintf(h, "|%s:%d.%d", name, fi.Size(), fi.ModTime().UnixNano())
		if listed == nil {
			continue
		}
		if _, ok := listed[name]; ok {
			present++
		} else {
			extra = append(extra, name)
		}
	}
	stamp := hex.EncodeToString(h.Sum(nil)[:16])
	switch {
	case listed == nil:
		return stamp, nil
	case len(extra) > 0:
		return stamp, fmt.Errorf("load bundle %s: incomplete: %s is not in the manifest's list of files; the bundle is checked again when its files change", dir, strings.Join(extra, ", "))
	case present < len(listed):
		var missing []string
		for n := range listed {
			if _, err := os.Lstat(filepath.Join(dir, n)); err != nil {
				missing = append(missing, n)
			}
		}
		slices.Sort(missing)
		return stamp, fmt.Errorf("load bundle %s: incomplete: the manifest lists %s, not in the directory (yet); the bundle is checked again when its files change", dir, strings.Join(missing, ", "))
	}
	return stamp, nil
}

// refuseDuplicates marks bundles sharing a version: of two directories
// with one version, only the one named by the version may serve (a copied
// bundle keeps its version, and promoting the version must not pick the
// copy).
func refuseDuplicates(entries []bundleEntry) {
	byVersion := make(map[string][]int, len(entries))
	for i, e := range entries {
		byVersion[e.Version] = append(byVersion[e.Version], i)
	}
	for v, idx := range byVersion {
		if len(idx) < 2 {
			continue
		}
		dirs := make([]string, len(idx))
		for j, i := range idx {
			dirs[j] = filepath.Base(entries[i].dir)
		}
		for _, i := range idx {
			if filepath.Base(entries[i].dir) == v || entries[i].err != nil {
				continue
			}
			entries[i].err = fmt.Errorf("load bundle %s: version %q is also in %s; a version names one bundle: remove the copy or retrain", entries[i].dir, v, strings.Join(dirs, ", "))
		}
	}
}

// find returns the entry whose version or directory name is v, preferring
// one that is not refused already.
func find(entries []bundleEntry, v string) (bundleEntry, bool) {
	for _, e := range entries {
		if e.Version == v && e.err == nil {
			return e, true
		}
	}
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
			err := fmt.Errorf("%s names version %q, which is not a bundle in %s", ChampionFile, champ, r.dir)
			r.refuse(bundleEntry{Version: champ, dir: filepath.Join(r.dir, ChampionFile), stamp: "champion:" + champ}, err)
			r.fallBack(entries, champ, err)
			return
		}
		if cur != nil && cur.dir == e.dir && cur.stamp == e.stamp {
			return
		}
		if rf, ok := r.refused[e.dir]; ok && rf.stamp == e.stamp && !force {
			r.fallBack(entries, champ, errors.New(rf.Error))
			return
		}
		a, err := r.open(e)
		if err != nil {
			r.fallBack(entries, champ, err)
			return
		}
		r.swap(a)
		r.setFallback(nil)
		return
	}
	r.setFallback(nil)
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

// fallBack serves, when nothing serves, the newest bundle that passes its
// checks in place of the champion file's refused version: a restarted
// server or a new replica must not answer 503 while good bundles sit in
// the directory. It says so loudly (an ERROR log, /readyz, a metric). A
// running server keeps its model instead; r.mu is held.
func (r *registry) fallBack(entries []bundleEntry, champ string, why error) {
	if r.current() != nil {
		return
	}
	for _, e := range entries {
		if e.Version == champ || filepath.Base(e.dir) == champ {
			continue
		}
		if rf, ok := r.refused[e.dir]; ok && rf.stamp == e.stamp {
			continue
		}
		a, err := r.open(e)
		if err != nil {
			continue
		}
		r.log.Error("the champion file names a bundle that fails its checks; serving the newest bundle that passes instead",
			"champion", champ, "serving", a.version, "error", why)
		r.swap(a)
		r.setFallback(&Fallback{Champion: champ, Serving: a.version, Error: why.Error(), At: r.now().UTC()})
		return
	}
	r.log.Error("the champion file names a bundle that fails its checks, and no other bundle passes; answering 503 until one does", "champion", champ, "error", why)
}

// setFallback records whether a fallback serves; r.mu is held.
func (r *registry) setFallback(f *Fallback) {
	if (r.fallback == nil) == (f == nil) && f == nil {
		return
	}
	r.fallback = f
	if r.onFallback != nil {
		r.onFallback(f != nil)
	}
}

// Fallback returns the fallback in effect, or nil.
func (r *registry) Fallback() *Fallback {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.fallback == nil {
		return nil
	}
	f := *r.fallback
	return &f
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
	r.infos[e.dir] = cachedInfo{stamp: e.stamp, info: a.model.Info()}
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
	if cur := r.current(); cur != nil {
		r.log.Error("model bundle refused; the current model keeps serving", "version", e.Version, "dir", e.dir, "error", err, "serving", cur.version)
	} else {
		r.log.Error("model bundle refused; no model serves yet", "version", e.Version, "dir", e.dir, "error", err)
	}
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
		s := ModelSummary{Version: e.Version, Name: e.Name, CreatedAt: e.CreatedAt, Models: e.Models, Champion: e.Champion, Status: StatusUnchecked}
		if cur != nil && cur.dir == e.dir {
			s.Status = StatusServing
		} else if e.err != nil {
			s.Status, s.Error = StatusRefused, e.err.Error()
		} else if rf, ok := r.refused[e.dir]; ok && rf.stamp == e.stamp {
			s.Status, s.Error = StatusRefused, rf.Error
		} else if ci, ok := r.infos[e.dir]; ok && ci.stamp == e.stamp {
			s.Status = StatusAvailable
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
	brief := ModelInfo{Version: e.Version, Name: e.Name, CreatedAt: e.CreatedAt, Models: e.Models, Champion: e.Champion}
	if rf, ok := r.refused[e.dir]; ok && rf.stamp == e.stamp {
		// Checked before and unchanged since: no second hash, no second log.
		return ModelDetail{Status: StatusRefused, Error: rf.Error, ModelInfo: brief}, nil
	}
	a, err := r.openQuiet(e)
	if err != nil {
		r.refuse(e, err)
		return ModelDetail{Status: StatusRefused, Error: err.Error(), ModelInfo: brief}, nil
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
	if r.pin != "" {
		return res, fmt.Errorf("%w: this server serves the one bundle %s it was started on (--models pointed at a bundle); start it on the directory of bundles (--models %s) to promote another", errRefused, r.pin, r.dir)
	}
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
