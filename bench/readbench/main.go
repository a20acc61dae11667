// Command readbench measures how the datasets reader streams a large lead
// table: it writes a lead-like CSV file of -rows rows and ten columns
// (about 90 bytes a row) unless -path already exists, then reads it batch
// by batch and prints rows, seconds and rows per second. The file is
// synth.WriteLeadTableCSV's, as in datasets' BenchmarkReadCSV and the read
// suite of `leadscore bench`. Run it under `/usr/bin/time -v` to see the
// peak resident set size:
//
//	go build -o /tmp/readbench ./bench/readbench
//	/usr/bin/time -v /tmp/readbench -rows 10000000 -path /tmp/readbench.csv
//
// -sources reads the same rows from other sources, one after the other in
// the same run, each made from the CSV file when it is missing: parquet
// (PATH.parquet), sqlite (PATH.db, table leads: numbers as REAL, timestamps
// as ISO text) and postgres (table readbench_leads in the database -pg
// names: numbers as double precision, timestamps as timestamptz). Each is
// read as `--data` reads it, and measured in this process's CPU time (for
// PostgreSQL that is the client side only: the server's work is not in it):
//
//	/tmp/readbench -rows 1000000 -path /tmp/rb1m.csv -sources csv,parquet,sqlite,postgres \
//	    -pg 'postgres://postgres@127.0.0.1:54329/postgres?sslmode=disable'
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"time"

	"github.com/leadscore/leadscore/datasets"
	"github.com/leadscore/leadscore/datasets/sqldb"
	"github.com/leadscore/leadscore/datasets/synth"
	"github.com/leadscore/leadscore/internal/cputime"
	"github.com/leadscore/leadscore/models/sqlgen/sqlgentest"
)

// pgTable is the PostgreSQL table -sources postgres reads (and creates).
const pgTable = "readbench_leads"

func main() {
	rows := flag.Int("rows", 10_000_000, "rows to generate when -path does not exist")
	path := flag.String("path", "/tmp/readbench.csv", "CSV file to read (generated when missing)")
	sources := flag.String("sources", "csv", "comma-separated sources to read the same rows from: csv, parquet, sqlite, postgres")
	pg := flag.String("pg", "", "PostgreSQL database URL for -sources postgres")
	flag.Parse()
	if err := run(*path, *rows, strings.Split(*sources, ","), *pg); err != nil {
		fmt.Fprintln(os.Stderr, "readbench:", err)
		os.Exit(1)
	}
}

func run(path string, rows int, sources []string, pg string) error {
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		start := time.Now()
		if err := synth.WriteLeadTableCSVFile(path, rows); err != nil {
			return err
		}
		fmt.Printf("generated %s (%d rows) in %.1fs\n", path, rows, time.Since(start).Seconds())
	}
	for _, s := range sources {
		src, err := prepare(s, path, pg)
		if err != nil {
			return err
		}
		if err := measure(src); err != nil {
			return err
		}
	}
	return nil
}

// prepare returns what to read for the named source, writing it from the
// CSV file at path when it does not exist yet.
func prepare(source, path, pg string) (string, error) {
	switch source {
	case "csv":
		return path, nil
	case "parquet":
		out := path + ".parquet"
		if _, err := os.Stat(out); err == nil {
			return out, nil
		}
		return out, copyTable(path, out, func(t *datasets.Table) error {
			w, err := datasets.CreateWriter(out, "parquet", t.Schema())
			if err != nil {
				return err
			}
			defer w.Abort()
			if err := w.Write(t); err != nil {
				return err
			}
			return w.Close()
		})
	case "sqlite":
		db := path + ".db"
		src := "sqlite:" + db + "?table=leads"
		if _, err := os.Stat(db); err == nil {
			return src, nil
		}
		return src, load("sqlite:"+db, "sqlite", "leads", path)
	case "postgres":
		if pg == "" {
			return "", errors.New("-sources postgres needs -pg URL")
		}
		sep := "?"
		if strings.Contains(pg, "?") {
			sep = "&"
		}
		src := pg + sep + "table=" + pgTable
		loc, err := sqldb.Parse(pg)
		if err != nil {
			return "", err
		}
		db, err := sqldb.Open(context.Background(), loc, sqldb.ReadOnly)
		if err != nil {
			return "", err
		}
		var exists bool
		err = db.QueryRow("SELECT to_regclass($1) IS NOT NULL", pgTable).Scan(&exists)
		db.Close()
		if err != nil || exists {
			return src, err
		}
		return src, load(pg, "postgres", pgTable, path)
	}
	return "", fmt.Errorf("unknown source %q: expected csv, parquet, sqlite or postgres", source)
}

// copyTable reads the CSV file whole and hands it to write.
func copyTable(path, to string, write func(*datasets.Table) error) error {
	start := time.Now()
	t, _, err := datasets.ReadFile(path, datasets.ReadOptions{MissingValues: synth.LeadTableMissing()})
	if err != nil {
		return err
	}
	if err := write(t); err != nil {
		return err
	}
	fmt.Printf("copied the %d rows of %s to %s in %.1fs\n", t.Rows(), path, to, time.Since(start).Seconds())
	return nil
}

// load writes the CSV file's rows into table name of the database at url.
func load(url string, engine sqlgentest.Engine, name, path string) error {
	loc, err := sqldb.Parse(url)
	if err != nil {
		return err
	}
	ctx := context.Background()
	db, err := sqldb.Open(ctx, loc, sqldb.ReadWrite)
	if err != nil {
		return err
	}
	defer db.Close()
	return copyTable(path, loc.Redacted()+" table "+name, func(t *datasets.Table) error { return sqlgentest.Load(ctx, db, engine, name, t) })
}

// measure reads src batch by batch and prints what it took.
func measure(src string) error {
	cpu0 := cputime.Used()
	start := time.Now()
	r, err := datasets.Open(src, datasets.ReadOptions{MissingValues: synth.LeadTableMissing()})
	if err != nil {
		return err
	}
	defer r.Close()
	n := 0
	for {
		t, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		n += t.Rows()
	}
	secs := time.Since(start).Seconds()
	cpu := (cputime.Used() - cpu0).Seconds()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	size := ""
	if st, err := os.Stat(src); err == nil {
		size = fmt.Sprintf(" (%.0f MB)", float64(st.Size())/1e6)
	}
	fmt.Printf("%s: read %d rows%s in %.2fs wall, %.2fs CPU: %.0f rows/s wall, %.0f rows per CPU-second, %.2f CPU-s per million rows; heap in use at end %.0f MB, heap obtained from OS %.0f MB\n",
		r.Report().Format, n, size, secs, cpu, float64(n)/secs, float64(n)/cpu, cpu/float64(n)*1e6,
		float64(ms.HeapInuse)/1e6, float64(ms.HeapSys)/1e6)
	var kinds []string
	for _, f := range r.Schema() {
		kinds = append(kinds, fmt.Sprintf("%s=%s", f.Name, f.Kind))
	}
	fmt.Printf("  columns: %s\n", strings.Join(kinds, " "))
	return nil
}
