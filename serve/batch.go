package serve

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"runtime"
	"slices"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/leadscore/leadscore/datasets/store"
	"github.com/leadscore/leadscore/features"
	"github.com/leadscore/leadscore/models"
)

// Batch scoring.
//
// POST /v1/score/batch takes either a JSON array of leads (Content-Type
// application/json) or one lead per line (application/x-ndjson) and answers
// in the same form and order: each element is the lead's result, or
// {"index": i, "error": {...}} when that lead alone is invalid. A body larger
// than Config.MaxBatchBodyBytes (default 64 MiB) or holding more than
// Config.MaxBatchLeads leads (default 10,000) is refused whole with 413.
// Leads are scored in parallel chunks on every core.

// ndjsonTypes are the media types read as one lead per line.
var ndjsonTypes = map[string]bool{"application/x-ndjson": true, "application/jsonl": true, "application/x-jsonlines": true}

func (s *Server) handleBatch(c *gin.Context) {
	ndjson := ndjsonTypes[mediaType(c.ContentType())]
	opt, body, a := s.scoreRequest(c, func(mt string) bool { return mt == "application/json" || ndjsonTypes[mt] },
		"application/json (an array of leads) or application/x-ndjson (one lead per line)", s.cfg.MaxBatchBodyBytes)
	if a == nil {
		return
	}
	defer s.releaseBody(body)
	var items [][]byte
	var aerr *APIError
	if ndjson {
		items, aerr = splitLines(body.Bytes(), s.cfg.MaxBatchLeads)
	} else {
		items, aerr = splitArray(body.Bytes(), s.cfg.MaxBatchLeads)
	}
	if aerr == nil {
		aerr = oversizedLead(items, s.cfg.MaxBodyBytes)
	}
	if aerr != nil {
		s.writeError(c, aerr)
		return
	}
	c.Set(keyLeads, len(items))
	out, chunks, t := s.scoreBatch(a, items, opt, s.cfg.Now(), c.GetString(keyRequestID))
	defer s.release(out)
	if out != nil && out.tooLarge != nil {
		s.writeError(c, out.tooLarge)
		return
	}
	s.metrics.scored(a.version, &t)
	s.metrics.batchSize.Observe(float64(len(items)))
	writeChunks(c, chunks, ndjson)
}

// writeChunks writes the chunks as a JSON array or as NDJSON lines.
func writeChunks(c *gin.Context, chunks [][]byte, ndjson bool) {
	size := 0
	for _, ch := range chunks {
		size += len(ch) + 1
	}
	h := c.Writer.Header()
	if ndjson {
		h.Set("Content-Type", "application/x-ndjson")
	} else {
		h.Set("Content-Type", jsonType)
		size += 2
		if len(chunks) == 0 {
			size = 3
		}
	}
	h.Set("Content-Length", strconv.Itoa(size))
	c.Writer.WriteHeader(http.StatusOK)
	if ndjson {
		for _, ch := range chunks {
			c.Writer.Write(ch)
			c.Writer.Write(newline)
		}
		return
	}
	c.Writer.Write(openArray)
	for i, ch := range chunks {
		if i > 0 {
			c.Writer.Write(comma)
		}
		c.Writer.Write(ch)
	}
	c.Writer.Write(closeArray)
}

// The separators writeChunks writes (package-level, so writing them does
// not allocate).
var (
	newline    = []byte{'\n'}
	comma      = []byte{','}
	openArray  = []byte{'['}
	closeArray = []byte("]\n")
)

// batchRows are a batch's request items as models.Rows: each worker
// decodes its items with a decoder of its own.
type batchRows struct {
	a        *active
	items    [][]byte
	now      time.Time
	decoders []*decoder
	warnings [][]models.Warning // per worker: the decoded lead's
	errs     []*APIError        // per item: the decoder's error
}

func (r *batchRows) Len() int { return len(r.items) }

func (r *batchRows) Lead(w, i int) (*features.Lead, error) {
	l, warnings, aerr := r.decoders[w].decode(r.items[i], r.now)
	if aerr != nil {
		r.errs[i] = aerr
		return nil, aerr
	}
	r.warnings[w] = warnings
	return l, nil
}

// batchOut collects each worker's encoded results: item i's JSON is
// bufs[w][at[i].lo:at[i].hi] for the worker w = at[i].w that scored it.
type batchOut struct {
	bufs [][]byte
	at   []struct{ w, lo, hi int32 }
	// tooLarge is the first lead over a limit on one lead (too many
	// events), which refuses the whole batch with 413 naming its index.
	tooLarge *APIError
}

