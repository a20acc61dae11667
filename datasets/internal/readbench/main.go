//go:build unix

// Command readbench measures how the datasets reader streams a large CSV
// file: it writes a lead-like file of -rows rows and ten columns (about
// 90 bytes a row) unless -path already exists, then reads it batch by batch
// and prints rows, seconds and rows per second. Run it under
// `/usr/bin/time -v` to see the peak resident set size:
//
//	go build -o /tmp/readbench ./datasets/internal/readbench
//	/usr/bin/time -v /tmp/readbench -rows 10000000 -path /tmp/readbench.csv
package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"runtime"
	"syscall"
	"time"

	"github.com/leadscore/leadscore/datasets"
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
		if err := generate(path, rows); err != nil {
			return err
		}
		fmt.Printf("generated %s (%d rows) in %.1fs\n", path, rows, time.Since(start).Seconds())
	}
	st, err := os.Stat(path)
	if err != nil {
		return err
	}
	cpu0 := cpuSeconds()
	start := time.Now()
	r, err := datasets.Open(path, datasets.ReadOptions{MissingValues: []string{"Select"}})
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
	cpu := cpuSeconds() - cpu0
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

// cpuSeconds is the user plus system CPU time the process has used; on a
// shared machine it measures the reader better than the wall clock.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
}

// generate writes rows lead-like rows: an id, two categories, numbers,
// booleans and a timestamp.
func generate(path string, rows int) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	rng := rand.New(rand.NewPCG(1, 2))
	sources := []string{"Google", "Direct Traffic", "Olark Chat", "Organic Search", "Reference", "Welingak Website"}
	cities := []string{"Mumbai", "Thane & Outskirts", "Other Cities", "Select", ""}
	base := time.Date(2017, 6, 1, 0, 0, 0, 0, time.UTC)
	fmt.Fprintln(w, "lead_id,source,city,visits,time_on_site,page_views,do_not_email,converted,created_at,score")
	for i := 0; i < rows; i++ {
		ts := base.Add(time.Duration(rng.IntN(365*24*3600)) * time.Second)
		fmt.Fprintf(w, "L%08d,%s,%s,%d,%d,%.2f,%s,%d,%s,%.4f\n",
			i, sources[rng.IntN(len(sources))], cities[rng.IntN(len(cities))],
			rng.IntN(30), rng.IntN(2500), rng.Float64()*10,
			[]string{"No", "Yes"}[rng.IntN(2)], rng.IntN(2),
			ts.Format("2006-01-02 15:04:05"), rng.Float64())
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
