// Command readbench measures how the datasets reader streams a large CSV
// file: it writes a lead-like file of -rows rows and ten columns (about
// 90 bytes a row) unless -path already exists, then reads it batch by batch
// and prints rows, seconds and rows per second. The file is
// synth.WriteLeadTableCSV's, as in datasets' BenchmarkReadCSV and the read
// suite of `leadscore bench`. Run it under
// `/usr/bin/time -v` to see the peak resident set size:
//
//	go build -o /tmp/readbench ./bench/readbench
//	/usr/bin/time -v /tmp/readbench -rows 10000000 -path /tmp/readbench.csv
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"time"

	"github.com/leadscore/leadscore/datasets"
	"github.com/leadscore/leadscore/datasets/synth"
	"github.com/leadscore/leadscore/internal/cputime"
)

func main() {
	rows := flag.Int("rows", 10_000_000, "rows to generate when -path does not exist")
	path := flag.String("path", "/tmp/readbench.csv", "CSV file to read (generated when missing)")
	flag.Parse()
	if err := run(*path, *rows); err != nil {
		fmt.Fprintln(os.Stderr, "readbench:", err)
		os.Exit(1)
	}
}

func run(path string, rows int) error {
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		start := time.Now()
		if err := synth.WriteLeadTableCSVFile(path, rows); err != nil {
			return err
		}
		fmt.Printf("generated %s (%d rows) in %.1fs\n", path, rows, time.Since(start).Seconds())
	}
	st, err := os.Stat(path)
	if err != nil {
		return err
	}
	cpu0 := cputime.Used()
	start := time.Now()
	r, err := datasets.Open(path, datasets.ReadOptions{MissingValues: synth.LeadTableMissing()})
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
	fmt.Printf("read %d rows (%.0f MB) in %.2fs wall, %.2fs CPU: %.0f rows/s wall, %.0f rows per CPU-second; heap in use at end %.0f MB, heap obtained from OS %.0f MB\n",
		n, float64(st.Size())/1e6, secs, cpu, float64(n)/secs, float64(n)/cpu,
		float64(ms.HeapInuse)/1e6, float64(ms.HeapSys)/1e6)
	for _, f := range r.Schema() {
		fmt.Printf("  %-14s %s\n", f.Name, f.Kind)
	}
	return nil
}