// oversizedLead refuses a batch holding a lead larger than a /v1/score
// body may be (Config.MaxBodyBytes): decoding a lead takes memory in
// proportion to its size, so the cap bounds a batch's memory by the
// number of workers, not by the body.
func oversizedLead(items [][]byte, max int64) *APIError {
	for i, it := range items {
		if int64(len(it)) > max {
			return &APIError{Status: http.StatusRequestEntityTooLarge, Code: CodeBodyTooLarge, Field: "[" + strconv.Itoa(i) + "]",
				Message: "the lead at index " + strconv.Itoa(i) + " is " + strconv.Itoa(len(it)) + " bytes; a lead may hold at most " + strconv.FormatInt(max, 10) + " (--max-body)"}
		}
	}
	return nil
}

// scoreBatch scores items through the model's scoring path on every core
// and returns each item's JSON (its result or its error object) in order,
// with the tally of tiers.
func (s *Server) scoreBatch(a *active, items [][]byte, opt models.ScoreOptions, now time.Time, reqID string) (*batchOut, [][]byte, tally) {
	n := len(items)
	if n == 0 {
		return nil, nil, tally{}
	}
	workers := min(runtime.GOMAXPROCS(0), n)
	rows := &batchRows{a: a, items: items, now: now, decoders: make([]*decoder, workers),
		warnings: make([][]models.Warning, workers), errs: make([]*APIError, n)}
	out := &batchOut{bufs: make([][]byte, workers), at: make([]struct{ w, lo, hi int32 }, n)}
	tallies := make([]tally, workers)
	var logs [][]store.Score
	if s.scores != nil {
		logs = make([][]store.Score, workers)
	}
	explained := 0
	if opt.Explain != 0 {
		explained = 1
	}
	per := s.resultBytes[explained].Load() * int64(n/workers+1) * 9 / 8
	for w := range workers {
		rows.decoders[w] = a.getDecoder()
		out.bufs[w] = slices.Grow((*s.getBytes())[:0], int(min(per, 4<<20)))
	}
	a.model.ScoreRows(rows, opt, workers, func(w, i int, res *models.Result, err error) {
		buf := out.bufs[w]
		lo := len(buf)
		if err == nil {
			var o outcome
			if buf, o, err = appendScored(buf, res, rows.warnings[w]); err == nil {
				tallies[w].add(o)
				if logs != nil {
					logs[w] = append(logs[w], scoreEntry(res, rows.decoders[w].lead.Cutoff, now, store.SourceBatch))
				}
			}
		}
		if err != nil {
			buf = buf[:lo]
			aerr := rows.errs[i]
			var pe *models.PanicError
			switch {
			case aerr != nil:
			case errors.As(err, &pe):
				s.log.Error("panic while scoring a batch lead", "request_id", reqID, "index", i, "panic", fmt.Sprint(pe.Value), "stack", string(pe.Stack))
				aerr = &APIError{Status: http.StatusInternalServerError, Code: CodeInternal, Message: "internal error; quote request id " + reqID}
				rows.decoders[w] = newDecoder(a.schema) // the old one may be half-way through a lead
			default:
				aerr = scoreError(err)
			}
			id := ""
			if rows.errs[i] == nil && pe == nil { // the lead was decoded
				id = rows.decoders[w].lead.ID
			}
			buf = appendItemError(buf, i, id, aerr)
		}
		out.bufs[w] = buf
		out.at[i] = struct{ w, lo, hi int32 }{int32(w), int32(lo), int32(len(buf))}
	})
	for _, d := range rows.decoders {
		a.putDecoder(d)
	}
	if logs != nil {
		var all []store.Score
		for _, l := range logs {
			all = append(all, l...)
		}
		s.logScores(all)
	}
	total := 0
	for _, b := range out.bufs {
		total += len(b)
	}
	s.resultBytes[explained].Store(int64(total / n))
	for i, aerr := range rows.errs {
		if aerr != nil && aerr.Status == http.StatusRequestEntityTooLarge {
			out.tooLarge = &APIError{Status: aerr.Status, Code: aerr.Code, Field: "[" + strconv.Itoa(i) + "]." + aerr.Field,
				Message: "the lead at index " + strconv.Itoa(i) + ": " + aerr.Message}
			break
		}
	}
	chunks := make([][]byte, n)
	for i, at := range out.at {
		chunks[i] = out.bufs[at.w][at.lo:at.hi]
	}
	var t tally
	for i := range tallies {
		t.merge(&tallies[i])
	}
	return out, chunks, t
}

