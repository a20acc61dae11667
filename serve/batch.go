package serve

import (
	"bytes"
	"fmt"
	"net/http"
	"runtime"
	"runtime/debug"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gin-gonic/gin"
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
	defer s.putBuf(body)
	var items [][]byte
	var aerr *APIError
	if ndjson {
		items, aerr = splitLines(body.Bytes(), s.cfg.MaxBatchLeads)
	} else {
		items, aerr = splitArray(body.Bytes(), s.cfg.MaxBatchLeads)
	}
	if aerr != nil {
		s.writeError(c, aerr)
		return
	}
	c.Set(keyLeads, len(items))
	sep := byte(',')
	if ndjson {
		sep = '\n'
	}
	chunks, t := s.scoreBatch(a, items, opt, s.cfg.Now(), sep, c.GetString(keyRequestID))
	defer func() {
		for _, ch := range chunks {
			s.putBytes(ch)
		}
	}()
	s.metrics.scored(a.version, &t)
	s.metrics.batchSize.Observe(float64(len(items)))
	writeChunks(c, chunks, ndjson)
}

// writeChunks writes the chunks as a JSON array or as NDJSON lines.
func writeChunks(c *gin.Context, chunks []*[]byte, ndjson bool) {
	size := 0
	for _, ch := range chunks {
		size += len(*ch) + 1
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
			c.Writer.Write(append(*ch, '\n'))
		}
		return
	}
	c.Writer.Write([]byte{'['})
	for i, ch := range chunks {
		if i > 0 {
			c.Writer.Write([]byte{','})
		}
		c.Writer.Write(*ch)
	}
	c.Writer.Write([]byte("]\n"))
}

// scoreBatch scores items in parallel chunks, each chunk's results joined by
// sep, and returns the chunks in order with the tally of tiers.
func (s *Server) scoreBatch(a *active, items [][]byte, opt ScoreOptions, now time.Time, sep byte, reqID string) ([]*[]byte, tally) {
	n := len(items)
	if n == 0 {
		return nil, tally{}
	}
	workers := runtime.GOMAXPROCS(0)
	size := min(max(n/(workers*4), 16), 512)
	nch := (n + size - 1) / size
	chunks := make([]*[]byte, nch)
	workers = min(workers, nch)
	tallies := make([]tally, workers)
	var next atomic.Int64
	work := func(w int) {
		sc, d := a.getScorer(), a.getDecoder()
		for {
			ci := int(next.Add(1) - 1)
			if ci >= nch {
				break
			}
			out := s.getBytes()
			buf := (*out)[:0]
			for i := ci * size; i < min(n, (ci+1)*size); i++ {
				if i > ci*size {
					buf = append(buf, sep)
				}
				var ok bool
				if buf, ok = s.scoreItemSafe(d, sc, buf, items[i], i, opt, now, &tallies[w], reqID); !ok {
					sc, d = a.getScorer(), a.getDecoder() // drop the ones that panicked
				}
			}
			*out = buf
			chunks[ci] = out
		}
		a.putScorer(sc)
		a.putDecoder(d)
	}
	if workers == 1 {
		work(0)
	} else {
		var wg sync.WaitGroup
		for w := range workers {
			wg.Go(func() { work(w) })
		}
		wg.Wait()
	}
	var t tally
	for i := range tallies {
		t.merge(&tallies[i])
	}
	return chunks, t
}

// scoreItemSafe is scoreItem that turns a panic into the lead's error
// object (the worker goroutines are beyond the recovery middleware); ok is
// false after a panic.
func (s *Server) scoreItemSafe(d *decoder, sc LeadScorer, dst, data []byte, i int, opt ScoreOptions, now time.Time, t *tally, reqID string) (out []byte, ok bool) {
	n := len(dst)
	defer func() {
		if p := recover(); p != nil {
			s.log.Error("panic while scoring a batch lead", "request_id", reqID, "index", i, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			out = appendItemError(dst[:n], i, "", &APIError{Status: http.StatusInternalServerError, Code: CodeInternal, Message: "internal error; quote request id " + reqID})
			ok = false
		}
	}()
	return s.scoreItem(d, sc, dst, data, i, opt, now, t), true
}

// scoreItem appends the result of items[i], or its error object.
func (s *Server) scoreItem(d *decoder, sc LeadScorer, dst, data []byte, i int, opt ScoreOptions, now time.Time, t *tally) []byte {
	l, warnings, aerr := d.decode(data, now)
	if aerr == nil {
		out, o, err := sc.AppendScore(dst, l, opt, warnings)
		if err == nil {
			t.add(o)
			return out
		}
		aerr = &APIError{Status: http.StatusUnprocessableEntity, Code: CodeScoreFailed, Message: err.Error()}
	}
	id := ""
	if l != nil {
		id = l.ID
	}
	return appendItemError(dst, i, id, aerr)
}

// appendItemError appends {"index": i, "lead_id": id, "error": {...}}.
func appendItemError(dst []byte, i int, id string, aerr *APIError) []byte {
	dst = append(dst, `{"index":`...)
	dst = strconv.AppendInt(dst, int64(i), 10)
	if id != "" {
		dst = append(dst, `,"lead_id":`...)
		dst = appendJSONString(dst, id)
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
