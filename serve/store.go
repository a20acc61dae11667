package serve

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/leadscore/leadscore/datasets/store"
	"github.com/leadscore/leadscore/features"
	"github.com/leadscore/leadscore/models"
)

// LeadStore is what the API needs of the lead store (*store.Store): writes
// of leads, events and outcomes (each call one transaction, committed when
// it returns nil, with the leads' rescores left pending in the same
// transaction), a lead as of a moment, and the prediction log.
type LeadStore interface {
	UpsertLeads(ctx context.Context, leads []store.Lead, now time.Time, fieldOrder []string, rescore string) (store.LeadCounts, error)
	AppendEvents(ctx context.Context, events []store.Event, now time.Time, rescore string) (int, error)
	RecordOutcomes(ctx context.Context, outs []store.Outcome, now time.Time, rescore string) (int, error)
	Lead(ctx context.Context, id string, asOf time.Time, maxEvents int, dst []store.Event) (*store.Record, error)
	LeadVersion(ctx context.Context, id string) (store.Version, error)
	LeadWithVersion(ctx context.Context, id string, v store.Version, asOf time.Time, maxEvents int, dst []store.Event) (*store.Record, error)
	LogScores(ctx context.Context, scores []store.Score) error
	LeadScores(ctx context.Context, leadID string, before int64, limit int) ([]store.Score, error)
	Scores(ctx context.Context, since time.Time, after int64, limit int) ([]store.Score, error)
	PruneScores(ctx context.Context, before time.Time) (int64, error)
	Redacted() string
	Close() error
}

// Error codes of the store endpoints.
const (
	CodeUnknownLead = "unknown_lead"
	CodeStore       = "store_unavailable"
)

// Store is the lead store, nil when the server keeps none.
func (s *Server) Store() LeadStore { return s.store }

func noStore() *APIError {
	return &APIError{Status: http.StatusNotFound, Code: CodeNotFound, Message: "this server keeps no lead store (started with --store none)"}
}

func storeError(err error) *APIError {
	return &APIError{Status: http.StatusServiceUnavailable, Code: CodeStore, Message: "the lead store did not take the request; nothing of it was written; retry: " + err.Error()}
}

// ingestRequest reads an ingestion body (one JSON object or an array of
// them) and its ?partial= flag, and returns the items with the tape that
// validated them. On failure it has answered.
func (s *Server) ingestRequest(c *gin.Context) (items [][]byte, t *tape, partial bool, release func(), ok bool) {
	if s.store == nil {
		s.writeError(c, noStore())
		return nil, nil, false, nil, false
	}
	if mt := mediaType(c.ContentType()); mt != "application/json" {
		s.writeError(c, unsupported(mt, "application/json (one object or an array of them)"))
		return nil, nil, false, nil, false
	}
	switch v := c.Query("partial"); strings.ToLower(v) {
	case "", "0", "false", "no":
	case "1", "true", "yes":
		partial = true
	default:
		s.writeError(c, badRequest(CodeInvalidParameter, "partial", "expected 1 or 0, got %q", v))
		return nil, nil, false, nil, false
	}
	body, aerr := s.readBody(c, s.cfg.MaxBatchBodyBytes)
	if aerr != nil {
		s.writeError(c, aerr)
		return nil, nil, false, nil, false
	}
	data := body.Bytes()
	t = &tape{}
	t.reset(data)
	sc := scanner{b: data, t: t}
	sc.skipWS()
	if sc.i >= len(data) {
		s.releaseBody(body)
		s.writeError(c, badRequest(CodeMalformedJSON, "", "the body is empty; send an object or an array of objects"))
		return nil, nil, false, nil, false
	}
	top, aerr := sc.value(0)
	if aerr == nil {
		if sc.skipWS(); sc.i < len(data) {
			aerr = badRequest(CodeMalformedJSON, "", "malformed JSON at byte %d: unexpected data after the value", sc.i)
		}
	}
	if aerr == nil {
		switch top[0] {
		case '{':
			items = [][]byte{top}
		case '[':
			aerr = eachElement(top, t, func(i int, raw []byte) *APIError {
				if i == s.cfg.MaxBatchLeads {
					return &APIError{Status: http.StatusRequestEntityTooLarge, Code: CodeBatchTooLarge, Message: "a request holds at most " + strconv.Itoa(s.cfg.MaxBatchLeads) + " items (--max-batch-leads); split it"}
				}
				items = append(items, raw)
				return nil
			})
		default:
			aerr = badRequest(CodeMalformedJSON, "", "expected an object or an array of objects, got %s", describe(top))
		}
	}
	if aerr != nil {
		s.releaseBody(body)
		s.writeError(c, aerr)
		return nil, nil, false, nil, false
	}
	return items, t, partial, func() { s.releaseBody(body) }, true
}

