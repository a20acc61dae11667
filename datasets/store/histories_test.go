package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestHistoriesStayBounded: the history cache never holds more than
// maxCachedLeads leads nor maxCachedTotal events, and replacing a lead's
// history counts its events once.
func TestHistoriesStayBounded(t *testing.T) {
	var h histories
	for i := range maxCachedLeads + 100 {
		h.put(fmt.Sprint("l", i), &history{events: make([]Event, 2)})
		assert.LessOrEqual(t, len(h.m), maxCachedLeads)
	}
	big := maxCachedEvents
	last := ""
	for i := range 2 * maxCachedTotal / big {
		last = fmt.Sprint("b", i%50)
		h.put(last, &history{events: make([]Event, big)})
		assert.LessOrEqual(t, h.events, maxCachedTotal)
	}
	n := 0
	for _, e := range h.m {
		n += len(e.events)
	}
	assert.Equal(t, n, h.events)
	assert.NotNil(t, h.get(last), "the newest lead is kept")
}

// dataVersionSources are the two ways dataVersion learns of commits: the
// WAL index's header in shared memory (the usual one) and SQLite's PRAGMA
// data_version (when the header cannot be read).
var dataVersionSources = []struct {
	name string
	read func(s *Store, ctx context.Context) (int64, bool)
}{
	{"wal-index", func(s *Store, ctx context.Context) (int64, bool) { return s.cache.changes.wal.version() }},
	{"data_version", (*Store).readDataVersion},
}

// TestDataVersion: on SQLite the data version is read (so LeadVersion can
// skip reading a lead's version), stays while nothing is committed and
// changes with a commit by this store or another handle on the file.
func TestDataVersion(t *testing.T) {
	for _, src := range dataVersionSources {
		t.Run(src.name, func(t *testing.T) {
			ctx := context.Background()
			url := "sqlite:" + filepath.Join(t.TempDir(), "store.db")
			s, err := Open(ctx, url)
			require.NoError(t, err)
			defer s.Close()
			other, err := Open(ctx, url)
			require.NoError(t, err)
			defer other.Close()
			v0, ok := src.read(s, ctx)
			require.True(t, ok, "the data version is read")
			v1, ok := src.read(s, ctx)
			require.True(t, ok)
			assert.Equal(t, v0, v1, "nothing committed")
			for i, w := range []*Store{s, other} {
				_, err := w.AppendEvents(ctx, []Event{{LeadID: "a", Type: "page_view", Time: time.Unix(int64(i), 0)}}, time.Now(), NoRescore)
				require.NoError(t, err)
				v2, ok := src.read(s, ctx)
				require.True(t, ok)
				assert.NotEqual(t, v1, v2, "a commit by handle %d", i)
				v1 = v2
			}
		})
	}
}

// TestDataVersionConcurrent: callers that share reads of the data version
// each get a value read after their call, so none misses a commit
// acknowledged before it called.
func TestDataVersionConcurrent(t *testing.T) {
	for _, src := range dataVersionSources {
		t.Run(src.name, func(t *testing.T) {
			ctx := context.Background()
			s, err := Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "store.db"))
			require.NoError(t, err)
			defer s.Close()
			const commits, readers = 30, 8
			// after[i] is the data version once commit i is acknowledged (the
			// writer reads it before its next commit); acked counts the commits.
			after := make([]int64, commits+1)
			var acked atomic.Int64
			v, ok := src.read(s, ctx)
			require.True(t, ok)
			after[0] = v
			type seen struct{ acked, value int64 }
			got := make([][]seen, readers)
			calls := make([]int, readers)
			stop := make(chan struct{})
			var wg sync.WaitGroup
			for r := range readers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for {
						select {
						case <-stop:
							return
						default:
						}
						n := acked.Load()
						v, ok := src.read(s, ctx)
						if !ok {
							// The WAL index's header is being written:
							// dataVersion then reads data_version.
							continue
						}
						calls[r]++
						if k := len(got[r]); k == 0 || got[r][k-1] != (seen{n, v}) {
							got[r] = append(got[r], seen{n, v}) // a read of the WAL index takes nanoseconds
						}
					}
				}()
			}
			for i := 1; i <= commits; i++ {
				_, err := s.AppendEvents(ctx, []Event{{LeadID: "a", Type: "page_view", Time: time.Unix(int64(i), 0)}}, time.Now(), NoRescore)
				require.NoError(t, err)
				v, ok := src.read(s, ctx)
				require.True(t, ok)
				require.NotEqual(t, after[i-1], v, "commit %d changes the data version", i)
				after[i] = v
				acked.Store(int64(i))
			}
			close(stop)
			wg.Wait()
			total := 0
			for r := range got {
				total += calls[r]
				for _, g := range got[r] {
					require.GreaterOrEqual(t, g.value, after[g.acked], "a call after commit %d got the data version of before it", g.acked)
				}
			}
			assert.Greater(t, total, commits, "the readers ran alongside the commits")
		})
	}
}

