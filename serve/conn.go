package serve

import (
	"context"
	"net"
	"sync"

	"github.com/gin-gonic/gin"
)

// net/http writes a response through a 4 KiB buffer, so a larger answer
// leaves in two write calls: a full buffer, then the rest when the
// handler returns. On loopback and local networks each write is a segment
// of its own, sent, received and acknowledged apart, and the client wakes
// up twice. GET /v1/leads/{id}'s answers (about 7 KB with explain=5) were
// 30% of the server's CPU in those two calls. A server connection can
// therefore gather a response's writes and send them in one.

// gatherListener hands out gatherConns.
type gatherListener struct{ net.Listener }

func (l gatherListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &gatherConn{Conn: c}, nil
}

// gatherConn is a server connection that can hold back what is written to
// it and send it in one write. net/http writes to a connection from the
// goroutine serving its request (HTTP/1), so the handler that gathers
// owns the writes meanwhile.
type gatherConn struct {
	net.Conn
	gathering bool
	// held is what was written while gathering, in a buffer from
	// heldBuffers (idle connections keep none).
	held *[]byte
	// err is the failed write of held, returned by the writes after it.
	err error
}

func (c *gatherConn) Write(p []byte) (int, error) {
	if c.err != nil {
		return 0, c.err
	}
	if c.gathering {
		if c.held == nil {
			c.held = heldBuffers.Get().(*[]byte)
		}
		*c.held = append(*c.held, p...)
		return len(p), nil
	}
	return c.Conn.Write(p)
}

// CloseWrite half-closes a TCP connection, as net/http does before closing
// one it answered with an error.
func (c *gatherConn) CloseWrite() error {
	if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return nil
}

// heldBuffers are the buffers of the responses being gathered.
var heldBuffers = sync.Pool{New: func() any { return new([]byte) }}

// send writes what was held, in one call, and stops gathering.
func (c *gatherConn) send() error {
	c.gathering = false
	if c.held == nil {
		return nil
	}
	if len(*c.held) > 0 {
		_, c.err = c.Conn.Write(*c.held)
	}
	if cap(*c.held) <= 64<<10 {
		*c.held = (*c.held)[:0]
		heldBuffers.Put(c.held)
	}
	c.held = nil
	return c.err
}

type connKey struct{}

// withConn is http.Server.ConnContext: requests find their connection.
func withConn(ctx context.Context, c net.Conn) context.Context {
	return context.WithValue(ctx, connKey{}, c)
}

// writeBytesOnce is writeBytes sent in one write call where the request's
// connection allows it (HTTP/1 through Serve); elsewhere it is writeBytes.
func writeBytesOnce(c *gin.Context, status int, contentType string, body []byte) {
	gc, ok := c.Request.Context().Value(connKey{}).(*gatherConn)
	if !ok || c.Request.ProtoMajor != 1 {
		writeBytes(c, status, contentType, body)
		return
	}
	gc.gathering = true
	writeBytes(c, status, contentType, body)
	c.Writer.Flush()
	gc.send()
}
