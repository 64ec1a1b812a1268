-- When a decision's change was in the kernel: the entry is written before its apply (write-ahead), so
-- decided_at is when the engine chose, applied_at when the substrate finished; null for a change never applied.
ALTER TABLE journal ADD COLUMN applied_at BIGINT;
