-- Heartbeats rewrite alerts rows (ends_at) without touching an indexed column; with room left on each
-- page Postgres updates them in place (HOT) instead of adding an entry to every index.
ALTER TABLE "alerts" SET (fillfactor = 80);