// itemError is one rejected item of an ingestion request.
type itemError struct {
	Index int       `json:"index"`
	Error *APIError `json:"error"`
}

// itemFailure prefixes an item's error with its index: "[3].type".
func itemFailure(i int, aerr *APIError) *APIError {
	e := *aerr
	e.Field = "[" + strconv.Itoa(i) + "]"
	if aerr.Field != "" {
		e.Field += "." + aerr.Field
	}
	e.Message = "item " + strconv.Itoa(i) + ": " + e.Message
	return &e
}

// decodeItems runs decode over every item. Without partial the first bad
// item refuses the request (answered here, ok false); with it the bad items
// are listed and the good ones kept.
func (s *Server) decodeItems(c *gin.Context, items [][]byte, partial bool, decode func(i int, raw []byte) *APIError) (rejected []itemError, ok bool) {
	for i, raw := range items {
		aerr := decode(i, raw)
		if aerr == nil {
			continue
		}
		if !partial {
			s.writeError(c, itemFailure(i, aerr))
			return nil, false
		}
		rejected = append(rejected, itemError{Index: i, Error: aerr})
	}
	return rejected, true
}

// ingestKeys reads an item's members into fn, refusing keys given twice.
func ingestMembers(raw []byte, t *tape, what string, fn func(key string, v []byte) *APIError) *APIError {
	if raw[0] != '{' {
		return badRequest(CodeInvalidField, "", "expected %s object, got %s", what, describe(raw))
	}
	seen := make(map[string]bool, 8)
	return eachMember(raw, t, func(key, v []byte) *APIError {
		k := string(key)
		if seen[k] {
			return duplicateKey(k)
		}
		seen[k] = true
		return fn(k, v)
	})
}

// requiredString reads a non-empty string (numbers keep their spelling).
func requiredString(v []byte, field string) (string, *APIError) {
	str, aerr := decodeString(v, field)
	if aerr == nil && str == "" {
		aerr = badRequest(CodeMissingField, field, "expected a non-empty string")
	}
	return str, aerr
}

// IngestAnswer is the answer of the ingestion endpoints.
type IngestAnswer struct {
	// Accepted items were valid and are committed.
	Accepted int `json:"accepted"`
	// Leads: Created, Changed (a new version of the fields), Unchanged.
	Created   *int `json:"created,omitempty"`
	Changed   *int `json:"changed,omitempty"`
	Unchanged *int `json:"unchanged,omitempty"`
	// Events: Inserted are new; Duplicates repeat a stored event_id.
	Inserted   *int `json:"inserted,omitempty"`
	Duplicates *int `json:"duplicates,omitempty"`
	// Rejected lists the bad items (with ?partial=1 only).
	Rejected []itemError `json:"rejected"`
}

