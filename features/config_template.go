package features

// ConfigTemplate is a commented leadscore.yaml that sets every key to its
// default, with an example of each: `leadscore config init` writes it, and
// the README's leadscore.yaml reference is this text. Flags override it.
const ConfigTemplate = `# leadscore.yaml: column names and feature settings, passed with --config
# (train, backtest --feature-config). Every key is optional; the values
# below are the defaults. Flags given on the command line override them.

# Leads table (--data): one row per lead.
id: lead_id              # lead id column (--id)
created: created_at      # creation time column; three-table input needs it (--created)
target: ""               # flat data only: 0/1, yes/no or true/false outcome column (--target), e.g. Converted
time: ""                 # flat data only: scoring-moment column; the test set is then the latest leads (--time)

# Events table (--events): one row per activity.
events:
  lead_id: lead_id       # links an event to its lead
  timestamp: timestamp   # when it happened
  type: type             # page_view, email_open, form_submit, ...
  attrs: []              # attribute columns aggregated per value (default: page and channel when present), e.g. [page, channel]
  page_attr: page        # the attribute that holds the page
  page_view_type: page_view  # the event type whose pages get their own features
  max_keys: 100          # at most this many distinct types, pages and values are aggregated

# Outcomes table (--outcomes): one row per closed-won lead.
outcomes:
  lead_id: lead_id       # (--outcome-id)
  converted_at: converted_at  # (--converted-at)
  amount: amount         # optional deal value

# Snapshots and labels.
snapshot_days: []        # lead ages, in days after creation, at which training looks at it (--snapshots); empty: derived from the data (1, 3, 7, 14, 30, 60, 90, 180, 365... as far as history allows)
horizon_days: 90         # a snapshot is positive when the lead converts within this many days (--horizon)
half_life_days: 14       # half-life of time-decayed event counts
window_days: [1, 7, 30, 90]  # look-back windows of event counts (at most 6)

# Columns.
exclude: []              # never features, e.g. [deal_stage, sales_notes] (--exclude)
allow_leaky: []          # leakage suspects to keep anyway (--allow-leaky)
min_category_count: 10   # rows a category value, event type or page needs for its own column
log1p: []                # numeric features to log-transform; empty or [auto]: skewed ones; [none]: off
missing_values: []       # strings that mean missing, e.g. [Select] (--missing-values)
engagement_fields: []    # lead fields that record what the lead did (visits, time on site), counted as engagement, not fit, e.g. [TotalVisits]
sql_compatible: false    # true trains a simpler bundle, whose SQL (leadscore sql) is smaller: categories compared as spelled, no word features, no rule-sheet inputs

# Gradient-boosted trees: the shares of training rows and feature columns drawn
# for each tree, in (0, 1]; 1 turns sampling off, 0 keeps the default.
gbm_subsample: 0         # default 0.8 (--gbm-subsample)
gbm_colsample: 0         # default: about 25 columns per tree, a share between 0.1 and 0.5 (--gbm-colsample)

# Training memory: at most this many examples (lead snapshots); beyond it a
# deterministic sample of leads, weighted 1/rate. 0 keeps every example.
max_examples: 0          # (--max-examples)
`
