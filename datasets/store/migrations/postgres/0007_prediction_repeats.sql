-- An answer issued again unchanged is logged compactly. A scoring-by-id
-- client that asks for the same lead many times a second gets the same
-- answer each time (the lead, the moment it was scored as of, the model,
-- the score and its reasons); the prediction log kept a full row, top
-- reasons included, for every one of them. Now one row may stand for
-- 1 + repeats issuances of one answer: scored_at is the last one's time,
-- repeated_at the gaps between successive issuances (unsigned varints of
-- nanoseconds, oldest first), and the row's id is the last issuance's: the
-- issuances have the ids id - repeats .. id, and readers list them one by
-- one as before.
ALTER TABLE predictions ADD COLUMN repeats INTEGER NOT NULL DEFAULT 0;
ALTER TABLE predictions ADD COLUMN repeated_at BYTEA;
