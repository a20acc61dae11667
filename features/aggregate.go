package features

import (
	"math"
	"time"
)

// dayNs is one day in nanoseconds.
const dayNs = int64(24 * time.Hour)

// decayScale is the fixed-point scale of time-decayed counts. Weights are
// rounded to multiples of 1/decayScale and summed as integers, so the sum does
// not depend on the order in which events arrive: the batch path (events in
// any order) and the single-lead path (events sorted) give identical numbers.
const decayScale = 1 << 32

// maxActiveDays caps the window, in days, over which distinct active days are
// counted (the longest configured window, at most this).
const maxActiveDays = 512

// aggState is the running aggregate of the events of one key (or of all
// events) before one cutoff.
type aggState struct {
	win   [maxWindows]uint32 // events with age <= WindowDays[k] days
	total uint32             // all events before the cutoff
	decay uint64             // sum of decayScale * 2^(-age/half-life), rounded per event
	last  int64              // Unix ns of the latest event; valid when total > 0
}

// Event classes used for the email rates and the negative signals.
const (
	emailNone = -1
	emailSent = 0
	emailOpen = 1
	emailClk  = 2

	sigNone     = -1
	sigUnsub    = 0
	sigBounce   = 1
	sigCareers  = 2
	numSignals  = 3
	numEmailCls = 3
)

// rowExtra holds the all-event aggregates of one row.
type rowExtra struct {
	all   aggState
	email [numEmailCls]uint32
	sig   [numSignals]uint32
}

// folder folds events into aggregates relative to a cutoff. It holds only
// configuration and is safe for concurrent use.
type folder struct {
	windows    [maxWindows]int64 // window lengths in ns
	windowDays [maxWindows]int
	nw         int
	halfLifeNs float64
	activeDays int // days over which distinct active days are counted
	words      int // uint64 words of the active-day bitset per row
}

func newFolder(windowDays []int, halfLifeDays float64) folder {
	var f folder
	f.nw = len(windowDays)
	for k, w := range windowDays {
		f.windows[k] = int64(w) * dayNs
		f.windowDays[k] = w
		f.activeDays = max(f.activeDays, w)
	}
	f.activeDays = min(f.activeDays, maxActiveDays)
	f.words = (f.activeDays + 63) / 64
	f.halfLifeNs = halfLifeDays * float64(dayNs)
	return f
}

// weight is the fixed-point decay weight of an event age ns before the cutoff.
func (f *folder) weight(age int64) uint64 {
	if f.halfLifeNs <= 0 {
		return 0
	}
	return uint64(math.Round(math.Exp2(-float64(age)/f.halfLifeNs) * decayScale))
}

// add folds one event at Unix ns t, age ns before the cutoff (age > 0), with
// decay weight w into s.
func (f *folder) add(s *aggState, t, age int64, w uint64) {
	for k := 0; k < f.nw; k++ {
		if age <= f.windows[k] {
			s.win[k]++
		}
	}
	if s.total == 0 || t > s.last {
		s.last = t
	}
	s.total++
	s.decay += w
}

// markActive sets the active-day bit of an event age ns before the cutoff.
func (f *folder) markActive(bits []uint64, age int64) {
	d := (age - 1) / dayNs
	if d < int64(f.activeDays) {
		bits[d>>6] |= 1 << (uint(d) & 63)
	}
}

// Aggregate names used in feature descriptors.
const (
	aggCount     = "count"
	aggDecayed   = "decayed"
	aggSinceLast = "days_since_last"
)

// value finalises one aggregate of s at cutoff (Unix ns): the count in window
// wIdx, the decayed count, or the days since the last event (NaN if none).
func (f *folder) value(s *aggState, agg string, wIdx int, cutoff int64) float64 {
	switch agg {
	case aggCount:
		if wIdx < 0 {
			return float64(s.total)
		}
		return float64(s.win[wIdx])
	case aggDecayed:
		return float64(s.decay) / decayScale
	case aggSinceLast:
		if s.total == 0 {
			return math.NaN()
		}
		return float64(cutoff-s.last) / float64(dayNs)
	}
	return math.NaN()
}

// windowIndex returns the index of a window of days, or -1.
func (f *folder) windowIndex(days int) int {
	for k := 0; k < f.nw; k++ {
		if f.windowDays[k] == days {
			return k
		}
	}
	return -1
}

func activeCount(bits []uint64) float64 {
	n := 0
	for _, w := range bits {
		for ; w != 0; w &= w - 1 {
			n++
		}
	}
	return float64(n)
}

// emailRate returns num/den, NaN when den is zero.
func emailRate(num, den uint32) float64 {
	if den == 0 {
		return math.NaN()
	}
	return float64(num) / float64(den)
}

// containsFold reports whether s contains the ASCII substring sub (lower
// case), ignoring ASCII case, without allocating.
func containsFold(s, sub string) bool {
	n := len(sub)
	for i := 0; i+n <= len(s); i++ {
		ok := true
		for j := 0; j < n; j++ {
			c := s[i+j]
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			if c != sub[j] {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}

// emailClass classifies an event type as email sent, opened or clicked, or
// emailNone. Types must mention "mail"; "sent", "send" or "deliver" mean
// sent, "open" opened and "click" clicked.
func emailClass(typ string) int {
	if !containsFold(typ, "mail") || containsFold(typ, "unsub") || containsFold(typ, "bounce") {
		return emailNone
	}
	switch {
	case containsFold(typ, "click"):
		return emailClk
	case containsFold(typ, "open"):
		return emailOpen
	case containsFold(typ, "sent"), containsFold(typ, "send"), containsFold(typ, "deliver"):
		return emailSent
	}
	return emailNone
}

// signalClass classifies an event as an explicit negative signal:
// an unsubscribe, a bounce, or a visit to a careers or jobs page.
func signalClass(typ, page string, pageView bool) int {
	switch {
	case containsFold(typ, "unsub"):
		return sigUnsub
	case containsFold(typ, "bounce"):
		return sigBounce
	case containsFold(typ, "career"):
		return sigCareers
	case pageView && (containsFold(page, "career") || containsFold(page, "jobs")):
		return sigCareers
	}
	return sigNone
}
