-- The webhook outbox: every delivery until its receiver acknowledges it
-- (or it is dead-lettered). seq orders a lead's deliveries to one target;
-- a replay takes a new one. Times are Unix nanoseconds (UTC).
CREATE TABLE webhook_outbox (
    id           TEXT    PRIMARY KEY,
    seq          INTEGER NOT NULL UNIQUE,
    target       TEXT    NOT NULL,
    lead_id      TEXT    NOT NULL,
    event        TEXT    NOT NULL,
    body         BLOB    NOT NULL,
    state        TEXT    NOT NULL,
    attempts     INTEGER NOT NULL DEFAULT 0,
    next_attempt INTEGER NOT NULL,
    lease_until  INTEGER NOT NULL DEFAULT 0,
    created_at   INTEGER NOT NULL,
    done_at      INTEGER,
    last_status  INTEGER,
    last_error   TEXT
);
CREATE INDEX webhook_outbox_line ON webhook_outbox (target, lead_id, seq);
CREATE INDEX webhook_outbox_state ON webhook_outbox (state, seq);
