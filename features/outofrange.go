package features

import (
	"fmt"
	"math"
)

// Out-of-range modes of the linear encoding (OutOfRange.Mode).
const (
	// RangeClip bounds a number to its training range [Min, Max]: beyond
	// it the linear model scores the lead as at the range's edge.
	RangeClip = "clip"
	// RangeWidened bounds a number to its training range widened by
	// Margin times its width on each side: the model extrapolates a
	// little, then stops.
	RangeWidened = "widened"
	// RangeNone does not bound numbers: the linear model extrapolates.
	RangeNone = "none"
)

// DefaultRangeMargin is the margin of RangeWidened: half the training
// range on each side.
const DefaultRangeMargin = 0.5

// OutOfRange says how the linear encoding treats a number outside its
// training range. Trees are constant beyond the range whatever it says, and
// every such number is reported (Warnings.OutOfRange) whatever the mode:
// the score extrapolates.
type OutOfRange struct {
	// Mode is clip (the zero value ""), widened or none.
	Mode string `json:"mode,omitempty"`
	// Margin is RangeWidened's margin, as a multiple of the training
	// range's width.
	Margin float64 `json:"margin,omitempty"`
}

// Validate reports an unknown mode or a negative margin.
func (o OutOfRange) Validate() error {
	switch o.Mode {
	case "", RangeClip, RangeNone:
	case RangeWidened:
		if o.Margin < 0 || math.IsNaN(o.Margin) {
			return fmt.Errorf("out-of-range margin %v: expected 0 or more", o.Margin)
		}
	default:
		return fmt.Errorf("out-of-range mode %q: expected %s, %s or %s", o.Mode, RangeClip, RangeWidened, RangeNone)
	}
	return nil
}

// String names the mode, with its margin when widened.
func (o OutOfRange) String() string {
	switch o.Mode {
	case "":
		return RangeClip
	case RangeWidened:
		return fmt.Sprintf("%s by %g x the range", RangeWidened, o.Margin)
	}
	return o.Mode
}

// Bounds are the limits [lo', hi'] the linear encoding holds a number of
// training range [lo, hi] to: the range itself (clip), the range widened by
// Margin times its width on each side (widened), or (-Inf, +Inf) (none).
func (o OutOfRange) Bounds(lo, hi float64) (float64, float64) { return o.bounds(lo, hi) }

func (o OutOfRange) bounds(lo, hi float64) (float64, float64) {
	switch o.Mode {
	case RangeNone:
		return math.Inf(-1), math.Inf(1)
	case RangeWidened:
		w := (hi - lo) * o.Margin
		return lo - w, hi + w
	}
	return lo, hi
}

// WithOutOfRange returns a copy of s whose linear encoding treats numbers
// outside their training range as o says (the tree encoding is the same).
func (s *Spec) WithOutOfRange(o OutOfRange) (*Spec, error) {
	if err := o.Validate(); err != nil {
		return nil, err
	}
	c := *s
	c.OutOfRange = o
	c.ix = c.buildIndex()
	return &c, nil
}
