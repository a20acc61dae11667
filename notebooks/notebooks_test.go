// Package notebooks holds Jupyter notebooks for the GoNB Go kernel that use
// leadscore as a library. The test below compiles every notebook's code cells
// against the current packages and runs them, so a notebook cannot silently
// rot; with -update it also saves each cell's output into the notebook.
package notebooks

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
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

// program turns the code cells into one Go program as GoNB runs them: code
// before a "%%" line is top-level Go (imports, functions, constants); code
// after it is the body of that cell's main. Cell k runs with argument k.
func program(nb *notebook) (src string, runs []int) {
	var decls, bodies strings.Builder
	decls.WriteString("package main\n\n")
	for i, c := range nb.Cells {
		if c["cell_type"] != "code" {
			continue
		}
		text := source(c)
		top, body, isMain := strings.Cut(text, "%%\n")
		if !isMain && strings.TrimSpace(text) == "%%" {
			top, isMain = "", true
		}
		decls.WriteString(top + "\n")
		if isMain {
			fmt.Fprintf(&bodies, "func cell%d() {\n%s\n}\n\n", i, body)
			runs = append(runs, i)
		}
	}
	decls.WriteString(bodies.String())
	decls.WriteString("func main() {\n\tswitch os.Args[1] {\n")
	for _, i := range runs {
		fmt.Fprintf(&decls, "\tcase %q:\n\t\tcell%d()\n", fmt.Sprint(i), i)
	}
	decls.WriteString("\t}\n}\n")
	return decls.String(), runs
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
	for _, path := range paths {
		t.Run(path, func(t *testing.T) {
			raw, err := os.ReadFile(path)
			require.NoError(t, err)
			var nb notebook
			require.NoError(t, json.Unmarshal(raw, &nb))
			src, runs := program(&nb)
			require.NotEmpty(t, runs, "a notebook with nothing to run")
			if !strings.Contains(src, `"os"`) {
				t.Fatalf("%s must import os (the runner's main uses it)", path)
			}

			// Compile inside the module through an overlay, so the program
			// imports the current packages without a file in the tree.
			tmp := t.TempDir()
			gen := filepath.Join(tmp, "main.go")
			require.NoError(t, os.WriteFile(gen, []byte(src), 0o644))
			target := filepath.Join(wd, "nbrun", "main.go")
			ov, _ := json.Marshal(map[string]any{"Replace": map[string]string{target: gen}})
			ovPath := filepath.Join(tmp, "overlay.json")
			require.NoError(t, os.WriteFile(ovPath, ov, 0o644))
			bin := filepath.Join(tmp, "nb")
			build := exec.Command("go", "build", "-overlay", ovPath, "-o", bin, "./nbrun")
			if out, err := build.CombinedOutput(); err != nil {
				t.Fatalf("%s does not compile against the current packages:\n%s\n--- generated program ---\n%s", path, out, src)
			}

			work := t.TempDir()
			for _, i := range runs {
				cmd := exec.Command(bin, fmt.Sprint(i))
				cmd.Dir = work
				var stdout, stderr bytes.Buffer
				cmd.Stdout, cmd.Stderr = &stdout, &stderr
				require.NoError(t, cmd.Run(), "%s cell %d failed:\n%s%s", path, i, stdout.String(), stderr.String())
				assert.NotEmpty(t, strings.TrimSpace(stdout.String()), "%s cell %d prints nothing", path, i)
				nb.Cells[i]["outputs"] = []any{map[string]any{
					"name": "stdout", "output_type": "stream", "text": strings.SplitAfter(stdout.String(), "\n"),
				}}
			}
			if *update {
				out, err := json.MarshalIndent(&nb, "", " ")
				require.NoError(t, err)
				require.NoError(t, os.WriteFile(path, append(out, '\n'), 0o644))
			}
		})
	}
}