func (s *Server) handleLeadsPost(c *gin.Context) {
	items, t, partial, release, ok := s.ingestRequest(c)
	if !ok {
		return
	}
	defer release()
	now := s.cfg.Now()
	limit := now.Add(maxFuture)
	leads := make([]store.Lead, 0, len(items))
	var order []string
	seenName := map[string]bool{}
	rejected, ok := s.decodeItems(c, items, partial, func(i int, raw []byte) *APIError {
		var l store.Lead
		var hasCreated bool
		aerr := ingestMembers(raw, t, "a lead", func(key string, v []byte) *APIError {
			var aerr *APIError
			switch key {
			case "lead_id":
				l.ID, aerr = requiredString(v, "lead_id")
			case "created_at":
				var missing bool
				l.Created, missing, aerr = decodeTimeValue(v, "created_at", limit)
				hasCreated = !missing
			case "fields":
				f, names, ierr := store.CanonicalFields(json.RawMessage(v))
				if ierr != nil {
					return badRequest(CodeInvalidField, ierr.Field, "%s", ierr.Message)
				}
				l.Fields = f
				for _, n := range names {
					if !seenName[n] {
						seenName[n] = true
						order = append(order, n)
					}
				}
			default:
				aerr = badRequest(CodeUnknownKey, key, "unknown key; a lead has lead_id, created_at and fields")
			}
			return aerr
		})
		if aerr == nil && l.ID == "" {
			aerr = badRequest(CodeMissingField, "lead_id", "every lead needs a lead_id")
		}
		if aerr == nil && !hasCreated {
			aerr = badRequest(CodeMissingField, "created_at", "every lead needs created_at (RFC 3339)")
		}
		if aerr != nil {
			return aerr
		}
		if l.Fields == nil {
			l.Fields = json.RawMessage("{}")
		}
		leads = append(leads, l)
		return nil
	})
	if !ok {
		return
	}
	counts, err := s.store.UpsertLeads(c.Request.Context(), leads, now, order, store.RescoreActivity)
	if err != nil {
		s.writeError(c, storeError(err))
		return
	}
	s.metrics.ingested("leads", len(leads), 0, len(rejected))
	s.notifyActivity(leadIDs(leads, func(l store.Lead) string { return l.ID }), now)
	c.Set(keyLeads, len(leads))
	ans := IngestAnswer{Accepted: len(leads), Created: &counts.Created, Changed: &counts.Changed, Unchanged: &counts.Unchanged, Rejected: orEmpty(rejected)}
	s.writeJSON(c, http.StatusOK, ans)
}

func orEmpty(r []itemError) []itemError {
	if r == nil {
		return []itemError{}
	}
	return r
}

func (s *Server) handleEventsPost(c *gin.Context) {
	items, t, partial, release, ok := s.ingestRequest(c)
	if !ok {
		return
	}
	defer release()
	now := s.cfg.Now()
	limit := now.Add(maxFuture)
	events := make([]store.Event, 0, len(items))
	rejected, ok := s.decodeItems(c, items, partial, func(i int, raw []byte) *APIError {
		var e store.Event
		var hasTime bool
		aerr := ingestMembers(raw, t, "an event", func(key string, v []byte) *APIError {
			var aerr *APIError
			switch key {
			case "lead_id":
				e.LeadID, aerr = requiredString(v, "lead_id")
			case "event_id":
				e.EventID, aerr = decodeString(v, "event_id")
			case "type":
				e.Type, aerr = requiredString(v, "type")
			case "timestamp":
				var missing bool
				e.Time, missing, aerr = decodeTimeValue(v, "timestamp", limit)
				hasTime = !missing
			default:
				if isNull(v) {
					return nil
				}
				if v[0] == '{' || v[0] == '[' {
					return badRequest(CodeInvalidField, key, "an event attribute is a string, number or boolean, got %s", describe(v))
				}
				str, aerr := decodeString(v, key)
				if aerr != nil {
					return aerr
				}
				if e.Attrs == nil {
					e.Attrs = make(map[string]string, 4)
				}
				e.Attrs[key] = str
			}
			return aerr
		})
		switch {
		case aerr != nil:
		case e.LeadID == "":
			aerr = badRequest(CodeMissingField, "lead_id", "every event needs a lead_id")
		case e.Type == "":
			aerr = badRequest(CodeMissingField, "type", "every event needs a type")
		case !hasTime:
			aerr = badRequest(CodeMissingField, "timestamp", "every event needs a timestamp (RFC 3339)")
		}
		if aerr != nil {
			return aerr
		}
		events = append(events, e)
		return nil
	})
	if !ok {
		return
	}
	n, err := s.store.AppendEvents(c.Request.Context(), events, now, store.RescoreActivity)
	if err != nil {
		s.writeError(c, storeError(err))
		return
	}
	dups := len(events) - n
	s.metrics.ingested("events", n, dups, len(rejected))
	s.notifyActivity(leadIDs(events, func(e store.Event) string { return e.LeadID }), now)
	ans := IngestAnswer{Accepted: len(events), Inserted: &n, Duplicates: &dups, Rejected: orEmpty(rejected)}
	s.writeJSON(c, http.StatusOK, ans)
}

