package sqlgentest

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/leadscore/leadscore/datasets"
)

// ClickHouseEnv names the test cluster: the HTTP URLs of its shards,
// comma-separated (`eval "$(.ci/clickhouse start)"` sets it).
const ClickHouseEnv = "LEADSCORE_TEST_CLICKHOUSE"

// ClickHouse is a test cluster reached over ClickHouse's HTTP interface:
// Shards are the servers, Cluster the name both configs give the cluster.
type ClickHouse struct {
	Shards   []string
	Cluster  string
	Database string
	client   *http.Client
}

// NewClickHouse returns the cluster named by LEADSCORE_TEST_CLICKHOUSE with
// a fresh database on every shard, dropped when t ends. Without the
// variable the test is skipped, or fails when LEADSCORE_REQUIRE_CLICKHOUSE
// is set, as in CI.
func NewClickHouse(t testing.TB) *ClickHouse {
	t.Helper()
	env := os.Getenv(ClickHouseEnv)
	if env == "" {
		msg := "no ClickHouse for this test: run eval \"$(.ci/clickhouse start)\" to set " + ClickHouseEnv
		if os.Getenv("LEADSCORE_REQUIRE_CLICKHOUSE") != "" {
			t.Fatal(msg + " (LEADSCORE_REQUIRE_CLICKHOUSE is set, so this fails instead of skipping)")
		}
		t.Skip(msg)
	}
	var buf [6]byte
	_, _ = rand.Read(buf[:])
	ch := &ClickHouse{Shards: strings.Split(env, ","), Cluster: "leadscore", Database: "t_" + hex.EncodeToString(buf[:]), client: &http.Client{Timeout: 30 * time.Minute}}
	ctx := context.Background()
	for i := range ch.Shards {
		if _, err := ch.Exec(ctx, i, "CREATE DATABASE "+ch.Database, nil); err != nil {
			t.Fatalf("clickhouse shard %d: %v", i+1, err)
		}
	}
	t.Cleanup(func() {
		for i := range ch.Shards {
			_, _ = ch.Exec(context.Background(), i, "DROP DATABASE IF EXISTS "+ch.Database, nil)
		}
	})
	return ch
}

// QuerySettings are the settings a compiled query needs: it is long and deep.
var QuerySettings = map[string]string{
	"max_query_size": "1000000000", "max_ast_elements": "100000000", "max_expanded_ast_elements": "100000000", "max_ast_depth": "100000",
}

// Exec runs q on shard i (0-based) over HTTP with the given settings and
// returns the body of the answer.
func (c *ClickHouse) Exec(ctx context.Context, shard int, q string, settings map[string]string) ([]byte, error) {
	return c.exec(ctx, shard, q, nil, settings)
}

func (c *ClickHouse) exec(ctx context.Context, shard int, q string, body io.Reader, settings map[string]string) ([]byte, error) {
	v := url.Values{}
	for k, s := range settings {
		v.Set(k, s)
	}
	u := c.Shards[shard] + "/?" + v.Encode()
	var req *http.Request
	var err error
	if body == nil {
		req, err = http.NewRequestWithContext(ctx, http.MethodPost, u, strings.NewReader(q))
	} else {
		v.Set("query", q)
		req, err = http.NewRequestWithContext(ctx, http.MethodPost, c.Shards[shard]+"/?"+v.Encode(), body)
	}
	if err != nil {
		return nil, err
	}
	resp, err := c.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		msg := string(out)
		if len(msg) > 2000 {
			msg = msg[:2000]
		}
		return nil, fmt.Errorf("clickhouse: %s: %s", resp.Status, msg)
	}
	return out, nil
}

// chType is the ClickHouse type a column is stored as.
func chType(c *datasets.Column, key bool) string {
	t := "String"
	switch c.Kind {
	case datasets.KindNumber, datasets.KindBool:
		t = "Float64"
	case datasets.KindTime:
		t = "DateTime"
	}
	if key {
		return t
	}
	return "Nullable(" + t + ")"
}

// LoadDistributed creates name_local as a MergeTree table on every shard
// and name as a Distributed table over them (on every shard), sharded by
// cityHash64(key), and inserts t through the Distributed table, so the rows
// are split between the shards as in production.
func (c *ClickHouse) LoadDistributed(ctx context.Context, name, key string, t *datasets.Table) error {
	var defs []string
	for _, col := range t.Columns {
		defs = append(defs, fmt.Sprintf("`%s` %s", col.Name, chType(col, col.Name == key)))
	}
	local := fmt.Sprintf("%s.%s_local", c.Database, name)
	dist := fmt.Sprintf("%s.%s", c.Database, name)
	for i := range c.Shards {
		if _, err := c.Exec(ctx, i, fmt.Sprintf("CREATE TABLE %s (%s) ENGINE = MergeTree() ORDER BY `%s`", local, strings.Join(defs, ", "), key), nil); err != nil {
			return err
		}
		if _, err := c.Exec(ctx, i, fmt.Sprintf("CREATE TABLE %s AS %s ENGINE = Distributed(%s, %s, %s_local, cityHash64(`%s`))", dist, local, c.Cluster, c.Database, name, key), nil); err != nil {
			return err
		}
	}
	pr, pw := io.Pipe()
	go func() {
		w := bufio.NewWriterSize(pw, 1<<20)
		for i := 0; i < t.Rows(); i++ {
			for j, col := range t.Columns {
				if j > 0 {
					w.WriteByte('\t')
				}
				v := Cell(col, i, "clickhouse")
				switch x := v.(type) {
				case nil:
					w.WriteString(`\N`)
				case float64:
					w.WriteString(fmt.Sprint(x))
				case time.Time:
					w.WriteString(x.UTC().Format("2006-01-02 15:04:05"))
				case string:
					r := strings.NewReplacer(`\`, `\\`, "\t", `\t`, "\n", `\n`)
					w.WriteString(r.Replace(x))
				}
			}
			w.WriteByte('\n')
		}
		pw.CloseWithError(w.Flush())
	}()
	_, err := c.exec(ctx, 0, "INSERT INTO "+dist+" FORMAT TabSeparated", pr, map[string]string{"insert_distributed_sync": "1"})
	return err
}

// ShardRows returns the number of rows of name_local on every shard.
func (c *ClickHouse) ShardRows(ctx context.Context, name string) ([]int, error) {
	var out []int
	for i := range c.Shards {
		b, err := c.Exec(ctx, i, fmt.Sprintf("SELECT count() FROM %s.%s_local", c.Database, name), nil)
		if err != nil {
			return nil, err
		}
		var n int
		if _, err := fmt.Sscan(string(b), &n); err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, nil
}

// Query runs a compiled query through shard 1 and reads its rows.
func (c *ClickHouse) Query(ctx context.Context, q string) (map[string]Row, error) {
	b, err := c.Exec(ctx, 0, strings.TrimSpace(q)+"\nFORMAT JSONEachRow", QuerySettings)
	if err != nil {
		return nil, err
	}
	out := map[string]Row{}
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.UseNumber()
	for dec.More() {
		var m map[string]any
		if err := dec.Decode(&m); err != nil {
			return nil, err
		}
		id, r, err := FromMap(m)
		if err != nil {
			return nil, err
		}
		out[id] = r
	}
	return out, nil
}
