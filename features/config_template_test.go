package features

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The template loads to the defaults and names every key of Config.
func TestConfigTemplate(t *testing.T) {
	p := filepath.Join(t.TempDir(), "leadscore.yaml")
	require.NoError(t, os.WriteFile(p, []byte(ConfigTemplate), 0o644))
	c, err := LoadConfig(p)
	require.NoError(t, err)
	for _, s := range []*[]string{&c.Exclude, &c.AllowLeaky, &c.Log1p, &c.MissingValues, &c.Events.Attrs, &c.EngagementFields} {
		if len(*s) == 0 {
			*s = nil // "[]" in the template: the same as unset
		}
	}
	assert.Equal(t, DefaultConfig(), c)

	var keys func(reflect.Type, string)
	keys = func(rt reflect.Type, indent string) {
		for i := 0; i < rt.NumField(); i++ {
			f := rt.Field(i)
			key := strings.Split(f.Tag.Get("yaml"), ",")[0]
			assert.Contains(t, ConfigTemplate, "\n"+indent+key+":", "the template documents %s%s", indent, key)
			if f.Type.Kind() == reflect.Struct {
				keys(f.Type, indent+"  ")
			}
		}
	}
	keys(reflect.TypeOf(Config{}), "")
}