// TestWALIndexSeesEveryWriter: the WAL index is mapped for a SQLite store,
// and its data version changes with a commit by this store, by another
// *sql.DB on the file that is no store, and by another process; so does
// the lead's version, which LeadVersion then reads again. The prediction
// log's commits leave the data version alone.
func TestWALIndexSeesEveryWriter(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "store.db")
	s, err := Open(ctx, "sqlite:"+path)
	require.NoError(t, err)
	defer s.Close()
	_, err = s.UpsertLeads(ctx, []Lead{{ID: "a", Fields: json.RawMessage(`{}`)}}, time.Unix(0, 0), nil, NoRescore)
	require.NoError(t, err)
	raw, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)")
	require.NoError(t, err)
	defer raw.Close()

	version := func() (int64, Version) {
		t.Helper()
		dv, ok := s.cache.changes.wal.version()
		require.True(t, ok, "the WAL index is mapped and read")
		v, err := s.LeadVersion(ctx, "a")
		require.NoError(t, err)
		return dv, v
	}
	dv, v := version()
	writes := []struct {
		name  string
		write func(i int) error
	}{
		{"this store", func(i int) error {
			_, err := s.AppendEvents(ctx, []Event{{LeadID: "a", Type: "page_view", Time: time.Unix(int64(i), 0)}}, time.Now(), NoRescore)
			return err
		}},
		{"another *sql.DB", func(i int) error {
			_, err := raw.ExecContext(ctx, `UPDATE leads SET created_at = ? WHERE lead_id = 'a'`, int64(i))
			return err
		}},
		{"another process", func(i int) error {
			cmd := exec.Command(os.Args[0], "-test.run=^TestWriterProcess$")
			cmd.Env = append(os.Environ(), "LEADSCORE_STORE_WRITER="+path, "LEADSCORE_STORE_WRITER_I="+strconv.Itoa(i))
			out, err := cmd.CombinedOutput()
			if err != nil {
				return fmt.Errorf("%w: %s", err, out)
			}
			return nil
		}},
	}
	for i, w := range writes {
		require.NoError(t, w.write(i+1), w.name)
		dv2, v2 := version()
		assert.NotEqual(t, dv, dv2, "the data version after a commit by %s", w.name)
		assert.NotEqual(t, v, v2, "the lead's version after a commit by %s", w.name)
		dv, v = dv2, v2

		// The prediction log's commit changes no lead: it keeps the
		// data version, so the lead's checked version still holds.
		require.NoError(t, s.LogScores(ctx, []Score{{LeadID: "a", ScoredAt: time.Now(), AsOf: time.Now(), Source: SourceLead,
			ModelName: "m", ModelVersion: "v1", Grade: "A", Tier: "hot", RulesPoints: math.NaN(), RulesProbability: math.NaN()}}))
		dv2, v2 = version()
		assert.Equal(t, dv, dv2, "the data version after the prediction log's commit")
		assert.Equal(t, v, v2)
	}
}

// TestWriterProcess is the other process of TestWALIndexSeesEveryWriter:
// it appends an event to lead a of the store it is given.
func TestWriterProcess(t *testing.T) {
	path := os.Getenv("LEADSCORE_STORE_WRITER")
	if path == "" {
		t.Skip("run by TestWALIndexSeesEveryWriter")
	}
	i, err := strconv.Atoi(os.Getenv("LEADSCORE_STORE_WRITER_I"))
	require.NoError(t, err)
	ctx := context.Background()
	s, err := Open(ctx, "sqlite:"+path)
	require.NoError(t, err)
	defer s.Close()
	_, err = s.AppendEvents(ctx, []Event{{LeadID: "a", Type: "email_open", Time: time.Unix(int64(i), 0)}}, time.Now(), NoRescore)
	require.NoError(t, err)
}

// TestWALMarks: a header reached through marked commits only keeps its
// data version; any other change, or a mark of a commit another one
// followed, gives a new one.
func TestWALMarks(t *testing.T) {
	h := func(change, frame uint32) walHeader {
		var x walHeader
		x[walIChange], x[4] = change, frame
		return x
	}
	var c walChanges
	c.mark(h(1, 10), h(2, 12))
	c.mark(h(2, 12), h(3, 13))
	c.mark(h(5, 20), h(7, 25)) // two commits: not this one's header
	assert.True(t, c.quietSince(h(1, 10), h(2, 12)))
	assert.True(t, c.quietSince(h(1, 10), h(3, 13)), "two marked commits")
	assert.False(t, c.quietSince(h(1, 10), h(4, 14)), "an unmarked commit after them")
	assert.False(t, c.quietSince(h(0, 9), h(2, 12)), "an unmarked commit before them")
	assert.False(t, c.quietSince(h(5, 20), h(7, 25)), "not recorded")
	for i := range uint32(walMarks) {
		c.mark(h(100+i, 100+i), h(101+i, 101+i))
	}
	assert.False(t, c.quietSince(h(1, 10), h(2, 12)), "pushed out by newer marks")
	assert.True(t, c.quietSince(h(100+walMarks-1, 100+walMarks-1), h(100+walMarks, 100+walMarks)))
}
