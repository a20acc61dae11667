// Package notebooks holds Jupyter notebooks for the GoNB Go kernel that use
// leadscore as a library. The test below compiles every notebook's code cells
// against the current packages and runs them, so a notebook cannot silently
// rot; with -update it also saves each cell's output (text, tables and charts)
// into the notebook, so that it reads on GitHub without being run.
package notebooks

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/leadscore/leadscore/internal/realdata"
)

var update = flag.Bool("update", false, "save each code cell's output into its notebook")

// notebook is the part of the .ipynb format the test reads and writes.
type notebook struct {
	Cells         []map[string]any `json:"cells"`
	Metadata      map[string]any   `json:"metadata"`
	NBFormat      int              `json:"nbformat"`
	NBFormatMinor int              `json:"nbformat_minor"`
}

func source(cell map[string]any) string {
	switch s := cell["source"].(type) {
	case string:
		return s
	case []any:
		var b strings.Builder
		for _, line := range s {
			b.WriteString(fmt.Sprint(line))
		}
		return b.String()
	}
	return ""
}

// gonbuiPath is the import path of GoNB's display package. Notebooks import
// it as they would in Jupyter; the test swaps in stubPath, a stand-in that
// writes each displayed item to stdout between displayMark bytes.
const (
	gonbuiPath  = "github.com/janpfeifer/gonb/gonbui"
	stubPath    = "github.com/leadscore/leadscore/notebooks/nbrun/gonbui"
	displayMark = "\x1egonbui-display\x1e"
)

// stubGonbui implements the part of gonbui the notebooks use. Each display is
// one record: displayMark, the MIME type, a space, the base64 payload, "\n".
const stubGonbui = `// Package gonbui stands in for github.com/janpfeifer/gonb/gonbui when the
// notebook test runs the notebooks outside Jupyter.
package gonbui

import (
	"encoding/base64"
	"os"
)

// IsNotebook is true: the test collects what the notebook displays.
var IsNotebook = true

func send(mime string, data []byte) {
	os.Stdout.WriteString(` + "`" + displayMark + "`" + ` + mime + " " + base64.StdEncoding.EncodeToString(data) + "\n")
}

// DisplayHTML shows HTML.
func DisplayHTML(html string) { send("text/html", []byte(html)) }

// DisplayMarkdown shows Markdown.
func DisplayMarkdown(md string) { send("text/markdown", []byte(md)) }

// DisplayPng shows a PNG image.
func DisplayPng(png []byte) { send("image/png", png) }

// DisplayPNG shows a PNG image.
func DisplayPNG(png []byte) { DisplayPng(png) }

// DisplaySvg shows an SVG image (GoNB wraps it in HTML).
func DisplaySvg(svg string) { send("text/html", []byte("<div>"+svg+"</div>")) }
`

// gonbCommand matches a line GoNB executes itself instead of compiling:
// shell commands (!, !*) and magics (%goflags, %cd, ...), but not the %%
// line that starts a cell's main body.
var gonbCommand = regexp.MustCompile(`^\s*(!|%[^%])`)

// cellCode drops GoNB's own commands from a code cell, keeping line numbers.
func cellCode(text string) string {
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		if gonbCommand.MatchString(l) {
			lines[i] = ""
		}
	}
	return strings.Join(lines, "\n")
}

// program turns the code cells of a notebook into one Go package as GoNB runs
// them: code before a "%%" line is top-level Go (imports, functions,
// constants); code after it is the body of that cell's main, here the
// exported function CellK for the cell at index K.
func program(nb *notebook, pkg string) (src string, runs []int) {
	var decls, bodies strings.Builder
	fmt.Fprintf(&decls, "package %s\n\n", pkg)
	for i, c := range nb.Cells {
		if c["cell_type"] != "code" {
			continue
		}
		text := strings.ReplaceAll(cellCode(source(c)), `"`+gonbuiPath+`"`, `"`+stubPath+`"`)
		top, body, isMain := strings.Cut(text, "%%\n")
		if !isMain && strings.TrimSpace(text) == "%%" {
			top, isMain = "", true
		}
		decls.WriteString(top + "\n")
		if isMain {
			fmt.Fprintf(&bodies, "func Cell%d() {\n%s\n}\n\n", i, body)
			runs = append(runs, i)
		}
	}
	decls.WriteString(bodies.String())
	return decls.String(), runs
}

// runner is the main package that runs cell K of notebook package P when
// called with arguments P and K.
func runner(pkgs []string, runs [][]int) string {
	var b strings.Builder
	b.WriteString("package main\n\nimport (\n\t\"os\"\n\n")
	for _, p := range pkgs {
		fmt.Fprintf(&b, "\t%q\n", "github.com/leadscore/leadscore/notebooks/nbrun/"+p)
	}
	b.WriteString(")\n\nfunc main() {\n\tswitch os.Args[1] + \" \" + os.Args[2] {\n")
	for k, p := range pkgs {
		for _, i := range runs[k] {
			fmt.Fprintf(&b, "\tcase %q:\n\t\t%s.Cell%d()\n", p+" "+fmt.Sprint(i), p, i)
		}
	}
	b.WriteString("\tdefault:\n\t\tpanic(\"no such cell\")\n\t}\n}\n")
	return b.String()
}

