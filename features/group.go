package features

// Score axes: every feature counts in one of them, so a model's raw score
// splits exactly into a fit part, an engagement part and the base value.
const (
	// GroupFit is who the lead is: the lead's fields (industry, company
	// size, job title and its words), the hour and weekday it was created,
	// and rule-sheet fit points.
	GroupFit = "fit"
	// GroupEngagement is what the lead does: its events and their
	// aggregates, its age, dates recorded on it, and rule-sheet engagement
	// points.
	GroupEngagement = "engagement"
)

// GroupOf returns the score axis of feature f: f.Group when set (feature
// kinds such as rule-sheet points set it), else by origin: lead fields and
// the creation hour and weekday are fit; events, the lead's age and
// timestamp fields (days before the cutoff) are engagement.
func GroupOf(f *Feature) string {
	if f.Group == GroupFit || f.Group == GroupEngagement {
		return f.Group
	}
	switch f.Origin {
	case originField, originHour, originWeekday, originToken:
		return GroupFit
	}
	return GroupEngagement
}
