package features

import (
	"slices"
	"time"

	"github.com/leadscore/leadscore/datasets"
)

// snapshotLadder are the lead ages, in days, a derived schedule picks from:
// dense in the first weeks, when most leads are scored and most convert,
// then sparser, then yearly.
var snapshotLadder = []int{1, 3, 7, 14, 30, 60, 90, 180, 365, 545, 730, 1095, 1460, 1825}

// Thresholds of a derived schedule: an age is kept when at least
// minScheduleShare of the leads, and at least minScheduleLeads of them,
// have had that age plus the horizon by the end of the data (their snapshot
// at that age is labelled, not censored).
const (
	minScheduleShare = 0.05
	minScheduleLeads = 30
)

// SnapshotSchedule derives the training snapshot ages from the data: the
// ages of the ladder 1, 3, 7, 14, 30, 60, 90, 180, 365, 545, 730, 1095,
// 1460, 1825 days at which at least 5% of the leads (and at least 30 of
// them) have a labelled snapshot, that is created + age + horizonDays <=
// end. created are creation times in Unix ns (datasets.MissingTime
// ignored). So the snapshots cover the ages at which leads are really
// scored, as far as the history allows; a lead scored older than the last
// age gets an out_of_range warning on lead_age. The first age is always
// kept, so the schedule is never empty.
func SnapshotSchedule(created []int64, end time.Time, horizonDays int) []int {
	var known []int64
	for _, c := range created {
		if c != datasets.MissingTime {
			known = append(known, c)
		}
	}
	slices.Sort(known)
	endNs := end.UnixNano()
	out := []int{snapshotLadder[0]}
	for _, d := range snapshotLadder[1:] {
		// Leads created at or before end - d - horizon are labelled at d.
		last := endNs - int64(d+horizonDays)*dayNs
		n, _ := slices.BinarySearch(known, last+1)
		if n < minScheduleLeads || float64(n) < minScheduleShare*float64(len(known)) {
			break
		}
		out = append(out, d)
	}
	return out
}

// SnapshotDays returns the snapshot ages the dataset was built with: the
// configured ones, or those SnapshotSchedule derived from the data (nil for
// flat and scoring datasets).
func (d *Dataset) SnapshotDays() []int {
	if d.Report.Mode != "snapshots" {
		return nil
	}
	return slices.Clone(d.cfg.SnapshotDays)
}
