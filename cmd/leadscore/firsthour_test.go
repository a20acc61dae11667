package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leadscore/leadscore/features"
	release "github.com/leadscore/leadscore/internal/version"
	"github.com/leadscore/leadscore/serve"
)

// A new user's first hour, scripted on a fresh temp directory with the
// binary built as the README says: the quickstart (--no-serve), every
// command it prints, every runnable README example (sh blocks, the API's
// JSON example against a served model, the YAML files), and each mistake
// of issue 20 with its exit status and a message that names the fix.
func TestFirstHour(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary, runs the quickstart and trains once")
	}
	root := t.TempDir()
	bin := filepath.Join(root, "bin")
	leadscore := filepath.Join(bin, "leadscore")
	build := exec.Command(goTool(t), "build", "-o", leadscore, ".")
	out, err := build.CombinedOutput()
	require.NoError(t, err, "go build -o: %s", out)
	// Without leadscore on PATH, as on a fresh machine before go install.
	bare := envWithPath(os.Getenv("PATH"))
	// After go install: leadscore on PATH.
	installed := envWithPath(bin + string(os.PathListSeparator) + os.Getenv("PATH"))

	qs := filepath.Join(root, "leadscore-quickstart")
	res := runBin(t, root, bare, leadscore, "quickstart", "--no-serve", "--dir", qs, "--leads", "2000")
	require.Equal(t, 0, res.code, "quickstart: %s", res.stderr)
	data := filepath.Join(qs, "data")
	models := filepath.Join(qs, "models")
	bundle := filepath.Join(models, "quickstart")

	t.Run("quickstart output", func(t *testing.T) { checkQuickstartOutput(t, qs, res.stdout, res.stderr) })
	t.Run("quickstart lead store", func(t *testing.T) { checkQuickstartStore(t, qs, 2000, res.stdout) })

	t.Run("output channels", func(t *testing.T) {
		assert.NotContains(t, res.stderr, "\r", "no progress bar when stderr is not a terminal")
		assert.NotContains(t, res.stderr, "level=INFO", "progress lines only, in one format")
		assert.NotContains(t, res.stderr, "leakage suspect", "suspects are printed once, on stdout")
	})

	t.Run("every command the quickstart prints runs in bash", func(t *testing.T) {
		cmds := printedCommands(res.stdout)
		require.NotEmpty(t, cmds, "stdout:\n%s", res.stdout)
		ran := 0
		for _, c := range cmds {
			if strings.Contains(c, " serve ") {
				continue // served below, from the README
			}
			if strings.HasPrefix(c, "go install") {
				assert.Contains(t, res.stdout, "leadscore is not on PATH")
				continue
			}
			r := runShell(t, root, bare, c)
			assert.Equal(t, 0, r.code, "%s\nstderr: %s", c, r.stderr)
			ran++
		}
		assert.Positive(t, ran)
		assert.FileExists(t, filepath.Join(root, "scores.csv"))
		assert.Contains(t, curlExample("127.0.0.1:8080"), `'http://127.0.0.1:8080/v1/score?explain=3'`, "zsh needs the ? quoted")
		// zsh (not installed here) refuses an unmatched glob where bash
		// passes it on: no printed command may have one unquoted.
		for _, c := range append(cmds, curlExample("127.0.0.1:8080")) {
			assert.False(t, unquotedGlob(c), "an unquoted glob character zsh would reject: %s", c)
		}
	})

	readme := readmeBlocks(t)
	work := filepath.Join(root, "work")
	require.NoError(t, os.MkdirAll(work, 0o755))
	for _, f := range []string{"leads.csv", "events.csv", "outcomes.csv"} {
		copyFile(t, filepath.Join(data, f), filepath.Join(work, f))
	}
	copyFile(t, filepath.Join(qs, "rules.yaml"), filepath.Join(work, "rules.yaml"))

	t.Run("README", func(t *testing.T) {
		install, first := -1, -1 // the lines of the install step and of the first leadscore command
		for _, b := range readme.blocks {
			for _, l := range strings.Split(b.body, "\n") {
				switch {
				case install < 0 && strings.HasPrefix(l, "go install ./cmd/leadscore"):
					install = b.line
				case first < 0 && strings.HasPrefix(strings.TrimSpace(l), "leadscore "):
					first = b.line
				}
			}
		}
		require.Positive(t, install, "the README shows go install ./cmd/leadscore")
		assert.LessOrEqual(t, install, first, "the install step comes before the first leadscore command")
		assert.NotContains(t, readme.text, "--out models/", "bundles never go into the Go package folder models/")
		for _, b := range readme.blocks {
			if b.skip != "" {
				continue
			}
			switch {
			case b.lang == "sh" && strings.HasPrefix(b.body, "curl "):
				continue // the API example, below
			case b.lang == "sh":
				r := runShell(t, work, installed, "set -e\n"+b.body)
				assert.Equal(t, 0, r.code, "README line %d:\n%s\nstderr: %s", b.line, b.body, r.stderr)
			case b.lang == "yaml" && strings.Contains(b.body, "snapshot_days"):
				p := filepath.Join(work, "leadscore.yaml")
				require.NoError(t, os.WriteFile(p, []byte(b.body), 0o644))
				_, err := features.LoadConfig(p)
				assert.NoError(t, err, "README line %d", b.line)
				assert.Equal(t, features.ConfigTemplate, b.body, "the README's leadscore.yaml reference is what config init writes")
			case b.lang == "yaml":
				p := filepath.Join(work, "sheet.yaml")
				require.NoError(t, os.WriteFile(p, []byte(b.body), 0o644))
				r := runBin(t, work, installed, leadscore, "rules", "lint", p)
				assert.Equal(t, 0, r.code, "README line %d: rules lint: %s", b.line, r.stderr)
			}
		}
	})

	t.Run("README API example against the quickstart model", func(t *testing.T) {
		addr := freeAddr(t)
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		srv := exec.CommandContext(ctx, leadscore, "serve", "--models", models, "--addr", addr, "--log-level", "warn", "--webhook-test-receiver")
		srv.Env = bare
		var srvErr bytes.Buffer
		srv.Stderr = &srvErr
		require.NoError(t, srv.Start())
		defer func() { cancel(); _ = srv.Wait() }()
		waitReady(t, "http://"+addr+"/readyz")
		n := 0
		for _, b := range readme.blocks {
			if b.lang != "sh" || !strings.HasPrefix(b.body, "curl ") {
				continue
			}
			n++
			body := curlPayload(t, b.body)
			url := "http://" + addr + "/v1/score?explain=3"
			resp, err := http.Post(url, "application/json", strings.NewReader(body))
			require.NoError(t, err)
			var got map[string]any
			require.NoError(t, json.NewDecoder(resp.Body).Decode(&got))
			resp.Body.Close()
			assert.Equal(t, http.StatusOK, resp.StatusCode, "README line %d: %v", b.line, got)
			assert.Contains(t, got, "probability")
			if _, err := exec.LookPath("curl"); err == nil {
				cmd := strings.TrimSpace(strings.ReplaceAll(b.body, "127.0.0.1:8080", addr))
				r := runShell(t, work, bare, cmd+" --fail")
				assert.Equal(t, 0, r.code, "the README's curl: %s", r.stderr)
				r = runShell(t, work, bare, curlExample(addr)+" --fail")
				assert.Equal(t, 0, r.code, "the quickstart's curl: %s", r.stderr)
				assert.Contains(t, r.stdout, `"probability"`)
			}
		}
		assert.Equal(t, 1, n, "the README has one curl example")
		resp, err := http.Get("http://" + addr + "/ui/reports")
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, http.StatusOK, resp.StatusCode, "the reports page the quickstart prints")

		// The quickstart's lead store, served by default beside the
		// models: its leads, a lead's score history, the delivery log.
		page := func(path string) string {
			resp, err := http.Get("http://" + addr + path)
			require.NoError(t, err)
			defer resp.Body.Close()
			b, err := io.ReadAll(resp.Body)
			require.NoError(t, err)
			require.Equal(t, http.StatusOK, resp.StatusCode, "%s: %s", path, b)
			return string(b)
		}
		list := page("/ui/stored")
		m := regexp.MustCompile(`href="/ui/stored/([^"]+)"`).FindStringSubmatch(list)
		require.NotNil(t, m, "the stored leads link to their pages")
		lead := page("/ui/stored/" + m[1])
		assert.Contains(t, lead, `class="score-row"`)
		assert.Contains(t, lead, `id="score-history"`)
		hooks := page("/ui/webhooks")
		assert.Contains(t, hooks, serve.TestReceiverName)
		assert.Contains(t, hooks, `class="delivery delivered"`)
		assert.Contains(t, page("/ui/monitoring"), "Rule sheet of version quickstart")
		assert.Contains(t, page("/v1/admin/webhooks/received"), `"accepted":0`, "a new process's receiver")
	})

	t.Run("item 5: serve --models pointed at one bundle serves it", func(t *testing.T) {
		addr := freeAddr(t)
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		srv := exec.CommandContext(ctx, leadscore, "serve", "--models", bundle, "--addr", addr, "--log-level", "warn")
		srv.Env = bare
		require.NoError(t, srv.Start())
		defer func() { cancel(); _ = srv.Wait() }()
		waitReady(t, "http://"+addr+"/readyz")
		resp, err := http.Get("http://" + addr + "/readyz")
		require.NoError(t, err)
		var ready struct {
			Model struct {
				Version string `json:"version"`
			} `json:"model"`
		}
		require.NoError(t, json.NewDecoder(resp.Body).Decode(&ready))
		resp.Body.Close()
		raw, err := os.ReadFile(filepath.Join(bundle, "manifest.json"))
		require.NoError(t, err)
		var manifest struct {
			Version string `json:"version"`
		}
		require.NoError(t, json.Unmarshal(raw, &manifest))
		assert.Equal(t, manifest.Version, ready.Model.Version, "the bundle --models names is the one served")
	})

	t.Run("mistakes", func(t *testing.T) {
		renamed := filepath.Join(root, "renamed")
		require.NoError(t, os.MkdirAll(renamed, 0o755))
		renameHeader(t, filepath.Join(data, "leads.csv"), filepath.Join(renamed, "leads.csv"), map[string]string{"lead_id": "Lead ID", "created_at": "CreatedAt"})
		renameHeader(t, filepath.Join(data, "outcomes.csv"), filepath.Join(renamed, "outcomes.csv"), map[string]string{"lead_id": "lead", "converted_at": "won_at"})
		fewer := filepath.Join(root, "fewer.csv")
		dropColumns(t, filepath.Join(data, "leads.csv"), fewer, "country", "lead_source", "annual_revenue")
		optional := filepath.Join(root, "optional.csv")
		dropColumns(t, filepath.Join(data, "leads.csv"), optional, "annual_revenue")
		goPkg := filepath.Join(root, "src", "models")
		require.NoError(t, os.MkdirAll(goPkg, 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(goPkg, "score.go"), []byte("package models\n"), 0o644))
		three := []string{"--data", filepath.Join(data, "leads.csv"), "--events", filepath.Join(data, "events.csv"), "--outcomes", filepath.Join(data, "outcomes.csv")}
		for _, tc := range []struct {
			name string
			args []string
			code int
			want []string
		}{
			{"item 5: --out into the Go package folder models/", append(three, "--out", filepath.Join(goPkg, "v1")), 1,
				[]string{"Go package folder", "--out ./leadscore-models/v1"}},
			{"item 6: every missing column at once, with its flag", []string{"train", "--data", filepath.Join(renamed, "leads.csv"), "--events", filepath.Join(data, "events.csv"),
				"--outcomes", filepath.Join(renamed, "outcomes.csv"), "--out", filepath.Join(root, "m", "v1")}, 1,
				[]string{"missing 4 columns", "--id COL", `did you mean "Lead ID"?`, "--created COL", `did you mean "CreatedAt"?`, "--outcome-id COL", "--converted-at COL", "leadscore config init"}},
			{"item 6: --time on three tables", append(three, "--time", "created_at", "--out", filepath.Join(root, "m", "v1")), 2, []string{"--time applies to flat data", "--created"}},
			{"item 6: --target with --outcomes", append(three, "--target", "converted", "--out", filepath.Join(root, "m", "v1")), 2, []string{"--target applies to flat data", "drop --target"}},
			{"item 7: backtest --rules that does not exist", []string{"backtest", "--data", filepath.Join(data, "leads.csv"), "--events", filepath.Join(data, "events.csv"),
				"--outcomes", filepath.Join(data, "outcomes.csv"), "--rules", filepath.Join(qs, "rules.yml"), "--report", filepath.Join(root, "bt")}, 1,
				[]string{"--rules " + filepath.Join(qs, "rules.yml") + ": no such file", "rules.yaml"}},
			{"item 8: train --out onto an existing directory", append(three, "--out", bundle), 1, []string{"already exists", "new version directory"}},
			{"item 9: score without required columns", []string{"score", "--model", bundle, "--in", fewer, "--out", filepath.Join(root, "s.csv")}, 1,
				[]string{`missing required columns ["country" "lead_source"]`}},
			{"item 9: score without an optional column", []string{"score", "--model", bundle, "--in", optional, "--out", filepath.Join(root, "s.csv")}, 0,
				[]string{"warning", `lacks 1 column(s) the model was trained with, ["annual_revenue"]`, "2000 rows"}},
			{"score into a directory that does not exist", []string{"score", "--model", bundle, "--in", optional, "--out", filepath.Join(root, "nope", "s.csv")}, 1,
				[]string{"does not exist", "mkdir -p"}},
			{"compare: outputs are checked before the scoring", []string{"compare", "--model", bundle, "--in", filepath.Join(data, "leads.csv"), "--events", filepath.Join(data, "events.csv"),
				"--report", filepath.Join(root, "cmp"), "--suggest-rules", filepath.Join(root, "nope", "rules.yaml")}, 1, []string{"--suggest-rules", "mkdir -p"}},
			{"item 15: --version", []string{"--version"}, 0, nil},
		} {
			t.Run(tc.name, func(t *testing.T) {
				args := tc.args
				if args[0] == "--data" {
					args = append([]string{"train"}, args...)
				}
				r := runBin(t, root, bare, leadscore, args...)
				assert.Equal(t, tc.code, r.code, "stderr: %s", r.stderr)
				for _, w := range tc.want {
					assert.Contains(t, r.stderr, w)
				}
				if tc.code != 0 {
					assert.NotContains(t, r.stderr, "build examples", "refused before any long work")
				}
				if args[0] == "--version" {
					assert.Contains(t, r.stdout, release.Release)
				}
			})
		}
	})
}

