package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestShellQuote(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"/tmp/leadscore-quickstart/data/leads.csv", "/tmp/leadscore-quickstart/data/leads.csv"},
		{"http://127.0.0.1:8080/v1/score?explain=3", "'http://127.0.0.1:8080/v1/score?explain=3'"},
		{"my data/leads.csv", "'my data/leads.csv'"},
		{"it's", `'it'\''s'`},
		{"", "''"},
	} {
		assert.Equal(t, tc.want, shellQuote(tc.in), tc.in)
	}
}

func TestUnquotedGlob(t *testing.T) {
	for _, tc := range []struct {
		line string
		want bool
	}{
		{"curl -s http://127.0.0.1:8080/v1/score?explain=3", true},
		{"curl -s 'http://127.0.0.1:8080/v1/score?explain=3'", false},
		{`ls "a*b"`, false},
		{"ls a[1]", true},
		{"leadscore score --model /tmp/m --out scores.csv", false},
	} {
		assert.Equal(t, tc.want, unquotedGlob(tc.line), tc.line)
	}
}