// release returns the output buffers to the server's pool.
func (s *Server) release(out *batchOut) {
	if out == nil {
		return
	}
	for _, b := range out.bufs {
		s.putBytes(&b)
	}
}

// appendItemError appends {"index": i, "lead_id": id, "error": {...}}.
func appendItemError(dst []byte, i int, id string, aerr *APIError) []byte {
	dst = append(dst, `{"index":`...)
	dst = strconv.AppendInt(dst, int64(i), 10)
	if id != "" {
		dst = append(dst, `,"lead_id":`...)
		js, _ := json.Marshal(id)
		dst = append(dst, js...)
	}
	dst = append(dst, `,"error":`...)
	dst = appendErrorObject(dst, aerr)
	return append(dst, '}')
}

// splitArray splits a JSON array into its elements without decoding them,
// so each lead is decoded (and may fail) on its own. The array's structure
// (brackets, strings) must be well formed.
func splitArray(data []byte, maxItems int) ([][]byte, *APIError) {
	i := skipSpace(data, 0)
	if i >= len(data) || data[i] != '[' {
		return nil, badRequest(CodeMalformedJSON, "", "expected a JSON array of leads (or send Content-Type application/x-ndjson for one lead per line)")
	}
	i = skipSpace(data, i+1)
	var items [][]byte
	if i < len(data) && data[i] == ']' {
		i++
	} else {
		for {
			start := i
			end, ok := scanValue(data, i)
			if !ok {
				return nil, badRequest(CodeMalformedJSON, "", "malformed JSON: the array starting at byte %d is not closed or its brackets do not match", start)
			}
			v := trimSpace(data[start:end])
			if len(v) == 0 {
				return nil, badRequest(CodeMalformedJSON, "", "malformed JSON: empty array element at byte %d", start)
			}
			if len(items) == maxItems {
				return nil, tooMany(maxItems)
			}
			items = append(items, v)
			i = end + 1
			if data[end] == ']' {
				break
			}
		}
	}
	if skipSpace(data, i) != len(data) {
		return nil, badRequest(CodeMalformedJSON, "", "malformed JSON: unexpected data after the array at byte %d", i)
	}
	return items, nil
}

func tooMany(maxItems int) *APIError {
	return &APIError{Status: http.StatusRequestEntityTooLarge, Code: CodeBatchTooLarge, Message: "a batch holds at most " + strconv.Itoa(maxItems) + " leads; split it"}
}

// scanValue returns the index of the ',' or ']' that ends the array element
// starting at i.
func scanValue(data []byte, i int) (int, bool) {
	depth := 0
	inStr := false
	for ; i < len(data); i++ {
		ch := data[i]
		if inStr {
			if ch == '\\' {
				i++
			} else if ch == '"' {
				inStr = false
			}
			continue
		}
		switch ch {
		case '"':
			inStr = true
		case '{', '[':
			depth++
		case '}':
			if depth == 0 {
				return i, false
			}
			depth--
		case ']':
			if depth == 0 {
				return i, true
			}
			depth--
		case ',':
			if depth == 0 {
				return i, true
			}
		}
	}
	return i, false
}

// splitLines splits NDJSON into its non-blank lines.
func splitLines(data []byte, maxItems int) ([][]byte, *APIError) {
	var items [][]byte
	for len(data) > 0 {
		line := data
		j := bytes.IndexByte(data, '\n')
		if j >= 0 {
			line, data = data[:j], data[j+1:]
		} else {
			data = nil
		}
		line = trimSpace(line)
		if len(line) == 0 {
			continue
		}
		if len(items) == maxItems {
			return nil, tooMany(maxItems)
		}
		items = append(items, line)
	}
	return items, nil
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func skipSpace(data []byte, i int) int {
	for i < len(data) && isSpace(data[i]) {
		i++
	}
	return i
}

func trimSpace(b []byte) []byte {
	i, j := 0, len(b)
	for i < j && isSpace(b[i]) {
		i++
	}
	for j > i && isSpace(b[j-1]) {
		j--
	}
	return b[i:j]
}
