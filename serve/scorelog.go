package serve

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/leadscore/leadscore/datasets/store"
)

// The prediction log is written behind the answers: a request appends its
// entries to the scoreLog's pending list and returns, and one goroutine
// commits what has gathered, in multi-row inserts of up to maxLogBatch
// entries per transaction. Scoring thus never waits for the disk, and the
// log costs one commit per batch of requests instead of one per request;
// adding an entry is an append under a mutex, with no allocation once the
// lists have grown (the writer swaps two lists). The pending list is
// bounded: when the store falls behind, requests wait for room (nothing is
// dropped). Stopping the server writes what is pending; a crash loses at
// most the entries of the last logLinger (ingested leads, events and
// outcomes are committed before they are acknowledged and never wait
// here).
type scoreLog struct {
	st      LeadStore
	log     *slog.Logger
	written func(n int)
	failed  func(n int)
	// wake tells the writer that there is work: entries after none, a
	// full batch, a flush or the close.
	wake chan struct{}
	done chan struct{}

	mu sync.Mutex
	// room is signalled when the writer takes the pending entries.
	room    sync.Cond
	pending []store.Score
	// spare is the list the writer wrote last, reused for pending.
	spare []store.Score
	// waiting are flushes to signal once what is pending is written.
	waiting []chan struct{}
	// closed is set by close: a handler cut off by the shutdown timeout
	// may still add entries after it, which are then dropped.
	closed bool
}

// maxLogPending bounds the entries waiting to be written (a request whose
// entries alone are more waits for an empty list).
const maxLogPending = 65536

// logLinger is how long the writer gathers entries before a commit: the
// log lags the answers by at most about this much.
const logLinger = 50 * time.Millisecond

// maxLogBatch bounds the entries committed in one transaction; the writer
// stops gathering when so many are pending.
const maxLogBatch = 5000

func newScoreLog(st LeadStore, log *slog.Logger, written, failed func(int)) *scoreLog {
	l := &scoreLog{st: st, log: log, wake: make(chan struct{}, 1), done: make(chan struct{}), written: written, failed: failed}
	l.room.L = &l.mu
	go l.run()
	return l
}

func (l *scoreLog) signal() {
	select {
	case l.wake <- struct{}{}:
	default:
	}
}

// add queues entries (waiting for room when the list is full).
func (l *scoreLog) add(entries []store.Score) {
	if len(entries) == 0 {
		return
	}
	l.mu.Lock()
	for !l.closed && len(l.pending) > 0 && len(l.pending)+len(entries) > maxLogPending {
		l.room.Wait()
	}
	if l.closed {
		l.mu.Unlock()
		l.log.Warn("scores issued after shutdown were not written to the prediction log", "scores", len(entries))
		return
	}
	n := len(l.pending)
	l.pending = append(l.pending, entries...)
	l.mu.Unlock()
	if n == 0 || n < maxLogBatch && n+len(entries) >= maxLogBatch {
		l.signal()
	}
}

// addOne queues one entry, as add does.
func (l *scoreLog) addOne(e store.Score) {
	l.mu.Lock()
	for !l.closed && len(l.pending) >= maxLogPending {
		l.room.Wait()
	}
	if l.closed {
		l.mu.Unlock()
		l.log.Warn("scores issued after shutdown were not written to the prediction log", "scores", 1)
		return
	}
	n := len(l.pending)
	l.pending = append(l.pending, e)
	l.mu.Unlock()
	if n == 0 || n+1 == maxLogBatch {
		l.signal()
	}
}

// flush waits until every entry queued before it is written.
func (l *scoreLog) flush() {
	done := make(chan struct{})
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		return
	}
	l.waiting = append(l.waiting, done)
	l.mu.Unlock()
	l.signal()
	<-done
}

func (l *scoreLog) run() {
	defer close(l.done)
	linger := time.NewTimer(logLinger)
	linger.Stop()
	for range l.wake {
		// Gather for up to logLinger, so that under load one commit
		// carries the scores of many requests; a flush, the close or a
		// full batch ends the wait.
		deadline := time.Now().Add(logLinger)
		for {
			l.mu.Lock()
			urgent := l.closed || len(l.waiting) > 0 || len(l.pending) >= maxLogBatch || len(l.pending) == 0
			l.mu.Unlock()
			wait := time.Until(deadline)
			if urgent || wait <= 0 {
				break
			}
			linger.Reset(wait)
			select {
			case <-l.wake:
			case <-linger.C:
			}
			linger.Stop()
		}
		l.mu.Lock()
		batch := l.pending
		l.pending, l.spare = l.spare[:0], nil
		waiting := l.waiting
		l.waiting = nil
		closed := l.closed
		l.room.Broadcast()
		l.mu.Unlock()
		for lo := 0; lo < len(batch); lo += maxLogBatch {
			l.write(batch[lo:min(lo+maxLogBatch, len(batch))])
		}
		for _, w := range waiting {
			close(w)
		}
		clear(batch) // drops the references to reasons and strings
		l.mu.Lock()
		l.spare = batch[:0]
		l.mu.Unlock()
		if closed {
			return
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

// close writes what is pending and stops.
func (l *scoreLog) close() {
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		<-l.done
		return
	}
	l.closed = true
	l.room.Broadcast()
	l.mu.Unlock()
	l.signal()
	<-l.done
}
