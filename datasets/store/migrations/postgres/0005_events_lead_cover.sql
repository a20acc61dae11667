-- A lead's events read from one index: (lead_id, ts, id) orders them as
-- every reader does (Lead, LeadsAsOf), and type and attrs ride along, so a
-- read can be index-only instead of visiting the table once per event. It
-- replaces events_lead_ts, whose queries it serves.
CREATE INDEX events_lead_cover ON events (lead_id, ts, id) INCLUDE (type, attrs);
DROP INDEX events_lead_ts;
