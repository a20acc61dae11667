package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestUninformative(t *testing.T) {
	for _, tc := range []struct {
		reason string
		want   bool
	}{
		{"constant: one value (or none) in every training row", true},
		{"id-like: a distinct value for every lead", true},
		{"id-like: a distinct value for every lead; constant: one value (or none) in every training row", true},
		{"single-column ROC AUC 0.99 >= 0.95", false},
		{"constant: one value (or none) in every training row; timestamp at or after the conversion", false},
	} {
		assert.Equal(t, tc.want, uninformative(tc.reason), tc.reason)
	}
}

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
