// Command servemem measures the scoring API's peak memory under the
// hostile inputs of issue 19, with the default limits: it starts the
// server (serve.New over a copy of the fixture bundle of models/modelstest)
// in a child process, runs
//
//  1. the Content-Length attack: 40 connections that each declare a
//     body of 67,108,000 bytes, send about 110 and hold the connection;
//  2. the huge-events lead: one batch lead with -events events (about
//     60 MB, under the 64 MiB batch limit);
//  3. -batches concurrent batches of about -batch-mb MB each (10,000
//     leads with events, valid for the bundle),
//
// one after the other, and prints each phase's answers and the child's
// peak resident set size (VmHWM from /proc) after each phase. Linux only.
//
//	go run ./bench/servemem
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/leadscore/leadscore/datasets"
	"github.com/leadscore/leadscore/models"
	"github.com/leadscore/leadscore/models/modelstest"
	"github.com/leadscore/leadscore/serve"
)

func main() {
	child := flag.String("child", "", "internal: serve the models directory given and print the address")
	events := flag.Int("events", 800000, "events of the huge-events lead")
	batches := flag.Int("batches", 4, "concurrent large batches")
	batchMB := flag.Int("batch-mb", 50, "size of each large batch in MB")
	flag.Parse()
	if *child != "" {
		if err := serveChild(*child); err != nil {
			log.Fatal(err)
		}
		return
	}
	if err := run(*events, *batches, *batchMB); err != nil {
		log.Fatal(err)
	}
}

// serveChild serves dir with the default configuration until SIGTERM.
func serveChild(dir string) error {
	gin.SetMode(gin.ReleaseMode)
	s, err := serve.New(serve.Config{ModelsDir: dir, Logger: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	fmt.Println("listening", ln.Addr().String())
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
	defer stop()
	return s.Serve(ctx, ln)
}

func run(events, batches, batchMB int) error {
	root, err := os.MkdirTemp("", "leadscore-servemem-*")
	if err != nil {
		return err
	}
	defer os.RemoveAll(root)
	if err := modelstest.WriteBundle(filepath.Join(root, "b2b")); err != nil {
		return fmt.Errorf("write the fixture bundle: %w", err)
	}
	b, err := models.Load(filepath.Join(root, "b2b"))
	if err != nil {
		return err
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	cmd := exec.Command(self, "-child", root)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	defer func() {
		cmd.Process.Signal(syscall.SIGTERM)
		cmd.Wait()
	}()
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		return fmt.Errorf("child: %w", err)
	}
	addr := strings.TrimSpace(strings.TrimPrefix(line, "listening "))
	pid := cmd.Process.Pid
	report := func(phase string) {
		hwm, rss := procMem(pid)
		fmt.Printf("%-44s peak RSS %4d MB (now %4d MB)\n", phase, hwm>>20, rss>>20)
	}
	report("idle, bundle loaded")

	// 1. The Content-Length attack.
	var conns []net.Conn
	for range 40 {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			return err
		}
		fmt.Fprintf(c, "POST /v1/score/batch HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 67108000\r\n\r\n[{\"lead_id\": \"x\", \"fields\": {\"a\": 1}, \"events\": [{\"type\": \"t\", \"timestamp\": \"2025-01-01\"}]},")
		conns = append(conns, c)
	}
	time.Sleep(2 * time.Second)
	report("40 connections declaring 67,108,000 bytes")
	for _, c := range conns {
		c.Close()
	}

	lead := leadMaker(b)
	client := &http.Client{Timeout: 10 * time.Minute}
	post := func(body []byte) (int, string) {
		resp, err := client.Post("http://"+addr+"/v1/score/batch", "application/json", bytes.NewReader(body))
		if err != nil {
			return 0, err.Error()
		}
		defer resp.Body.Close()
		msg, _ := io.ReadAll(io.LimitReader(resp.Body, 300))
		if resp.StatusCode == http.StatusOK {
			msg = nil
		}
		return resp.StatusCode, string(msg)
	}

	// 2. One lead with a huge number of events.
	huge := append([]byte{'['}, lead(0, events)...)
	huge = append(huge, ']')
	code, msg := post(huge)
	fmt.Printf("huge-events lead (%d events, %d MB): %d %s\n", events, len(huge)>>20, code, msg)
	report("after the huge-events lead")

	// 3. Concurrent large batches.
	body := batchOf(lead, batchMB<<20)
	fmt.Printf("%d concurrent batches of %d MB each:", batches, len(body)>>20)
	var wg sync.WaitGroup
	var mu sync.Mutex
	codes := map[int]int{}
	for range batches {
		wg.Add(1)
		go func() {
			defer wg.Done()
			code, _ := post(body)
			mu.Lock()
			codes[code]++
			mu.Unlock()
		}()
	}
	wg.Wait()
	fmt.Printf(" answers %v\n", codes)
	report("after the concurrent batches")
	return nil
}

// leadMaker returns a function writing lead i as JSON with n events,
// valid for the bundle: every field it knows set, events of its types.
func leadMaker(b *models.Bundle) func(i, n int) []byte {
	fields := map[string]any{}
	for _, f := range b.Spec.Fields() {
		switch {
		case len(f.Categories) > 0:
			fields[f.Name] = f.Categories[0]
		case f.Kind == datasets.KindNumber || f.Kind == datasets.KindBool:
			fields[f.Name] = 1
		case f.Kind == datasets.KindTime:
			fields[f.Name] = "2025-01-01"
		default:
			fields[f.Name] = "x"
		}
	}
	if c := b.Spec.Config.Created; c != "" {
		fields[c] = "2025-01-01"
	}
	fj, err := json.Marshal(fields)
	if err != nil {
		panic(err)
	}
	types := b.Spec.EventTypes()
	return func(i, n int) []byte {
		var w bytes.Buffer
		w.WriteString(`{"lead_id": "L-` + strconv.Itoa(i) + `", "as_of": "2025-06-01T00:00:00Z", "fields": `)
		w.Write(fj)
		w.WriteString(`, "events": [`)
		for j := range n {
			if j > 0 {
				w.WriteByte(',')
			}
			day := 1 + j%28
			fmt.Fprintf(&w, `{"type": %q, "timestamp": "2025-05-%02dT10:00:00Z", "page": "/pricing"}`, types[j%len(types)], day)
		}
		w.WriteString("]}")
		return w.Bytes()
	}
}

// batchOf is a JSON array of leads of about size bytes, at most 10,000.
func batchOf(lead func(i, n int) []byte, size int) []byte {
	one := lead(0, 1)
	perLead := size / 10000
	events := max(1, (perLead-len(one))/80)
	var w bytes.Buffer
	w.WriteByte('[')
	for i := 0; i < 10000 && w.Len() < size; i++ {
		if i > 0 {
			w.WriteByte(',')
		}
		w.Write(lead(i, events))
	}
	w.WriteByte(']')
	return w.Bytes()
}

// procMem returns a process's peak and current resident set size in bytes.
func procMem(pid int) (hwm, rss int64) {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0, 0
	}
	for _, l := range strings.Split(string(data), "\n") {
		f := strings.Fields(l)
		if len(f) < 2 {
			continue
		}
		kb, _ := strconv.ParseInt(f[1], 10, 64)
		switch f[0] {
		case "VmHWM:":
			hwm = kb << 10
		case "VmRSS:":
			rss = kb << 10
		}
	}
	return hwm, rss
}
