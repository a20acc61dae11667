package training

import (
	"context"
	"time"

	"github.com/leadscore/leadscore/datasets/store"
)

// FromStore points opt at a lead store: it writes the store's leads,
// events and won outcomes as the three tables into dir (store.Export,
// streaming, so memory does not grow with the store) and sets opt.Data,
// opt.Events, opt.Outcomes and the column names to them. Training then
// builds the same point-in-time examples as from files holding the same
// history.
//
// Field history: each lead's fields are the version valid at its first
// training snapshot (created_at + opt.Config.FirstSnapshotDay()).
// The example builder takes one row of fields per lead; the version known
// at the earliest cutoff was known at every later cutoff too, so no value
// recorded after a snapshot's cutoff reaches its features (a later change
// only reaches training through leads created after it).
func FromStore(ctx context.Context, st *store.Store, dir string, opt Options) (Options, *store.Exported, error) {
	// With no configured ages the schedule is derived from the data and
	// starts at FirstSnapshotDay too.
	first := opt.Config.FirstSnapshotDay()
	ex, err := st.Export(ctx, dir, time.Duration(first)*24*time.Hour)
	if err != nil {
		return opt, nil, err
	}
	opt.Data, opt.Events, opt.Outcomes = ex.Leads, ex.Events, ex.Outcomes
	c := &opt.Config
	c.ID, c.Created = store.ColLeadID, store.ColCreated
	c.Events.LeadID, c.Events.Timestamp, c.Events.Type = store.ColLeadID, store.ColTimestamp, store.ColType
	c.Outcomes.LeadID, c.Outcomes.ConvertedAt, c.Outcomes.Amount = store.ColLeadID, store.ColConvertedAt, store.ColAmount
	c.Target, c.Time = "", ""
	return opt, ex, nil
}
