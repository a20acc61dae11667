package main

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/leadscore/leadscore/features"
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

// The gbm's sampling comes from the defaults, then leadscore.yaml
// (gbm_subsample, gbm_colsample), then the flags.
func TestGBMSamplingPrecedence(t *testing.T) {
	flags := &trainFlags{gbmSubsample: 0.9, gbmColSam: 0.7}
	yaml := features.Config{GBMSubsample: 0.6, GBMColSample: 0.4}
	for _, tc := range []struct {
		name             string
		cfg              features.Config
		changed          []string
		wantSub, wantCol float64
	}{
		{"defaults", features.Config{}, nil, 0.8, 0.5},
		{"config file", yaml, nil, 0.6, 0.4},
		{"flag over the file", yaml, []string{"gbm-subsample"}, 0.9, 0.4},
		{"both flags", yaml, []string{"gbm-subsample", "gbm-colsample"}, 0.9, 0.7},
	} {
		changed := func(name string) bool {
			for _, c := range tc.changed {
				if c == name {
					return true
				}
			}
			return false
		}
		p := gbmParams(flags, tc.cfg, changed)
		assert.Equal(t, tc.wantSub, p.Subsample, tc.name)
		assert.Equal(t, tc.wantCol, p.ColSample, tc.name)
	}
}
