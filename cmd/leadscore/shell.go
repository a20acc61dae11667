package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// shellQuote returns s as one word for bash and zsh: unchanged when it only
// has characters neither shell treats specially, else in single quotes.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:=,+@%") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// shellLine joins words into a command line that bash and zsh read back as
// the same words.
func shellLine(words ...string) string {
	q := make([]string, len(words))
	for i, w := range words {
		q[i] = shellQuote(w)
	}
	return strings.Join(q, " ")
}

// selfCommand is how a printed command line should start so that it runs
// this program when pasted into a shell: "leadscore" when that is on PATH;
// else this binary's path, unless it is a throwaway 'go run' build, in
// which case "go run ./cmd/leadscore" from a clone. install is the step
// that puts leadscore on PATH, for a hint ("" when it is there already).
func selfCommand() (cmd []string, install string) {
	if _, err := exec.LookPath("leadscore"); err == nil {
		return []string{"leadscore"}, ""
	}
	install = "go install ./cmd/leadscore   # from the clone; puts leadscore in $(go env GOPATH)/bin, which must be on PATH"
	if exe, err := os.Executable(); err == nil && !strings.Contains(exe, string(filepath.Separator)+"go-build") {
		return []string{exe}, install
	}
	if _, err := os.Stat(filepath.Join("cmd", "leadscore", "main.go")); err == nil {
		return []string{"go", "run", "./cmd/leadscore"}, install
	}
	return []string{"leadscore"}, install
}
