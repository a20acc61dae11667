package serve

import (
	"sync"

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
type leadAnswers struct {
	mu    sync.RWMutex
	m     map[string]*leadAnswer
	bytes int // of all the bodies in m
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
	key     leadKey
	body    []byte
	outcome outcome
	// entry is the prediction-log entry, its ScoredAt set per issue.
	entry store.Score
}

// Bounds of the cache: answers are about 1-3 KB each.
const (
	maxLeadAnswers     = 16384
	maxLeadAnswerBytes = 64 << 20
)

// get returns the cached answer for id under key, or nil.
func (c *leadAnswers) get(id string, key leadKey) *leadAnswer {
	c.mu.RLock()
	a := c.m[id]
	c.mu.RUnlock()
	if a == nil || a.key != key {
		return nil
	}
	return a
}

// put caches a as id's answer, evicting answers at random to stay within
// the bounds.
func (c *leadAnswers) put(id string, a *leadAnswer) {
	if len(a.body) > maxLeadAnswerBytes/64 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = make(map[string]*leadAnswer)
	}
	if old, ok := c.m[id]; ok {
		c.bytes -= len(old.body)
		delete(c.m, id)
	}
	for k, v := range c.m {
		if len(c.m) < maxLeadAnswers && c.bytes+len(a.body) <= maxLeadAnswerBytes {
			break
		}
		c.bytes -= len(v.body)
		delete(c.m, k)
	}
	c.m[id] = a
	c.bytes += len(a.body)
}

// clear drops every answer (the served model changed: none can be reused,
// and none should keep the old model in memory).
func (c *leadAnswers) clear() {
	c.mu.Lock()
	c.m, c.bytes = nil, 0
	c.mu.Unlock()
}
