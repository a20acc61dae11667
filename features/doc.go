// Package features turns leads, their activity and their outcomes into the
// numbers the models learn from, and audits the inputs for leakage.
//
// # Point in time
//
// A lead is scored at a moment called its cutoff. Only what was known before
// the cutoff may enter its features:
//
//   - events count only when their timestamp is strictly before the cutoff
//     (an event one second after the cutoff is ignored, one second before
//     counts);
//   - lead fields are taken as they stand in the lead record; a timestamp
//     field later than the cutoff reads as missing, because it was not known
//     yet;
//   - the lead's age at the cutoff, in days, is a feature (lead_age_days).
//
// For training, every lead contributes one snapshot per entry of
// SnapshotDays, with the cutoff at creation + that many days. The label of a
// snapshot is 1 when the lead converted within HorizonDays after the cutoff,
// else 0. Two kinds of snapshots are dropped and counted in the BuildReport:
// snapshots at or after the conversion (the outcome was already known), and
// censored snapshots whose horizon had not fully elapsed by the end of the
// data (AsOf, or the latest timestamp in leads, events and outcomes). A
// censored snapshot is never labelled negative: its lead may still convert.
//
// Flat data (one row per lead with a 0/1 target column, like a CRM export)
// gives one example per lead, labelled by the target; its cutoff is the
// row's Time column when configured.
//
// # Features
//
// Numbers are imputed with the training median and get a missing-indicator
// column when training had missing values; heavy-tailed non-negative counts
// (skewness above 2) are log1p-transformed; the linear encoding standardises
// them. Categories are one-hot for linear models, with values seen in fewer
// than MinCategoryCount training rows folded into "other" and a separate
// "missing" column; trees get integer codes. A value never seen in training
// encodes as "other" with a warning, not an error. The creation time gives
// the lead age in days and the hour (00-23) and weekday of creation, both
// in UTC and both categorical, so that neither a linear model nor a tree has
// to learn a cycle. Other timestamp fields become days before the cutoff.
//
// Events give, per event type, per page of page views and per value of
// other attributes (channel): counts in each of WindowDays, a count decayed
// with HalfLifeDays, and the days since the last event. Over all events
// there are the same aggregates, the number of distinct active days (24-hour
// periods counted back from the cutoff) in the longest window, the email
// open rate (opens / sent) and click rate (clicks / opens), and explicit
// negative signals: unsubscribed, email bounced, visited a careers or jobs
// page. Only event keys present in at least MinCategoryCount training rows
// get columns. Every encoded column names the field a marketer recognises
// in ColumnInfo.Source, so contributions sum back per field.
//
// # Streaming
//
// Events are folded batch by batch, in any order, into per-row aggregates
// (BuildStreaming), so memory grows with rows x features, not with events.
// Time-decayed counts are summed in fixed point, which makes them
// independent of event order: a single lead scored through TransformLead
// gets exactly the numbers of the batch path. With events grouped by lead,
// BuildByLead also hands each lead's rows, with their events, to a visitor
// (training evaluates the rule sheet there) before dropping the events, so
// nothing but the aggregates outlives a lead. Config.MaxExamples caps the
// rows with a deterministic, weighted sample of the leads (Sampling).
//
// # Leakage
//
// Audit flags columns that separate the classes too well, columns filled
// mostly only for converted leads, timestamps at or after the conversion,
// ids and constants. Fit leaves the suspects out unless Config.AllowLeaky
// lists them.
package features
