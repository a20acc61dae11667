package features

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/leadscore/leadscore/datasets"
)

// typeInfo is what the aggregation needs to know about one event type.
type typeInfo struct {
	name     string
	key      int32 // event key index, -1 when over the key limit
	email    int8
	sig      int8
	pageView bool
}

// attrInfo is what the aggregation needs to know about one attribute value.
type attrInfo struct {
	value   string
	key     int32 // key of "attr=value" (-1 over the limit), unused for the page attribute
	pageKey int32 // key of "page_view:value" for the page attribute (-1 over the limit)
	careers bool  // a careers or jobs page
}

// eventCounts are the event counters of a BuildReport.
type eventCounts struct {
	Events, EventsUnknownLead, EventsMissingLeadID, EventsMissingTimestamp, EventsMissingType, EventsKeyOverflow int
}

// eventReader folds event batches into per-row aggregates.
type eventReader struct {
	cfg   Config
	agg   folder
	nrows int

	keys     []string
	keyIndex map[string]int
	states   [][]aggState
	extra    []rowExtra
	active   []uint64

	seen      bool
	emailSeen bool
	sigSeen   [numSignals]bool
	maxTs     int64
	rep       eventCounts

	idCache   map[*datasets.Dict][]int32 // dict code -> lead index + 2 (0 unknown yet, 1 not a lead)
	types     []typeInfo
	typeIndex map[string]int32
	typeCache map[*datasets.Dict][]int32 // dict code -> type index + 1

	attrs      []string // attribute columns, page attribute first when present
	attrsSet   bool
	pageAttr   int // index in attrs of the page attribute, or -1
	attrVals   [][]attrInfo
	attrIndex  []map[string]int32
	attrCache  []map[*datasets.Dict][]int32 // per attr: dict code -> value index + 1
	store      *eventStore
	stream     *leadStream
	keyScratch []int32
}

// leadStream is the state of a build whose events come grouped by lead
// (BuildByLead): the current lead's events, kept until the next lead's.
type leadStream struct {
	visit func(row int, l *Lead)
	cur   int32  // the lead whose events are buffered, -1 none
	done  []bool // per lead: its events were visited
	first [][]typeFirst

	t     []int64
	typ   []int32
	attrs [][]int32 // per attribute
	perm  []int32
}

// typeFirst is the time of a lead's first event of a type.
type typeFirst struct {
	typ int32
	t   int64
}

func newEventReader(cfg Config, nrows int, keep bool) eventReader {
	f := newFolder(cfg.WindowDays, cfg.HalfLifeDays)
	r := eventReader{
		cfg: cfg, agg: f, nrows: nrows, keyIndex: map[string]int{},
		extra: make([]rowExtra, nrows), active: make([]uint64, nrows*f.words),
		maxTs: math.MinInt64, idCache: map[*datasets.Dict][]int32{},
		typeIndex: map[string]int32{}, typeCache: map[*datasets.Dict][]int32{}, pageAttr: -1,
	}
	if keep {
		r.store = &eventStore{}
	}
	return r
}

// key returns the index of the event key name, adding it while under the
// MaxKeys limit; -1 when over the limit.
func (r *eventReader) key(name string) int32 {
	if k, ok := r.keyIndex[name]; ok {
		return int32(k)
	}
	if len(r.keys) >= r.cfg.Events.MaxKeys {
		return -1
	}
	k := len(r.keys)
	r.keys = append(r.keys, name)
	r.keyIndex[name] = k
	r.states = append(r.states, make([]aggState, r.nrows))
	return int32(k)
}

func (r *eventReader) typeOf(name string) int32 {
	if i, ok := r.typeIndex[name]; ok {
		return i
	}
	t := typeInfo{name: name, key: r.key(name), email: int8(emailClass(name)), sig: int8(signalClass(name, "", false)),
		pageView: strings.EqualFold(name, r.cfg.Events.PageViewType)}
	i := int32(len(r.types))
	r.types = append(r.types, t)
	r.typeIndex[name] = i
	return i
}

func (r *eventReader) attrOf(a int, value string) int32 {
	if i, ok := r.attrIndex[a][value]; ok {
		return i
	}
	info := attrInfo{value: value, key: -1, pageKey: -1}
	if a == r.pageAttr {
		info.careers = containsFold(value, "career") || containsFold(value, "jobs")
	} else {
		info.key = r.key(r.attrs[a] + "=" + value)
	}
	i := int32(len(r.attrVals[a]))
	r.attrVals[a] = append(r.attrVals[a], info)
	r.attrIndex[a][value] = i
	return i
}