// unquotedGlob reports whether a shell command line has a ?, * or [ outside
// single or double quotes.
func unquotedGlob(line string) bool {
	var quote rune
	for _, r := range line {
		switch {
		case quote != 0:
			if r == quote {
				quote = 0
			}
		case r == '\'' || r == '"':
			quote = r
		case r == '?' || r == '*' || r == '[':
			return true
		}
	}
	return false
}

type result struct {
	code           int
	stdout, stderr string
}

func runBin(t *testing.T, dir string, env []string, name string, args ...string) result {
	t.Helper()
	return runCmd(t, dir, env, exec.Command(name, args...))
}

func runShell(t *testing.T, dir string, env []string, script string) result {
	t.Helper()
	return runCmd(t, dir, env, exec.Command("bash", "-c", script))
}

func runCmd(t *testing.T, dir string, env []string, cmd *exec.Cmd) result {
	t.Helper()
	var stdout, stderr bytes.Buffer
	cmd.Dir, cmd.Env, cmd.Stdout, cmd.Stderr = dir, env, &stdout, &stderr
	err := cmd.Run()
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else {
		require.NoError(t, err)
	}
	return result{code, stdout.String(), stderr.String()}
}

func goTool(t *testing.T) string {
	if p, err := exec.LookPath("go"); err == nil {
		return p
	}
	p := filepath.Join(runtime.GOROOT(), "bin", "go")
	require.FileExists(t, p, "the go command, to build the binary as the README does")
	return p
}