func (s *Server) handleOutcomesPost(c *gin.Context) {
	items, t, partial, release, ok := s.ingestRequest(c)
	if !ok {
		return
	}
	defer release()
	now := s.cfg.Now()
	limit := now.Add(maxFuture)
	outs := make([]store.Outcome, 0, len(items))
	rejected, ok := s.decodeItems(c, items, partial, func(i int, raw []byte) *APIError {
		o := store.Outcome{Amount: math.NaN()}
		var hasTime bool
		aerr := ingestMembers(raw, t, "an outcome", func(key string, v []byte) *APIError {
			var aerr *APIError
			switch key {
			case "lead_id":
				o.LeadID, aerr = requiredString(v, "lead_id")
			case "converted_at":
				var missing bool
				o.ConvertedAt, missing, aerr = decodeTimeValue(v, "converted_at", limit)
				hasTime = !missing
			case "amount":
				if !isNull(v) {
					var missing bool
					o.Amount, missing, aerr = decodeNumber(v, "amount")
					if missing {
						o.Amount = math.NaN()
					}
				}
			case "status":
				o.Status, aerr = decodeString(v, "status")
			default:
				aerr = badRequest(CodeUnknownKey, key, "unknown key; an outcome has lead_id, converted_at, amount and status")
			}
			return aerr
		})
		if aerr == nil && !hasTime {
			aerr = badRequest(CodeMissingField, "converted_at", "every outcome needs converted_at (RFC 3339)")
		}
		if aerr == nil {
			if ierr := store.CheckOutcome(&o); ierr != nil {
				aerr = badRequest(CodeInvalidField, ierr.Field, "%s", ierr.Message)
			}
		}
		if aerr != nil {
			return aerr
		}
		outs = append(outs, o)
		return nil
	})
	if !ok {
		return
	}
	if _, err := s.store.RecordOutcomes(c.Request.Context(), outs, now, store.RescoreOutcome); err != nil {
		s.writeError(c, storeError(err))
		return
	}
	s.metrics.ingested("outcomes", len(outs), 0, len(rejected))
	s.notifyOutcome(leadIDs(outs, func(o store.Outcome) string { return o.LeadID }), now)
	s.writeJSON(c, http.StatusOK, IngestAnswer{Accepted: len(outs), Rejected: orEmpty(rejected)})
}

// asOfResolution is the resolution of GET /v1/leads/{id}'s default
// moment: without ?as_of= a lead is scored as of the server's clock
// rounded up to the next whole second, which the answer states in as_of.
// Rounding up keeps every write acknowledged before the request in the
// answer (a new version of the fields is valid from the server's clock at
// the write). Within one second a lead's answer changes only when the lead
// or the model does, so it can be issued again from memory (leadAnswers).
const asOfResolution = time.Second

// defaultAsOf is the moment GET /v1/leads/{id} scores at without ?as_of=.
func defaultAsOf(now time.Time) time.Time {
	t := now.Truncate(asOfResolution)
	if t.Before(now) {
		t = t.Add(asOfResolution)
	}
	return t
}

