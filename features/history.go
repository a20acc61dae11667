package features

import (
	"cmp"
	"fmt"
	"slices"
	"time"

	"github.com/leadscore/leadscore/datasets"
)

// fieldHistory indexes the field versions of each lead when the leads
// table holds a field history (Inputs.ValidFrom): rows[off[li]:off[li+1]]
// are lead li's rows of the table, ordered by the time they are valid from
// (rows valid from the same time in table order, the later one winning).
type fieldHistory struct {
	validFrom []int64
	off       []int32
	rows      []int32
}

// newFieldHistory indexes the rows of the leads table by lead: leadOfRow
// is each row's lead (-1 for rows without an id).
func newFieldHistory(validFrom []int64, leadOfRow []int32, leads int) *fieldHistory {
	h := &fieldHistory{validFrom: validFrom, off: make([]int32, leads+1)}
	for _, li := range leadOfRow {
		if li >= 0 {
			h.off[li+1]++
		}
	}
	for li := range leads {
		h.off[li+1] += h.off[li]
	}
	h.rows = make([]int32, h.off[leads])
	next := slices.Clone(h.off[:leads])
	for row, li := range leadOfRow {
		if li >= 0 {
			h.rows[next[li]] = int32(row)
			next[li]++
		}
	}
	for li := range leads {
		seg := h.rows[h.off[li]:h.off[li+1]]
		slices.SortStableFunc(seg, func(a, b int32) int {
			return cmp.Compare(validFrom[a], validFrom[b])
		})
	}
	return h
}

// at returns the row of lead li's version valid at cutoff: the latest one
// valid from cutoff or earlier (a version valid from a later time is never
// seen), and false when every version is valid from after the cutoff.
func (h *fieldHistory) at(li int32, cutoff int64) (int32, bool) {
	seg := h.rows[h.off[li]:h.off[li+1]]
	// The first version valid from after the cutoff; the one before it is
	// the version valid at the cutoff.
	k, _ := slices.BinarySearchFunc(seg, cutoff, func(row int32, c int64) int {
		if h.validFrom[row] <= c {
			return -1
		}
		return 1
	})
	if k == 0 {
		return 0, false
	}
	return seg[k-1], true
}

// versionAt returns the leads-table row holding lead li's fields as of
// cutoff: its only row without a field history, else the version valid at
// the cutoff (an error when the lead has none yet).
func (b *builder) versionAt(li int32, cutoff int64) (int32, error) {
	if b.hist == nil {
		return b.leadRow[li], nil
	}
	row, ok := b.hist.at(li, cutoff)
	if !ok {
		first := b.hist.validFrom[b.hist.rows[b.hist.off[li]]]
		return 0, fmt.Errorf("%s: lead %q has no field version valid at its cutoff %s (its first is valid from %s): the field history must give every lead a version valid from its creation",
			b.leads.Source, idString(b.idCol, int(b.leadRow[li])), fmtNs(cutoff), fmtNs(first))
	}
	return row, nil
}

func fmtNs(ns int64) string { return time.Unix(0, ns).UTC().Format(time.RFC3339Nano) }

// checkValidFrom checks that a field history has a time per leads row.
func checkValidFrom(t *datasets.Table, validFrom []int64) error {
	if validFrom != nil && len(validFrom) != t.Rows() {
		return fmt.Errorf("%s: the field history has %d valid-from times for %d rows", t.Source, len(validFrom), t.Rows())
	}
	return nil
}
