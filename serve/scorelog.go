package serve

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/leadscore/leadscore/datasets/store"
)

// The prediction log is written behind the answers: a request hands its
// entries to the scoreLog and returns, and one goroutine commits what has
// gathered, one multi-row insert per transaction. Scoring thus never waits
// for the disk, and the log costs one commit per batch of requests instead
// of one per request. The queue is bounded: when the store falls behind,
// requests wait for room (nothing is dropped). Stopping the server writes
// what is queued; a crash loses at most the entries of the last logLinger
// (ingested leads, events and outcomes are committed before they are
// acknowledged and never wait here).
type scoreLog struct {
	st   LeadStore
	log  *slog.Logger
	ch   chan logItem
	done chan struct{}
	// mu guards closed: a handler cut off by the shutdown timeout may
	// still add entries after close, which are then dropped, not sent on
	// a closed channel.
	mu      sync.RWMutex
	closed  bool
	written func(n int)
	failed  func(n int)
}

// logItem is one request's entries, or (done set) a request to signal
// once everything queued before it is written.
type logItem struct {
	entries []store.Score
	done    chan struct{}
}

// scoreLogQueue is how many requests' entries may wait to be written.
const scoreLogQueue = 4096

// logLinger is how long the writer gathers entries before a commit: the
// log lags the answers by at most about this much.
const logLinger = 50 * time.Millisecond

// maxLogBatch bounds the entries committed in one transaction.
const maxLogBatch = 5000

func newScoreLog(st LeadStore, log *slog.Logger, written, failed func(int)) *scoreLog {
	l := &scoreLog{st: st, log: log, ch: make(chan logItem, scoreLogQueue), done: make(chan struct{}), written: written, failed: failed}
	go l.run()
	return l
}

// add queues entries (waiting for room when the queue is full).
func (l *scoreLog) add(entries []store.Score) {
	if len(entries) == 0 {
		return
	}
	l.mu.RLock()
	defer l.mu.RUnlock()
	if l.closed {
		l.log.Warn("scores issued after shutdown were not written to the prediction log", "scores", len(entries))
		return
	}
	l.ch <- logItem{entries: entries}
}

// flush waits until every entry queued before it is written.
func (l *scoreLog) flush() {
	done := make(chan struct{})
	l.mu.RLock()
	if l.closed {
		l.mu.RUnlock()
		return
	}
	l.ch <- logItem{done: done}
	l.mu.RUnlock()
	<-done
}

func (l *scoreLog) run() {
	defer close(l.done)
	var batch []store.Score
	var waiting []chan struct{}
	for first := range l.ch {
		batch, waiting = append(batch[:0], first.entries...), waiting[:0]
		if first.done != nil {
			waiting = append(waiting, first.done)
		}
		// Gather for up to logLinger, so that under load one commit
		// carries the scores of many requests.
		linger := time.NewTimer(logLinger)
	gather:
		for len(batch) < maxLogBatch && len(waiting) == 0 {
			select {
			case more, ok := <-l.ch:
				if !ok {
					break gather
				}
				batch = append(batch, more.entries...)
				if more.done != nil {
					waiting = append(waiting, more.done)
				}
			case <-linger.C:
				break gather
			}
		}
		linger.Stop()
		if len(batch) > 0 {
			l.write(batch)
		}
		for _, w := range waiting {
			close(w)
		}
	}
}

// write commits batch, retrying a failing store a few times.
func (l *scoreLog) write(batch []store.Score) {
	var err error
	for attempt := range 5 {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		err = l.st.LogScores(ctx, batch)
		cancel()
		if err == nil {
			l.written(len(batch))
			return
		}
		time.Sleep(time.Duration(100<<attempt) * time.Millisecond)
	}
	l.failed(len(batch))
	l.log.Error("could not write scores to the prediction log", "scores", len(batch), "store", l.st.Redacted(), "error", err)
}

// close writes what is queued and stops.
func (l *scoreLog) close() {
	l.mu.Lock()
	if !l.closed {
		l.closed = true
		close(l.ch)
	}
	l.mu.Unlock()
	<-l.done
}
