-- 0001: the daemon's own facts. Payments arrive in later migrations.
-- Migrations are append-only: never edit a file once it is on main; add the next number.

CREATE TABLE daemon_meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT;
