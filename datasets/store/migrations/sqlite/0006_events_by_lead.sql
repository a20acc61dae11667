-- Events stored in lead order (SQLite only; PostgreSQL keeps its heap
-- table and covering index of version 5). events becomes a WITHOUT ROWID
-- table whose key is (lead_id, ts, id): a lead's events lie together, in
-- the order every reader wants them (Lead, LeadsAsOf, the export), so a
-- read is one range of the table, and the covering index of version 5,
-- which held a second copy of every event's type and attrs, goes. An
-- ingested event now changes two B-trees (the table and event_id's index)
-- instead of three (the table in arrival order, the covering index and
-- event_id's index).
--
-- Without a rowid the table gives no ids: event_seq holds the last id
-- handed out, taken by each insert in its transaction (ids keep arrival
-- order; a skipped duplicate leaves a gap).
CREATE TABLE events_by_lead (
    lead_id     TEXT    NOT NULL,
    ts          INTEGER NOT NULL,
    id          INTEGER NOT NULL,
    event_id    TEXT,
    type        TEXT    NOT NULL,
    attrs       TEXT,
    received_at INTEGER NOT NULL,
    PRIMARY KEY (lead_id, ts, id)
) WITHOUT ROWID;
INSERT INTO events_by_lead (lead_id, ts, id, event_id, type, attrs, received_at)
    SELECT lead_id, ts, id, event_id, type, attrs, received_at FROM events ORDER BY lead_id, ts, id;
CREATE TABLE event_seq (last INTEGER NOT NULL);
INSERT INTO event_seq (last) SELECT COALESCE(MAX(id), 0) FROM events;
DROP TABLE events;
ALTER TABLE events_by_lead RENAME TO events;
-- event_id, when given, is unique: a retry is ignored.
CREATE UNIQUE INDEX events_event_id ON events (event_id);

-- Pending rescores keyed by lead_id alone (the rowid table kept a second
-- B-tree, its primary key's index, that every upsert changed too).
CREATE TABLE pending_by_lead (
    lead_id  TEXT    PRIMARY KEY,
    first_at BIGINT  NOT NULL,
    last_at  BIGINT  NOT NULL,
    cause    TEXT    NOT NULL
) WITHOUT ROWID;
INSERT INTO pending_by_lead (lead_id, first_at, last_at, cause)
    SELECT lead_id, first_at, last_at, cause FROM pending_rescores;
DROP TABLE pending_rescores;
ALTER TABLE pending_by_lead RENAME TO pending_rescores;