// resolveAttrs fixes the attribute columns from the configuration or, by
// default, the page and channel columns of the first batch.
func (r *eventReader) resolveAttrs(t *datasets.Table) {
	if r.attrsSet {
		return
	}
	r.attrsSet = true
	attrs := r.cfg.Events.Attrs
	if len(attrs) == 0 {
		for _, a := range []string{r.cfg.Events.PageAttr, "channel"} {
			if t.Col(a) != nil && !slices.Contains(attrs, a) {
				attrs = append(attrs, a)
			}
		}
	}
	for _, a := range attrs {
		if a == r.cfg.Events.PageAttr {
			r.pageAttr = len(r.attrs)
		}
		r.attrs = append(r.attrs, a)
		r.attrVals = append(r.attrVals, nil)
		r.attrIndex = append(r.attrIndex, map[string]int32{})
		r.attrCache = append(r.attrCache, map[*datasets.Dict][]int32{})
	}
	if r.store != nil {
		r.store.attrs = make([][]int32, len(r.attrs))
	}
}

// cached looks up code in a per-dictionary cache, growing it as the
// dictionary grows; 0 means not computed yet.
func cached(m map[*datasets.Dict][]int32, d *datasets.Dict, code int32) *int32 {
	s := m[d]
	if int(code) >= len(s) {
		s = append(s, make([]int32, d.Len()-len(s))...)
		m[d] = s
	}
	return &s[code]
}

// fold adds one batch of events.
func (r *eventReader) fold(b *builder, t *datasets.Table) error {
	ec := r.cfg.Events
	idc, err := t.MustCol(ec.LeadID)
	if err != nil {
		return fmt.Errorf("events: %w; set events.lead_id in leadscore.yaml", err)
	}
	tc, err := t.MustCol(ec.Timestamp)
	if err != nil {
		return fmt.Errorf("events: %w; set events.timestamp in leadscore.yaml", err)
	}
	if tc.Kind != datasets.KindTime {
		return fmt.Errorf("%s: events column %q is %s, not a timestamp; declare it as a timestamp", t.Source, tc.Name, tc.Kind)
	}
	yc, err := t.MustCol(ec.Type)
	if err != nil {
		return fmt.Errorf("events: %w; set events.type in leadscore.yaml", err)
	}
	r.resolveAttrs(t)
	// Text columns get a new dictionary with each batch: forget the codes
	// of earlier batches, so the caches stay the size of one batch.
	pruneCache(r.idCache, idc.Dict)
	pruneCache(r.typeCache, yc.Dict)
	acols := make([]*datasets.Column, len(r.attrs))
	for a, name := range r.attrs {
		c, err := t.MustCol(name)
		if err != nil {
			return fmt.Errorf("events: %w; list only existing columns in events.attrs", err)
		}
		acols[a] = c
		pruneCache(r.attrCache[a], c.Dict)
	}
	r.seen = true
	n := t.Rows()
	r.rep.Events += n
	if cap(r.keyScratch) < len(r.attrs)+1 {
		r.keyScratch = make([]int32, 0, len(r.attrs)+1)
	}
	attrVal := make([]int32, len(r.attrs))
	for i := 0; i < n; i++ {
		// Lead.
		li := int32(-1)
		if idc.Codes != nil {
			code := idc.Codes[i]
			if code == datasets.MissingCode {
				r.rep.EventsMissingLeadID++
				continue
			}
			p := cached(r.idCache, idc.Dict, code)
			if *p == 0 {
				*p = 1
				if l, ok := b.leadIndex[idc.Dict.Value(code)]; ok {
					*p = l + 2
				}
			}
			li = *p - 2
		} else {
			id := idString(idc, i)
			if id == "" {
				r.rep.EventsMissingLeadID++
				continue
			}
			if l, ok := b.leadIndex[id]; ok {
				li = l
			}
		}
		ts := tc.Time[i]
		if ts == datasets.MissingTime {
			r.rep.EventsMissingTimestamp++
			continue
		}
		r.maxTs = max(r.maxTs, ts)
		if li < 0 {
			r.rep.EventsUnknownLead++
			continue
		}
		// Type and keys.
		keys := r.keyScratch[:0]
		ti := int32(-1)
		email, sig := int8(emailNone), int8(sigNone)
		pageView := false
		if s, ok := cellString(yc, i); ok {
			if yc.Codes != nil {
				p := cached(r.typeCache, yc.Dict, yc.Codes[i])
				if *p == 0 {
					*p = r.typeOf(s) + 1
				}
				ti = *p - 1
			} else {
				ti = r.typeOf(s)
			}
			info := &r.types[ti]
			email, sig, pageView = info.email, info.sig, info.pageView
			if info.key >= 0 {
				keys = append(keys, info.key)
			} else {
				r.rep.EventsKeyOverflow++
			}
		} else {
			r.rep.EventsMissingType++
		}
		for a, c := range acols {
			attrVal[a] = -1
			s, ok := cellString(c, i)
			if !ok {
				continue
			}
			var vi int32
			if c.Codes != nil {
				p := cached(r.attrCache[a], c.Dict, c.Codes[i])
				if *p == 0 {
					*p = r.attrOf(a, s) + 1
				}
				vi = *p - 1
			} else {
				vi = r.attrOf(a, s)
			}
			attrVal[a] = vi
			info := &r.attrVals[a][vi]
			if a == r.pageAttr {
				if !pageView {
					continue
				}
				if info.pageKey == -1 {
					info.pageKey = r.key(r.cfg.Events.PageViewType + ":" + info.value)
					if info.pageKey == -1 {
						info.pageKey = -2
					}
				}
				if info.careers && sig == sigNone {
					sig = sigCareers
				}
				if info.pageKey >= 0 {
					keys = append(keys, info.pageKey)
				} else {
					r.rep.EventsKeyOverflow++
				}
				continue
			}
			if info.key >= 0 {
				keys = append(keys, info.key)
			} else {
				r.rep.EventsKeyOverflow++
			}
		}
		if email != emailNone {
			r.emailSeen = true
		}
		if sig != sigNone {
			r.sigSeen[sig] = true
		}
		r.foldEvent(b, li, ts, keys, email, sig)
		if r.store != nil {
			r.store.add(li, ts, ti, attrVal)
		}
		if s := r.stream; s != nil && b.rowCount[li] > 0 {
			if li != s.cur {
				r.flushLead(b)
				if s.done[li] {
					return fmt.Errorf("%s line %d: an event of lead %q after events of other leads: %w", t.Source, lineOf(t, i), idString(idc, i), ErrEventsNotGrouped)
				}
				s.cur = li
			}
			if len(s.attrs) < len(attrVal) {
				s.attrs = make([][]int32, len(attrVal))
			}
			s.t = append(s.t, ts)
			s.typ = append(s.typ, ti)
			for a, v := range attrVal {
				s.attrs[a] = append(s.attrs[a], v)
			}
		}
	}
	return nil
}

