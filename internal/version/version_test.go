package version

import (
	"runtime/debug"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestWithRevision(t *testing.T) {
	for _, tc := range []struct {
		name     string
		settings []debug.BuildSetting
		want     string
	}{
		{"no vcs", nil, Release},
		{"clean", []debug.BuildSetting{{Key: "vcs.revision", Value: "0e49b9f1234567890abc"}, {Key: "vcs.modified", Value: "false"}}, Release + " (rev 0e49b9f12345)"},
		{"modified", []debug.BuildSetting{{Key: "vcs.revision", Value: "abc"}, {Key: "vcs.modified", Value: "true"}}, Release + " (rev abc, modified)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, withRevision(tc.settings))
		})
	}
}
