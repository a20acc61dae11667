package models

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestPercentileIn(t *testing.T) {
	ramp := Quantiles([]float64{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10})
	zeros := Quantiles(make([]float64, 50))
	mostlyZero := Quantiles(append(make([]float64, 60), 1, 2, 3, 4))
	tests := []struct {
		name string
		q    []float64
		x    float64
		want float64
	}{
		{"below", ramp, -1, 0},
		{"above", ramp, 11, 100},
		{"middle", ramp, 5, 50},
		{"between", ramp, 2.5, 25},
		{"a constant part ranks in the middle", zeros, 0, 50},
		{"above a constant part", zeros, 0.1, 100},
		{"tied with the lower part of the population", mostlyZero, 0, 46.8}, // quantiles 0-936 are 0
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.InDelta(t, tc.want, percentileIn(tc.q, tc.x), 0.01)
		})
	}
	assert.True(t, math.IsNaN(percentileIn(nil, 1)))
}