// pruneCache drops the entries of every dictionary but d.
func pruneCache(m map[*datasets.Dict][]int32, d *datasets.Dict) {
	for k := range m {
		if k != d {
			delete(m, k)
		}
	}
}

// flushLead visits the rows of the buffered lead with its events, records
// the first time of each of its event types and empties the buffer.
func (r *eventReader) flushLead(b *builder) {
	s := r.stream
	li := s.cur
	if li < 0 {
		return
	}
	s.cur = -1
	s.done[li] = true
	// In time order, ties in arrival order (as eventStore.finish).
	s.perm = s.perm[:0]
	for i := range s.t {
		s.perm = append(s.perm, int32(i))
	}
	slices.SortStableFunc(s.perm, func(a, c int32) int { return cmp.Compare(s.t[a], s.t[c]) })
	var first []typeFirst
	for _, p := range s.perm {
		if ti := s.typ[p]; ti >= 0 && !slices.ContainsFunc(first, func(f typeFirst) bool { return f.typ == ti }) {
			first = append(first, typeFirst{ti, s.t[p]})
		}
	}
	s.first[li] = first
	if s.visit != nil {
		var evs []Event
		if len(s.perm) > 0 {
			evs = make([]Event, len(s.perm))
		}
		for k, p := range s.perm {
			e := Event{Time: time.Unix(0, s.t[p]).UTC()}
			if ti := s.typ[p]; ti >= 0 {
				e.Type = r.types[ti].name
			}
			for a, name := range r.attrs {
				if v := s.attrs[a][p]; v >= 0 {
					if e.Attrs == nil {
						e.Attrs = make(map[string]string, len(r.attrs))
					}
					e.Attrs[name] = r.attrVals[a][v].value
				}
			}
			evs[k] = e
		}
		start, count := int(b.rowStart[li]), int(b.rowCount[li])
		for row := start; row < start+count; row++ {
			l := b.leadAt(row)
			cut := b.rowCutoff[row]
			m, _ := slices.BinarySearchFunc(evs, cut, func(e Event, c int64) int { return cmp.Compare(e.Time.UnixNano(), c) })
			if m > 0 {
				l.Events = evs[:m:m]
			}
			s.visit(row, l)
		}
	}
	s.t, s.typ = s.t[:0], s.typ[:0]
	for a := range s.attrs {
		s.attrs[a] = s.attrs[a][:0]
	}
}

