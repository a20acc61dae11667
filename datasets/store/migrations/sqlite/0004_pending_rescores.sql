-- Pending rescores: a lead whose fields, events or outcomes changed and
-- that has not been rescored since. A row is written in the transaction of
-- the change and removed in the transaction that logs the rescore, so a
-- crash in between loses no rescore: the next start takes the rows back.
-- first_at and last_at are the first and the latest change (server time,
-- Unix nanoseconds); cause is activity or outcome (an outcome sticks).
CREATE TABLE pending_rescores (
    lead_id  TEXT   PRIMARY KEY,
    first_at BIGINT NOT NULL,
    last_at  BIGINT NOT NULL,
    cause    TEXT   NOT NULL
);