// handleLead answers GET /v1/leads/{id}: the lead's score from its stored
// fields and events as of now (or ?as_of=), through the scoring path, with
// the moment, its fields and event count. The answer last issued for the
// lead is issued again, logged as a new score, when the lead's version
// (read from the store on every request), the model, the moment and the
// options are the same; requests that miss together share one scoring
// (leadAnswers), and near the end of a second the next second's answer
// is computed ahead.
func (s *Server) handleLead(c *gin.Context) {
	if s.store == nil {
		s.writeError(c, noStore())
		return
	}
	q := c.Request.URL.Query() // parsed once
	opt, aerr := queryOptions(q)
	if aerr != nil {
		s.writeError(c, aerr)
		return
	}
	now := s.cfg.Now().UTC()
	asOf := defaultAsOf(now)
	explicit := false
	if v := q.Get("as_of"); v != "" {
		t, ok := parseTime(v)
		if !ok {
			s.writeError(c, badRequest(CodeInvalidParameter, "as_of", "expected a timestamp (RFC 3339 or 2006-01-02), got %q", v))
			return
		}
		if t.After(now.Add(maxFuture)) {
			s.writeError(c, badRequest(CodeFutureTimestamp, "as_of", "%s is more than a day after the server's clock", t.Format(time.RFC3339Nano)))
			return
		}
		asOf, explicit = t.UTC(), true
	}
	a := s.reg.current()
	if a == nil {
		s.writeError(c, noModel(s.cfg.ModelsDir))
		return
	}
	id := c.Param("id")
	c.Set(keyLeads, 1)
	ctx := c.Request.Context()
	version, err := s.store.LeadVersion(ctx, id)
	if err != nil {
		s.writeError(c, leadError(err))
		return
	}
	key := leadKey{model: a, version: version, asOfSec: asOf.Unix(), asOfNsec: asOf.Nanosecond(), opt: opt}
	ans := s.answers.get(id, key)
	if ans == nil {
		if ans, aerr = s.leadAnswer(ctx, a, id, key, asOf); aerr != nil {
			s.writeError(c, aerr)
			return
		}
	}
	s.issueLead(c, a, ans, now)
	if !explicit && asOf.Sub(now) <= answerAhead {
		s.answerAhead(c, a, id, key, asOf.Add(asOfResolution))
	}
}

// leadAnswer returns lead id's answer under key (as of asOf), computing it
// once for every request that asks for it meanwhile.
func (s *Server) leadAnswer(ctx context.Context, a *active, id string, key leadKey, asOf time.Time) (*leadAnswer, *APIError) {
	ans, f, lead := s.answers.lookup(id, key)
	switch {
	case ans != nil:
		return ans, nil
	case !lead:
		<-f.done
		if f.ans != nil {
			return f.ans, nil
		}
		// The flight failed (its request may have gone): compute it here.
		return s.computeLead(ctx, a, id, key, asOf)
	}
	ans, aerr := s.computeLead(ctx, a, id, key, asOf)
	s.answers.land(id, key, f, ans)
	return ans, aerr
}

// answerAhead computes lead id's answer as of next, the next second's
// default moment, after flushing the request's own answer, unless it is
// cached or being computed already. It is cached under the lead's version
// it was computed from, so a write to the lead before the next second's
// requests makes them compute it again.
func (s *Server) answerAhead(c *gin.Context, a *active, id string, key leadKey, next time.Time) {
	key.asOfSec, key.asOfNsec = next.Unix(), next.Nanosecond()
	if s.answers.get(id, key) != nil {
		return
	}
	ans, f, lead := s.answers.lookup(id, key)
	if ans != nil || !lead {
		return
	}
	c.Writer.Flush()
	ans, _ = s.computeLead(context.WithoutCancel(c.Request.Context()), a, id, key, next)
	s.answers.land(id, key, f, ans)
}

