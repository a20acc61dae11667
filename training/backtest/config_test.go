package backtest

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestReadOptions(t *testing.T) {
	tests := []struct {
		name      string
		cfg       Config
		wantDelim rune
		errPart   string
	}{
		{"defaults sniff", Config{}, 0, ""},
		{"tab", Config{Delimiter: "tab"}, '\t', ""},
		{"semicolon", Config{Delimiter: ";"}, ';', ""},
		{"format alias", Config{Format: "tsv", Delimiter: `\t`}, '\t', ""},
		{"bad delimiter", Config{Delimiter: "x"}, 0, `delimiter "x": expected`},
		{"bad format", Config{Format: "excel"}, 0, `format: unknown format "excel"`},
		{"bad type", Config{Types: map[string]string{"a": "blob"}}, 0, "types a=blob"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			opt, err := tc.cfg.readOptions()
			if tc.errPart != "" {
				assert.ErrorContains(t, err, tc.errPart)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.wantDelim, opt.Delimiter)
			assert.Equal(t, tc.cfg.Format, opt.Format)
		})
	}
}
