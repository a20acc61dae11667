-- The rule sheet's calibrated probability beside each issued score (NULL
-- for a bundle without a rule sheet, and for scores logged before this
-- version), so that outcome monitoring judges the sheet's calibration too.
ALTER TABLE predictions ADD COLUMN rules_probability REAL;
