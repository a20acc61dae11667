-- A lead may have one pending-rescore row per slot. Each transaction that
-- marks leads pending writes the rows of one slot, taken in turn by the
-- process (store.pendingSlots of them), so concurrent requests naming the
-- same leads, as ingestion's do all the time, no longer queue on one row
-- per lead until the other commits: under sustained ingestion into
-- PostgreSQL, half the sessions were waiting there (Lock:transactionid).
-- A lead's pending rescore is its rows together: the first change the
-- earliest first_at, the latest change the latest last_at, an outcome if
-- any row says so; a settle deletes each row whose last_at it covers.
ALTER TABLE pending_rescores ADD COLUMN slot SMALLINT NOT NULL DEFAULT 0;
ALTER TABLE pending_rescores DROP CONSTRAINT pending_rescores_pkey;
ALTER TABLE pending_rescores ADD PRIMARY KEY (lead_id, slot);