// computeLead reads lead id's record under key.version as of asOf and
// scores it through the scoring path: the answer's body, with the moment,
// the lead's fields and its event count, keyed by the version the record
// was read under.
func (s *Server) computeLead(ctx context.Context, a *active, id string, key leadKey, asOf time.Time) (*leadAnswer, *APIError) {
	rec, err := s.store.LeadWithVersion(ctx, id, key.version, asOf, s.cfg.MaxEventsPerLead, nil)
	if err != nil {
		return nil, leadError(err)
	}
	out := s.getBytes()
	defer s.putBytes(out)
	buf, o, sr, aerr := s.scoreStored(a, (*out)[:0], rec, asOf, key.opt, asOf)
	*out = buf
	if aerr != nil {
		return nil, aerr
	}
	// The result object, with the moment, the lead's fields and its event
	// count.
	buf = buf[:len(buf)-1]
	buf = append(buf, `,"as_of":"`...)
	buf = asOf.AppendFormat(buf, time.RFC3339Nano)
	buf = append(buf, `","fields":`...)
	buf = append(buf, rec.Fields...)
	buf = append(buf, `,"event_count":`...)
	buf = strconv.AppendInt(buf, int64(len(rec.Events)), 10)
	buf = append(buf, '}', '\n')
	*out = buf
	key.version = rec.Version // what the answer was computed from
	return &leadAnswer{key: key, body: slices.Clone(buf), counters: s.metrics.scoredCounters(a.version, o), entry: sr}, nil
}

// issueLead counts, logs (scored now) and writes an answer of GET
// /v1/leads/{id}.
func (s *Server) issueLead(c *gin.Context, a *active, ans *leadAnswer, now time.Time) {
	addCounted(ans.counters)
	if s.scores != nil {
		e := ans.entry
		e.ScoredAt = now
		s.scores.addOne(e)
	}
	writeBytesOnce(c, http.StatusOK, jsonType, ans.body)
}

// leadError is the answer to a failed read of a stored lead.
func leadError(err error) *APIError {
	var tm *store.TooManyEventsError
	switch {
	case errors.Is(err, store.ErrNotFound):
		return &APIError{Status: http.StatusNotFound, Code: CodeUnknownLead, Message: "no lead with this id is stored; send it to POST /v1/leads first"}
	case errors.As(err, &tm):
		return tooManyEvents(tm.Max)
	}
	return storeError(err)
}

// scoreStored scores a stored lead through the model's scoring path: its
// fields are read by the request decoder's rules (decoder.decodeFields), so
// a stored lead scores exactly as the same lead sent to POST /v1/score.
func (s *Server) scoreStored(a *active, dst []byte, rec *store.Record, asOf time.Time, opt models.ScoreOptions, now time.Time) ([]byte, outcome, store.Score, *APIError) {
	d := a.getDecoder()
	l, warnings, aerr := d.stored(rec, asOf)
	if aerr != nil {
		a.putDecoder(d)
		return dst, outcome{}, store.Score{}, aerr
	}
	sc := a.getScorer()
	res := &d.res
	err := sc.ScoreInto(l, opt, res)
	a.putScorer(sc)
	if err != nil {
		a.putDecoder(d)
		return dst, outcome{}, store.Score{}, scoreError(err)
	}
	out, o, err := appendScored(dst, res, warnings)
	var logged store.Score
	if err == nil {
		logged = scoreEntry(res, asOf, now, store.SourceLead)
	}
	a.putDecoder(d)
	if err != nil {
		return dst, outcome{}, store.Score{}, scoreError(err)
	}
	return out, o, logged, nil
}

// stored turns a stored lead into the decoder's lead, scored at asOf.
func (d *decoder) stored(rec *store.Record, asOf time.Time) (*features.Lead, []models.Warning, *APIError) {
	l := d.reset(asOf)
	l.ID = rec.ID
	d.tape.reset(rec.Fields)
	sc := scanner{b: rec.Fields, t: &d.tape}
	sc.skipWS()
	top, aerr := sc.value(0)
	if aerr != nil {
		return nil, nil, &APIError{Status: http.StatusInternalServerError, Code: CodeInternal, Message: "the stored fields of lead " + rec.ID + " are not valid JSON: " + aerr.Message}
	}
	warnings, aerr := d.decodeFields(top, l, asOf.Add(maxFuture))
	if aerr != nil {
		return nil, nil, aerr
	}
	if !rec.Created.IsZero() {
		l.Created = rec.Created
	}
	for _, e := range rec.Events {
		typ, ok := d.sc.eventTypes[e.Type]
		if !ok {
			typ = d.str([]byte(e.Type))
		}
		l.Events = append(l.Events, features.Event{Type: typ, Time: e.Time, Attrs: e.Attrs})
	}
	d.events = l.Events[:0]
	return l, warnings, nil
}

