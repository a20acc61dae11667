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
