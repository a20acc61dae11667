-- The lead store, version 1. Times are Unix nanoseconds (UTC).

-- One row per lead; seq keeps the order leads first arrived in.
CREATE TABLE leads (
    seq        BIGSERIAL PRIMARY KEY,
    lead_id    TEXT    NOT NULL UNIQUE,
    created_at BIGINT,
    first_seen BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

-- The field history: a row per change of a lead's fields (a JSON object),
-- valid from valid_from on. A lead's fields as of T are its latest version
-- with valid_from <= T.
CREATE TABLE lead_versions (
    id          BIGSERIAL PRIMARY KEY,
    lead_id     TEXT    NOT NULL,
    valid_from  BIGINT NOT NULL,
    recorded_at BIGINT NOT NULL,
    fields      TEXT    NOT NULL
);
CREATE INDEX lead_versions_lead ON lead_versions (lead_id, valid_from, id);

-- Every field name seen, in first-seen order (the column order of exports).
CREATE TABLE lead_fields (
    name     TEXT    PRIMARY KEY,
    position INTEGER NOT NULL
);

-- Activity events. event_id, when given, is unique: a retry is ignored.
CREATE TABLE events (
    id          BIGSERIAL PRIMARY KEY,
    lead_id     TEXT    NOT NULL,
    event_id    TEXT    UNIQUE,
    type        TEXT    NOT NULL,
    ts          BIGINT NOT NULL,
    attrs       TEXT,
    received_at BIGINT NOT NULL
);
CREATE INDEX events_lead_ts ON events (lead_id, ts);

-- Every event attribute name seen, in first-seen order.
CREATE TABLE event_attrs (
    name     TEXT    PRIMARY KEY,
    position INTEGER NOT NULL
);

-- Outcomes: status won (closed-won), lost or disqualified; one per lead and
-- status, the latest report replacing the earlier one.
CREATE TABLE outcomes (
    id           BIGSERIAL PRIMARY KEY,
    lead_id      TEXT    NOT NULL,
    status       TEXT    NOT NULL,
    converted_at BIGINT NOT NULL,
    amount       DOUBLE PRECISION,
    recorded_at  BIGINT NOT NULL,
    UNIQUE (lead_id, status)
);

-- The prediction log: every score the service issued.
CREATE TABLE predictions (
    id            BIGSERIAL PRIMARY KEY,
    lead_id       TEXT    NOT NULL,
    scored_at     BIGINT NOT NULL,
    as_of         BIGINT NOT NULL,
    source        TEXT    NOT NULL,
    model_name    TEXT    NOT NULL,
    model_version TEXT    NOT NULL,
    probability   DOUBLE PRECISION    NOT NULL,
    score         INTEGER NOT NULL,
    grade         TEXT    NOT NULL,
    tier          TEXT    NOT NULL,
    rules_points  DOUBLE PRECISION,
    rules_tier    TEXT,
    reasons       TEXT
);
CREATE INDEX predictions_lead ON predictions (lead_id, id);
CREATE INDEX predictions_time ON predictions (scored_at, id);