// scoreEntry is the prediction-log entry of a result.
func scoreEntry(res *models.Result, asOf, now time.Time, source string) store.Score {
	e := store.Score{LeadID: res.LeadID, ScoredAt: now, AsOf: asOf, Source: source,
		ModelName: res.Model.Name, ModelVersion: res.Model.Version, Probability: res.Probability,
		Score: res.Score, Grade: res.Grade, Tier: res.Tier, RulesPoints: math.NaN(), RulesProbability: math.NaN()}
	if res.Rules != nil {
		e.RulesPoints, e.RulesTier, e.RulesProbability = res.Rules.Points, res.Rules.Tier, res.RulesProbability
	}
	if res.Explanation != nil && len(res.Explanation.Contributions) > 0 {
		if js, err := json.Marshal(res.Explanation.Contributions); err == nil {
			e.Reasons = js
		}
	}
	return e
}

// ScoresPage is the answer of GET /v1/leads/{id}/scores and GET /v1/scores.
type ScoresPage struct {
	Scores []store.Score `json:"scores"`
	// Next is the cursor of the next page (before= for a lead's scores,
	// after= for the log); absent on the last page.
	Next *int64 `json:"next,omitempty"`
}

// pageLimit reads ?limit= (default 100, at most 1000).
func pageLimit(c *gin.Context) (int, *APIError) {
	v := c.Query("limit")
	if v == "" {
		return 100, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > 1000 {
		return 0, badRequest(CodeInvalidParameter, "limit", "expected a page size from 1 to 1000, got %q", v)
	}
	return n, nil
}

func cursor(c *gin.Context, name string) (int64, *APIError) {
	v := c.Query(name)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		return 0, badRequest(CodeInvalidParameter, name, "expected the next cursor of the previous page, got %q", v)
	}
	return n, nil
}

// handleLeadScores answers GET /v1/leads/{id}/scores: the lead's score
// history, newest first, paged with ?before=.
func (s *Server) handleLeadScores(c *gin.Context) {
	if s.store == nil {
		s.writeError(c, noStore())
		return
	}
	limit, aerr := pageLimit(c)
	if aerr == nil {
		var before int64
		if before, aerr = cursor(c, "before"); aerr == nil {
			scores, err := s.store.LeadScores(c.Request.Context(), c.Param("id"), before, limit)
			if err != nil {
				s.writeError(c, storeError(err))
				return
			}
			s.writeJSON(c, http.StatusOK, scoresPage(scores, limit))
			return
		}
	}
	s.writeError(c, aerr)
}

// handleScores answers GET /v1/scores?since=T: the prediction log in the
// order it was written, paged with ?after=.
func (s *Server) handleScores(c *gin.Context) {
	if s.store == nil {
		s.writeError(c, noStore())
		return
	}
	var since time.Time
	if v := c.Query("since"); v != "" {
		t, ok := parseTime(v)
		if !ok {
			s.writeError(c, badRequest(CodeInvalidParameter, "since", "expected a timestamp (RFC 3339 or 2006-01-02), got %q", v))
			return
		}
		since = t
	}
	limit, aerr := pageLimit(c)
	if aerr != nil {
		s.writeError(c, aerr)
		return
	}
	after, aerr := cursor(c, "after")
	if aerr != nil {
		s.writeError(c, aerr)
		return
	}
	if since.IsZero() {
		since = time.Unix(0, 0)
	}
	scores, err := s.store.Scores(c.Request.Context(), since, after, limit)
	if err != nil {
		s.writeError(c, storeError(err))
		return
	}
	s.writeJSON(c, http.StatusOK, scoresPage(scores, limit))
}

// scoresPage is one page of the prediction log: a full page (limit scores)
// points to the next with the last score's id; no scores is an empty list.
func scoresPage(scores []store.Score, limit int) ScoresPage {
	page := ScoresPage{Scores: scores}
	if len(scores) == limit {
		next := scores[len(scores)-1].ID
		page.Next = &next
	}
	if page.Scores == nil {
		page.Scores = []store.Score{}
	}
	return page
}