// envWithPath is the environment with PATH replaced.
func envWithPath(path string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "PATH=") {
			env = append(env, kv)
		}
	}
	return append(env, "PATH="+path)
}

// printedCommands returns the indented lines that follow a line ending in
// ":" on the quickstart's stdout: the commands it tells the user to run.
func printedCommands(stdout string) []string {
	var out []string
	lines := strings.Split(stdout, "\n")
	for i := 1; i < len(lines); i++ {
		if strings.HasPrefix(lines[i], "  ") && strings.HasSuffix(lines[i-1], ":") {
			out = append(out, strings.TrimSpace(lines[i]))
		}
	}
	return out
}

type readmeBlock struct {
	lang, body, skip string
	line             int
}

type readme struct {
	text   string
	blocks []readmeBlock
}

// readmeBlocks returns the fenced blocks of README.md, each with the reason
// it is not run when an <!-- readme-test: skip (...) --> line precedes it.
func readmeBlocks(t *testing.T) readme {
	raw, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	require.NoError(t, err)
	r := readme{text: string(raw)}
	sc := bufio.NewScanner(bytes.NewReader(raw))
	var cur *readmeBlock
	var indent, skip string
	n := 0
	for sc.Scan() {
		n++
		line := sc.Text()
		trimmed := strings.TrimSpace(line)
		switch {
		case cur == nil && strings.HasPrefix(trimmed, "<!-- readme-test: skip"):
			skip = trimmed
		case cur == nil && strings.HasPrefix(trimmed, "```"):
			indent = line[:len(line)-len(strings.TrimLeft(line, " "))]
			cur = &readmeBlock{lang: strings.TrimPrefix(trimmed, "```"), skip: skip, line: n}
			skip = ""
		case cur != nil && trimmed == "```":
			r.blocks = append(r.blocks, *cur)
			cur = nil
		case cur != nil:
			cur.body += strings.TrimPrefix(line, indent) + "\n"
		case trimmed != "":
			skip = ""
		}
	}
	require.NoError(t, sc.Err())
	return r
}