// outputs turns a cell's stdout into notebook outputs: stream text, and a
// display_data output for every record the gonbui stand-in wrote.
func outputs(stdout string) ([]any, error) {
	var outs []any
	var text strings.Builder
	flush := func() {
		if text.Len() > 0 {
			outs = append(outs, map[string]any{
				"name": "stdout", "output_type": "stream", "text": lines(text.String()),
			})
			text.Reset()
		}
	}
	rest := stdout
	for {
		before, after, found := strings.Cut(rest, displayMark)
		text.WriteString(before)
		if !found {
			break
		}
		record, tail, _ := strings.Cut(after, "\n")
		rest = tail
		mime, payload, _ := strings.Cut(record, " ")
		raw, err := base64.StdEncoding.DecodeString(payload)
		if err != nil {
			return nil, fmt.Errorf("display record of %s: %w", mime, err)
		}
		var value any = lines(string(raw))
		if mime == "image/png" {
			value = payload // nbformat stores images as base64 text
		}
		flush()
		outs = append(outs, map[string]any{
			"output_type": "display_data", "data": map[string]any{mime: value}, "metadata": map[string]any{},
		})
	}
	flush()
	return outs, nil
}

// lines splits s after each newline, as nbformat stores multi-line text.
func lines(s string) []string {
	l := strings.SplitAfter(s, "\n")
	if len(l) > 1 && l[len(l)-1] == "" {
		l = l[:len(l)-1]
	}
	return l
}

// requirements lists the files a notebook's metadata says it reads
// (leadscore.requires, paths relative to the repository root) that are absent.
func requirements(nb *notebook, root string) []string {
	meta, _ := nb.Metadata["leadscore"].(map[string]any)
	reqs, _ := meta["requires"].([]any)
	var missing []string
	for _, r := range reqs {
		if _, err := os.Stat(filepath.Join(root, fmt.Sprint(r))); err != nil {
			missing = append(missing, fmt.Sprint(r))
		}
	}
	return missing
}

func TestNotebooksRun(t *testing.T) {
	if testing.Short() {
		t.Skip("runs every notebook; skipped with -short")
	}
	paths, err := filepath.Glob("*.ipynb")
	require.NoError(t, err)
	require.NotEmpty(t, paths)
	wd, err := os.Getwd()
	require.NoError(t, err)
	root := filepath.Dir(wd)

	// Every notebook becomes one package under nbrun/ and a single main
	// runs any of their cells, so the whole set compiles and links once.
	// The files exist only in an overlay: nothing is written to the tree.
	tmp := t.TempDir()
	replace := map[string]string{}
	add := func(rel, src string) {
		gen := filepath.Join(tmp, strings.ReplaceAll(rel, "/", "_"))
		require.NoError(t, os.WriteFile(gen, []byte(src), 0o644))
		replace[filepath.Join(wd, "nbrun", rel)] = gen
	}
	nbs := make([]*notebook, len(paths))
	pkgs := make([]string, len(paths))
	runs := make([][]int, len(paths))
	for k, path := range paths {
		raw, err := os.ReadFile(path)
		require.NoError(t, err)
		nbs[k] = new(notebook)
		require.NoError(t, json.Unmarshal(raw, nbs[k]), path)
		pkgs[k] = fmt.Sprintf("nb%02d", k+1)
		var src string
		src, runs[k] = program(nbs[k], pkgs[k])
		require.NotEmpty(t, runs[k], "%s has nothing to run", path)
		add(pkgs[k]+"/notebook.go", src)
	}
	add("gonbui/gonbui.go", stubGonbui)
	add("main.go", runner(pkgs, runs))
	ov, err := json.Marshal(map[string]any{"Replace": replace})
	require.NoError(t, err)
	ovPath := filepath.Join(tmp, "overlay.json")
	require.NoError(t, os.WriteFile(ovPath, ov, 0o644))
	bin := filepath.Join(tmp, "notebooks")
	// Without a symbol table and DWARF the link is shorter; panics still
	// print file and line.
	build := exec.Command("go", "build", "-ldflags=-s -w", "-overlay", ovPath, "-o", bin, "./nbrun")
	start := time.Now()
	if out, err := build.CombinedOutput(); err != nil {
		var which strings.Builder
		for k, p := range paths {
			fmt.Fprintf(&which, "  nbrun/%s is %s\n", pkgs[k], p)
		}
		t.Fatalf("the notebooks do not compile against the current packages:\n%s\n%s", out, which.String())
	}
	t.Logf("built the notebooks in %s", time.Since(start).Round(time.Millisecond))

	datasets, err := realdata.Dir()
	require.NoError(t, err)
	for k, path := range paths {
		t.Run(path, func(t *testing.T) {
			t.Parallel() // each notebook has its own work directory
			nb := nbs[k]
			if missing := requirements(nb, root); len(missing) > 0 {
				realdata.Absent(t, "%s reads %s, which is absent", path, strings.Join(missing, ", "))
			}
			work := t.TempDir()
			for _, i := range runs[k] {
				cmd := exec.Command(bin, pkgs[k], fmt.Sprint(i))
				cmd.Dir = work
				cmd.Env = append(os.Environ(), "LEADSCORE_DATASETS="+datasets)
				var stdout, stderr bytes.Buffer
				cmd.Stdout, cmd.Stderr = &stdout, &stderr
				began := time.Now()
				require.NoError(t, cmd.Run(), "%s cell %d failed:\n%s%s", path, i, stdout.String(), stderr.String())
				t.Logf("cell %d ran in %s (%s CPU)", i, time.Since(began).Round(time.Millisecond),
					(cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()).Round(time.Millisecond))
				assert.NotEmpty(t, strings.TrimSpace(stdout.String()), "%s cell %d shows nothing", path, i)
				outs, err := outputs(stdout.String())
				require.NoError(t, err, "%s cell %d", path, i)
				if !*update {
					saved, _ := nb.Cells[i]["outputs"].([]any)
					assert.NotEmpty(t, saved, "%s cell %d has no saved output: run go test ./notebooks/ -update", path, i)
				}
				nb.Cells[i]["outputs"] = outs
			}
			if *update {
				var out bytes.Buffer
				enc := json.NewEncoder(&out)
				enc.SetEscapeHTML(false) // keep saved HTML outputs readable in diffs
				enc.SetIndent("", " ")
				require.NoError(t, enc.Encode(nb))
				require.NoError(t, os.WriteFile(path, out.Bytes(), 0o644))
			}
		})
	}
}

