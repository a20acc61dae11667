-- The webhook outbox: every delivery until its receiver acknowledges it
-- (or it is dead-lettered). seq orders a lead's deliveries to one target;
-- a replay takes a new one. Times are Unix nanoseconds (UTC).
CREATE SEQUENCE webhook_outbox_seq;
CREATE TABLE webhook_outbox (
    id           TEXT    PRIMARY KEY,
    seq          BIGINT  NOT NULL UNIQUE,
    target       TEXT    NOT NULL,
    lead_id      TEXT    NOT NULL,
    event        TEXT    NOT NULL,
    body         BYTEA   NOT NULL,
    state        TEXT    NOT NULL,
    attempts     INTEGER NOT NULL DEFAULT 0,
    next_attempt BIGINT  NOT NULL,
    lease_until  BIGINT  NOT NULL DEFAULT 0,
    created_at   BIGINT  NOT NULL,
    done_at      BIGINT,
    last_status  INTEGER,
    last_error   TEXT
);
CREATE INDEX webhook_outbox_line ON webhook_outbox (target, lead_id, seq);
CREATE INDEX webhook_outbox_state ON webhook_outbox (state, seq);
