-- A lead's events read from one index: (lead_id, ts, id) orders them as
-- every reader does (Lead, LeadsAsOf), and type and attrs ride along, so a
-- read seeks the index once per lead instead of the table once per event
-- (events of one lead are spread over the table in arrival order). It
-- replaces events_lead_ts, whose queries it serves.
CREATE INDEX events_lead_cover ON events (lead_id, ts, id, type, attrs);
DROP INDEX events_lead_ts;