func TestOutputsSplitsDisplays(t *testing.T) {
	png := base64.StdEncoding.EncodeToString([]byte("\x89PNG"))
	html := base64.StdEncoding.EncodeToString([]byte("<b>x</b>\n<i>y</i>"))
	outs, err := outputs("a\nb\n" + displayMark + "image/png " + png + "\nc\n" + displayMark + "text/html " + html + "\n")
	require.NoError(t, err)
	require.Len(t, outs, 4)
	assert.Equal(t, []string{"a\n", "b\n"}, outs[0].(map[string]any)["text"])
	assert.Equal(t, map[string]any{"image/png": png}, outs[1].(map[string]any)["data"])
	assert.Equal(t, []string{"c\n"}, outs[2].(map[string]any)["text"])
	assert.Equal(t, map[string]any{"text/html": []string{"<b>x</b>\n", "<i>y</i>"}}, outs[3].(map[string]any)["data"])
}

func TestProgramDropsGoNBCommands(t *testing.T) {
	nb := &notebook{Cells: []map[string]any{
		{"cell_type": "code", "source": "!*go mod edit -replace a=b\n%goflags -race\nimport \"" + gonbuiPath + "\"\n"},
		{"cell_type": "markdown", "source": "%% not code"},
		{"cell_type": "code", "source": "%%\ngonbui.DisplayHTML(\"x\")\n"},
	}}
	src, runs := program(nb, "nb01")
	assert.Equal(t, []int{2}, runs)
	assert.NotContains(t, src, "go mod edit")
	assert.NotContains(t, src, "goflags")
	assert.Contains(t, src, `import "`+stubPath+`"`)
	assert.Contains(t, src, "func Cell2() {\ngonbui.DisplayHTML(\"x\")\n")
}

func TestRequirementsListsAbsentFiles(t *testing.T) {
	root := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(root, "here.csv"), nil, 0o644))
	nb := &notebook{Metadata: map[string]any{"leadscore": map[string]any{"requires": []any{"here.csv", "../absent/Leads.csv"}}}}
	assert.Equal(t, []string{"../absent/Leads.csv"}, requirements(nb, root))
	assert.Empty(t, requirements(&notebook{}, root))
}

// TestNotebooksAreWellFormed checks the parts of nbformat 4 that Jupyter and
// GitHub need to show a notebook: known cell types, the keys every cell type
// requires, and the GoNB kernel.
func TestNotebooksAreWellFormed(t *testing.T) {
	paths, err := filepath.Glob("*.ipynb")
	require.NoError(t, err)
	for _, path := range paths {
		raw, err := os.ReadFile(path)
		require.NoError(t, err)
		var nb notebook
		require.NoError(t, json.Unmarshal(raw, &nb), path)
		assert.Equal(t, 4, nb.NBFormat, path)
		kernel, _ := nb.Metadata["kernelspec"].(map[string]any)
		assert.Equal(t, "gonb", kernel["name"], "%s must use the GoNB kernel", path)
		for i, c := range nb.Cells {
			assert.Contains(t, []any{"markdown", "code", "raw"}, c["cell_type"], "%s cell %d", path, i)
			assert.Contains(t, c, "metadata", "%s cell %d", path, i)
			assert.Contains(t, c, "source", "%s cell %d", path, i)
			if c["cell_type"] == "code" {
				assert.Contains(t, c, "outputs", "%s cell %d", path, i)
				assert.Contains(t, c, "execution_count", "%s cell %d", path, i)
			}
		}
	}
}