// finishStream visits the last lead and then the leads without events.
func (r *eventReader) finishStream(b *builder) {
	s := r.stream
	r.flushLead(b)
	for li := range b.leadRow {
		if b.rowCount[li] > 0 && !s.done[li] {
			s.cur = int32(li)
			r.flushLead(b)
		}
	}
}

// foldEvent adds one event of lead li at ts to every row of the lead whose
// cutoff is strictly after ts.
func (r *eventReader) foldEvent(b *builder, li int32, ts int64, keys []int32, email, sig int8) {
	f := &r.agg
	start, count := int(b.rowStart[li]), int(b.rowCount[li])
	for row := start; row < start+count; row++ {
		c := b.rowCutoff[row]
		if ts >= c {
			continue
		}
		age := c - ts
		w := f.weight(age)
		ex := &r.extra[row]
		f.add(&ex.all, ts, age, w)
		if f.words > 0 {
			f.markActive(r.active[row*f.words:(row+1)*f.words], age)
		}
		if email != emailNone {
			ex.email[email]++
		}
		if sig != sigNone {
			ex.sig[sig]++
		}
		for _, k := range keys {
			f.add(&r.states[k][row], ts, age, w)
		}
	}
}

// eventStore keeps events columnar, grouped by lead after finish.
type eventStore struct {
	lead  []int32
	t     []int64
	typ   []int32   // index into typeNames, -1 missing
	attrs [][]int32 // per attribute: index into attrValues, -1 missing

	typeNames  []string
	attrNames  []string
	attrValues [][]string
	offsets    []int // per lead: events offsets[l]..offsets[l+1]
}

func (s *eventStore) add(li int32, ts int64, ti int32, attrVal []int32) {
	s.lead = append(s.lead, li)
	s.t = append(s.t, ts)
	s.typ = append(s.typ, ti)
	for a, v := range attrVal {
		s.attrs[a] = append(s.attrs[a], v)
	}
}

// finishStore sorts the events by lead and time and records the names.
func (r *eventReader) finishStore() {
	s := r.store
	s.typeNames = make([]string, len(r.types))
	for i, t := range r.types {
		s.typeNames[i] = t.name
	}
	s.attrNames = r.attrs
	s.attrValues = make([][]string, len(r.attrs))
	for a := range r.attrs {
		for _, v := range r.attrVals[a] {
			s.attrValues[a] = append(s.attrValues[a], v.value)
		}
	}
}

func (s *eventStore) finish(nLeads int) *eventStore {
	n := len(s.t)
	s.offsets = make([]int, nLeads+1)
	for _, l := range s.lead {
		s.offsets[l+1]++
	}
	for l := 0; l < nLeads; l++ {
		s.offsets[l+1] += s.offsets[l]
	}
	perm := make([]int32, n)
	pos := slices.Clone(s.offsets[:nLeads])
	for i, l := range s.lead {
		perm[pos[l]] = int32(i)
		pos[l]++
	}
	for l := 0; l < nLeads; l++ {
		seg := perm[s.offsets[l]:s.offsets[l+1]]
		slices.SortStableFunc(seg, func(a, b int32) int {
			switch {
			case s.t[a] < s.t[b]:
				return -1
			case s.t[a] > s.t[b]:
				return 1
			}
			return 0
		})
	}
	t := make([]int64, n)
	typ := make([]int32, n)
	for i, p := range perm {
		t[i], typ[i] = s.t[p], s.typ[p]
	}
	for a := range s.attrs {
		v := make([]int32, n)
		for i, p := range perm {
			v[i] = s.attrs[a][p]
		}
		s.attrs[a] = v
	}
	s.t, s.typ, s.lead = t, typ, nil
	return s
}

// events returns the events of lead l strictly before cutoff (Unix ns).
func (s *eventStore) events(l int, cutoff int64) []Event {
	lo, hi := s.offsets[l], s.offsets[l+1]
	var out []Event
	for i := lo; i < hi && s.t[i] < cutoff; i++ {
		e := Event{Time: time.Unix(0, s.t[i]).UTC()}
		if s.typ[i] >= 0 {
			e.Type = s.typeNames[s.typ[i]]
		}
		for a, name := range s.attrNames {
			if v := s.attrs[a][i]; v >= 0 {
				if e.Attrs == nil {
					e.Attrs = make(map[string]string, len(s.attrNames))
				}
				e.Attrs[name] = s.attrValues[a][v]
			}
		}
		out = append(out, e)
	}
	return out
}
