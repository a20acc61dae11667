package serve

import (
	"sync"
	"time"

	"github.com/leadscore/leadscore/datasets/store"
	"github.com/leadscore/leadscore/models"
)

// leadAnswers keeps the latest answer of GET /v1/leads/{id} per lead, so
// that a lead asked for again before anything about it changed is answered
// without reading its history or scoring it. An answer is reused only for
// the same key: the same served model (a promotion, reload or new rule
// sheet swaps the active model), the same lead version (any write to the
// lead's fields, created_at or events changes it, whoever commits it), the
// same as_of instant and the same options. The scoring path gives the same
// result for the same lead, model, moment and options, so a reused answer
// is byte for byte the one scoring would give again.
//
// Answers are computed once for all the requests that want the same one
// at the same time (a flight): when a second ends, every client of a
// popular lead would otherwise miss together and score it again each. And
// the first request in the last answerAhead of a second computes the
// lead's answer for the next second after sending its own, so that the
// next second's requests find it ready; like every answer it is used only
// while its key holds (a write before the next second changes the lead's
// version and it is computed again).
type leadAnswers struct {
	mu sync.RWMutex
	// m holds up to two answers per lead, in the slot of their moment's
	// second's parity, so the answer computed ahead for the next second
	// does not push out the current second's.
	m       map[string]*[2]*leadAnswer
	bytes   int // of all the bodies in m
	flights map[flightKey]*answerFlight
	// gen counts clears: a flight that started before one does not cache
	// its answer.
	gen int
}

// answerAhead is how long before the end of a second the lead's answer
// for the next second is computed.
const answerAhead = 100 * time.Millisecond

// flightKey names an answer being computed.
type flightKey struct {
	id  string
	key leadKey
}

// answerFlight is an answer being computed: ans (nil when it failed) is
// set before done is closed.
type answerFlight struct {
	done chan struct{}
	ans  *leadAnswer
	gen  int // c.gen when it started
}

// leadKey is what an answer depends on.
type leadKey struct {
	model    *active
	version  store.Version
	asOfSec  int64 // Unix seconds and nanoseconds of the moment
	asOfNsec int
	opt      models.ScoreOptions
}

// leadAnswer is one cached answer: the body sent and what each issue of it
// counts and logs. It is never modified once cached.
type leadAnswer struct {
	key  leadKey
	body []byte
	// counters are what an issue adds to the metrics (scoredCounters).
	counters []counted
	// entry is the prediction-log entry, its ScoredAt set per issue.
	entry store.Score
}

// Bounds of the cache: answers are about 1-3 KB each.
const (
	maxLeadAnswers     = 16384
	maxLeadAnswerBytes = 64 << 20
)

// slot is the slot of m[id] for key.
func (key leadKey) slot() int { return int(key.asOfSec & 1) }

// get returns the cached answer for id under key, or nil.
func (c *leadAnswers) get(id string, key leadKey) *leadAnswer {
	c.mu.RLock()
	var a *leadAnswer
	if s := c.m[id]; s != nil {
		a = s[key.slot()]
	}
	c.mu.RUnlock()
	if a == nil || a.key != key {
		return nil
	}
	return a
}

// lookup returns the cached answer for id under key; failing that the
// flight computing it, to wait for; failing that a new flight, which the
// caller must compute and land (lead true).
func (c *leadAnswers) lookup(id string, key leadKey) (a *leadAnswer, f *answerFlight, lead bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if s := c.m[id]; s != nil {
		if a := s[key.slot()]; a != nil && a.key == key {
			return a, nil, false
		}
	}
	fk := flightKey{id, key}
	if f := c.flights[fk]; f != nil {
		return nil, f, false
	}
	if c.flights == nil {
		c.flights = make(map[flightKey]*answerFlight)
	}
	f = &answerFlight{done: make(chan struct{}), gen: c.gen}
	c.flights[fk] = f
	return nil, f, true
}

// land ends the flight f for id under key with answer a (nil: it failed),
// caching a and releasing the flight's waiters.
func (c *leadAnswers) land(id string, key leadKey, f *answerFlight, a *leadAnswer) {
	c.mu.Lock()
	if a != nil && f.gen == c.gen {
		c.putLocked(id, a)
	}
	delete(c.flights, flightKey{id, key})
	c.mu.Unlock()
	f.ans = a
	close(f.done)
}

// put caches a as id's answer for its moment's second's slot, evicting
// answers at random to stay within the bounds.
func (c *leadAnswers) put(id string, a *leadAnswer) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.putLocked(id, a)
}

func (c *leadAnswers) putLocked(id string, a *leadAnswer) {
	if len(a.body) > maxLeadAnswerBytes/64 {
		return
	}
	if c.m == nil {
		c.m = make(map[string]*[2]*leadAnswer)
	}
	for k, v := range c.m {
		if len(c.m) < maxLeadAnswers && c.bytes+len(a.body) <= maxLeadAnswerBytes {
			break
		}
		if k == id {
			continue
		}
		for _, old := range v {
			if old != nil {
				c.bytes -= len(old.body)
			}
		}
		delete(c.m, k)
	}
	s := c.m[id]
	if s == nil {
		s = new([2]*leadAnswer)
		c.m[id] = s
	}
	i := a.key.slot()
	if old := s[i]; old != nil {
		c.bytes -= len(old.body)
	}
	s[i] = a
	c.bytes += len(a.body)
}

// clear drops every answer (the served model changed: none can be reused,
// and none should keep the old model in memory, so flights under way do
// not cache theirs).
func (c *leadAnswers) clear() {
	c.mu.Lock()
	c.m, c.bytes = nil, 0
	c.gen++
	c.mu.Unlock()
}
