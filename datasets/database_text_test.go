package datasets

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

// A database value becomes the text a file would hold, and that text
// parses back to the same value.
func TestDBText(t *testing.T) {
	berlin := time.FixedZone("CEST", 2*3600)
	for _, tc := range []struct {
		v    any
		want string
	}{
		{nil, ""},
		{"Google", "Google"},
		{[]byte("x"), "x"},
		{int64(-42), "-42"},
		{0.1, "0.1"},
		{float32(1.5), "1.5"},
		{1e21, "1e+21"},
		{true, "true"},
		{false, "false"},
		{time.Date(2025, 6, 1, 12, 30, 0, 5000, berlin), "2025-06-01T10:30:00.000005Z"},
	} {
		assert.Equal(t, tc.want, dbText(tc.v), "%#v", tc.v)
	}
	a, b := 0.1, 0.2 // not constants: a+b is the double 0.30000000000000004
	f, ok := parseNumber(dbText(a + b))
	assert.True(t, ok)
	assert.Equal(t, a+b, f, "a double survives the text round trip")
}

func TestQuoteTable(t *testing.T) {
	assert.Equal(t, `"leads"`, quoteTable("leads"))
	assert.Equal(t, `"crm"."Leads"`, quoteTable("crm.Leads"))
	assert.Equal(t, `"a""b"`, quoteTable(`a"b`))
}
