package serve

import (
	"compress/flate"
	"compress/gzip"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/gin-gonic/gin"
)

// Reading request bodies.
//
// A body is read in steps into a buffer that grows as bytes arrive, never
// far ahead of them: the declared Content-Length caps the growth, and sizes
// the buffer only once the first MiB has arrived, so a client that declares
// 64 MB and sends 100 bytes costs 32 KiB. Every
// step of growth is taken from the server's in-flight byte budget
// (Config.MaxInflightBytes); when the budget is spent the request is
// answered 503 with Retry-After instead of growing the heap. A gzip body
// (Content-Encoding: gzip) is decompressed on the fly, the limit applying to
// the decompressed bytes.

// minBodyStep is the first buffer size and the smallest growth step.
const minBodyStep = 32 << 10

// trustLengthAfter is how much of a body must have arrived before its
// declared Content-Length sizes the rest of the buffer.
const trustLengthAfter = 1 << 20

// budget is a count of bytes that requests may hold at once.
type budget struct {
	limit int64
	used  atomic.Int64
}

// take reserves n bytes, reporting false (and reserving nothing) when that
// would pass the limit.
func (b *budget) take(n int64) bool {
	if b.used.Add(n) > b.limit {
		b.used.Add(-n)
		return false
	}
	return true
}

func (b *budget) give(n int64) { b.used.Add(-n) }

// gzipReaders are reused: a gzip.Reader holds a 32 KB window.
var gzipReaders sync.Pool

// body is a request body read into a pooled buffer, holding cap(data)
// bytes of the in-flight budget until released.
type body struct {
	data []byte
	buf  *[]byte // the pooled slice data started in
}

// Bytes returns the body.
func (b *body) Bytes() []byte { return b.data }

// releaseBody returns a body's bytes to the budget and its buffer to the
// pool (which keeps none above 4 MiB).
func (s *Server) releaseBody(b *body) {
	s.inflight.give(int64(cap(b.data)))
	*b.buf = b.data
	s.putBytes(b.buf)
}

// readBody reads the request body, decompressing gzip, refusing more than
// limit (decompressed) bytes with 413, a read timeout with 408 and a spent
// in-flight budget with 503. On success the caller releases the body with
// releaseBody.
func (s *Server) readBody(c *gin.Context, limit int64) (*body, *APIError) {
	r := c.Request
	var src io.Reader = http.MaxBytesReader(c.Writer, r.Body, limit)
	capHint := limit + 1
	switch enc := strings.ToLower(strings.TrimSpace(r.Header.Get("Content-Encoding"))); enc {
	case "", "identity":
		if r.ContentLength >= 0 && r.ContentLength < capHint {
			capHint = r.ContentLength + 1 // a cap on growth
		}
	case "gzip", "x-gzip":
		zr, _ := gzipReaders.Get().(*gzip.Reader)
		var err error
		if zr == nil {
			zr, err = gzip.NewReader(src)
		} else {
			err = zr.Reset(src)
		}
		if err != nil {
			return nil, s.bodyError(err, limit)
		}
		defer gzipReaders.Put(zr)
		src = zr
	default:
		return nil, &APIError{Status: http.StatusUnsupportedMediaType, Code: CodeUnsupportedMedia, Message: "Content-Encoding " + enc + " is not accepted; send the body as is or with gzip"}
	}
	b := &body{buf: s.getBytes()}
	b.data = (*b.buf)[:0]
	if !s.inflight.take(int64(cap(b.data))) {
		b.data = nil
		s.putBytes(b.buf)
		return nil, overloaded("the server holds its limit of request bytes in flight (--max-inflight-bytes)")
	}
	for {
		if len(b.data) == cap(b.data) {
			grow := min(int64(max(cap(b.data), minBodyStep)), capHint-int64(len(b.data)))
			if len(b.data) >= trustLengthAfter && capHint <= limit {
				// The client has sent a MiB: take its declared length
				// at its word for the rest, so a large body is not
				// copied through every doubling (the copies are garbage
				// the size of the body).
				grow = capHint - int64(len(b.data))
			}
			if grow <= 0 {
				grow = minBodyStep // more bytes than declared: the server cuts the body off
			}
			if !s.inflight.take(grow) {
				s.releaseBody(b)
				return nil, overloaded("the server holds its limit of request bytes in flight (--max-inflight-bytes)")
			}
			nb := make([]byte, len(b.data), int64(len(b.data))+grow)
			copy(nb, b.data) // the budget now holds cap(nb): the old cap plus grow
			b.data = nb
		}
		n, err := src.Read(b.data[len(b.data):cap(b.data)])
		b.data = b.data[:len(b.data)+n]
		if int64(len(b.data)) > limit {
			s.releaseBody(b)
			return nil, bodyTooLarge(limit)
		}
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			s.releaseBody(b)
			return nil, s.bodyError(err, limit)
		}
	}
}

func bodyTooLarge(limit int64) *APIError {
	return &APIError{Status: http.StatusRequestEntityTooLarge, Code: CodeBodyTooLarge, Message: "the body is larger than " + strconv.FormatInt(limit, 10) + " bytes; split it or raise the server's limit"}
}

// overloaded is the 503 answered, with Retry-After, when a limit on work in
// flight is reached.
func overloaded(why string) *APIError {
	return &APIError{Status: http.StatusServiceUnavailable, Code: CodeOverloaded, Message: why + "; retry after a second"}
}

// bodyError maps an error reading the body to its answer.
func (s *Server) bodyError(err error, limit int64) *APIError {
	var mbe *http.MaxBytesError
	var ne net.Error
	switch {
	case errors.As(err, &mbe):
		return bodyTooLarge(limit)
	case errors.Is(err, os.ErrDeadlineExceeded) || errors.As(err, &ne) && ne.Timeout():
		return &APIError{Status: http.StatusRequestTimeout, Code: CodeRequestTimeout, Message: "the body did not arrive within the server's read timeout (--read-timeout); send it faster or in smaller batches"}
	case errors.Is(err, gzip.ErrHeader) || errors.Is(err, gzip.ErrChecksum) || isCorrupt(err):
		return badRequest(CodeMalformedJSON, "", "could not decompress the gzip body: %v", err)
	}
	return badRequest(CodeMalformedJSON, "", "could not read the body: %v", err)
}

func isCorrupt(err error) bool {
	var ce flate.CorruptInputError
	return errors.As(err, &ce)
}