// curlPayload returns the JSON after -d in a curl command, checked to be
// valid JSON.
func curlPayload(t *testing.T, cmd string) string {
	i := strings.Index(cmd, "-d '")
	require.GreaterOrEqual(t, i, 0, "curl example without -d '...': %s", cmd)
	body := cmd[i+4:]
	body = body[:strings.LastIndex(body, "'")]
	require.True(t, json.Valid([]byte(body)), "the README's JSON example is valid JSON: %s", body)
	return body
}

func freeAddr(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer l.Close()
	return l.Addr().String()
}

func waitReady(t *testing.T, url string) {
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if resp, err := http.Get(url); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("%s did not answer 200 within 20s", url)
}

func copyFile(t *testing.T, from, to string) {
	b, err := os.ReadFile(from)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(to, b, 0o644))
}

// renameHeader copies a CSV file with some header names changed.
func renameHeader(t *testing.T, from, to string, names map[string]string) {
	header, rows := readRawCSV(t, from)
	for i, h := range header {
		if n, ok := names[h]; ok {
			header[i] = n
		}
	}
	writeRawCSV(t, to, header, rows)
}

// dropColumns copies a CSV file without the named columns.
func dropColumns(t *testing.T, from, to string, drop ...string) {
	header, rows := readRawCSV(t, from)
	var keep []int
	for i, h := range header {
		if !containsString(drop, h) {
			keep = append(keep, i)
		}
	}
	pick := func(r []string) []string {
		out := make([]string, len(keep))
		for j, i := range keep {
			out[j] = r[i]
		}
		return out
	}
	newRows := make([][]string, len(rows))
	for i, r := range rows {
		newRows[i] = pick(r)
	}
	writeRawCSV(t, to, pick(header), newRows)
	require.Len(t, keep, len(header)-len(drop), fmt.Sprintf("%s has columns %q", from, drop))
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
