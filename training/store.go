package training

import (
	"context"
	"errors"
	"fmt"

	"github.com/leadscore/leadscore/datasets"
	"github.com/leadscore/leadscore/datasets/store"
	"github.com/leadscore/leadscore/features"
)

// FromStore points opt at a lead store: opt.Store is set and the column
// names are the store's. Prepare then reads the store directly, with no
// temporary files: the leads with their field history
// (store.ReadLeadHistory), the won outcomes and the events, grouped by lead
// (store.OpenEvents), streamed one lead at a time when opt.StreamEvents is
// set, else read whole as from a file. It builds the same point-in-time
// examples as from files holding the same history.
//
// Field history: every example sees the version of the lead's fields
// valid at its cutoff (features.Inputs.ValidFrom): a field changed or
// filled in after a snapshot's cutoff never reaches that snapshot, and
// reaches the later ones.
func FromStore(st *store.Store, opt Options) Options {
	opt.Store = st
	opt.Data, opt.Events, opt.Outcomes = "", "", ""
	c := &opt.Config
	c.ID, c.Created = store.ColLeadID, store.ColCreated
	c.Events.LeadID, c.Events.Timestamp, c.Events.Type = store.ColLeadID, store.ColTimestamp, store.ColType
	c.Outcomes.LeadID, c.Outcomes.ConvertedAt, c.Outcomes.Amount = store.ColLeadID, store.ColConvertedAt, store.ColAmount
	c.Target, c.Time = "", ""
	return opt
}

// checkStore is CheckInputs for a store: the files are not given.
func checkStore(opt Options) error {
	if opt.Data != "" || opt.Events != "" || opt.Outcomes != "" {
		return errors.New("training from a lead store reads the leads, events and outcomes from the store: drop --data, --events and --outcomes")
	}
	return nil
}

// readStore reads the store's leads (with their field history) and won
// outcomes, and its events too when withEvents, and returns the
// fingerprint parts of what it read, as readInputs does for files.
func readStore(ctx context.Context, opt Options, rep *Report, withEvents bool) (features.Inputs, []string, error) {
	var in features.Inputs
	st := opt.Store
	h, err := st.ReadLeadHistory(ctx, opt.Read)
	if err != nil {
		return in, nil, err
	}
	in.Leads, in.ValidFrom = h.Table, h.ValidFrom
	rep.Counts["leads_rows"] = int(h.Leads)
	if int(h.Leads) != h.Report.Rows {
		rep.Counts["lead_versions"] = h.Report.Rows
	}
	addProblems(rep, h.Report)
	parts := []string{storeTag(st, "leads", h.Report)}
	if withEvents {
		r, err := st.OpenEvents(ctx, opt.Read)
		if err != nil {
			return in, nil, err
		}
		t, rr, err := datasets.ReadAll(r)
		if err != nil {
			return in, nil, err
		}
		in.Events = t
		rep.Counts["events_rows"] = rr.Rows
		addProblems(rep, rr)
		parts = append(parts, storeTag(st, "events", rr))
	}
	t, rr, err := st.ReadWonOutcomes(ctx, opt.Read)
	if err != nil {
		return in, nil, err
	}
	in.Outcomes = t
	rep.Counts["outcomes_rows"] = rr.Rows
	addProblems(rep, rr)
	parts = append(parts, storeTag(st, "outcomes", rr))
	return in, parts, nil
}

// storeTag is the fingerprint part of a table read from a store: the
// store's URL without the password and the rows.
func storeTag(st *store.Store, what string, rr *datasets.ReadReport) string {
	return fmt.Sprintf("%s:%s:%d;", what, st.Redacted(), rr.Rows)
}

// addProblems adds a read's problems to rep's warnings.
func addProblems(rep *Report, rr *datasets.ReadReport) {
	for _, p := range rr.Problems {
		rep.Warnings = append(rep.Warnings, fmt.Sprintf("%s line %d: %s", rr.File, p.Line, p.Message))
	}
}
