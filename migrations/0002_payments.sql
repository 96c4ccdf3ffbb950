-- 0002: the payments journal. Every time is epoch milliseconds from the daemon's injected clock,
-- never SQLite's 'now', so one fake clock controls both the code and the data in tests.

-- One row per till sale. AUTOINCREMENT: an id is never handed out twice, even after pruning, so
-- neither is the reference derived from it.
CREATE TABLE payments (
  id               INTEGER PRIMARY KEY AUTOINCREMENT,
  till_id          TEXT    NOT NULL,
  till_key         TEXT    NOT NULL,
  request_hash     TEXT    NOT NULL,  -- sha256 of the canonical payment.create request
  msn              TEXT    NOT NULL,  -- the sales unit the payment belongs to
  reference        TEXT    NOT NULL,  -- the Vipps reference, derived from id
  status           TEXT    NOT NULL CHECK (status IN ('queued', 'pending', 'authorized', 'captured',
                     'cancelling', 'cancelled', 'declined', 'expired', 'failed', 'refunded', 'partially_refunded')),
  flow             TEXT    NOT NULL CHECK (flow IN ('push', 'qr')),
  capture_mode     TEXT    NOT NULL CHECK (capture_mode IN ('auto', 'manual')),
  amount           INTEGER NOT NULL CHECK (amount > 0),
  currency         TEXT    NOT NULL CHECK (currency IN ('NOK', 'DKK', 'EUR')),
  customer         TEXT,              -- JSON: exactly one of phoneNumber, personalQr, customerToken
  description      TEXT,
  receipt          TEXT,              -- JSON, Order Management receipt
  metadata         TEXT,              -- JSON, at most 5 string pairs
  authorized       INTEGER NOT NULL DEFAULT 0 CHECK (authorized >= 0),  -- minor units, from Vipps' aggregate
  captured         INTEGER NOT NULL DEFAULT 0 CHECK (captured >= 0),
  refunded         INTEGER NOT NULL DEFAULT 0 CHECK (refunded >= 0),
  cancelled        INTEGER NOT NULL DEFAULT 0 CHECK (cancelled >= 0),
  qr_url           TEXT,
  failure_code     TEXT,
  failure_message  TEXT,
  send_deadline    INTEGER NOT NULL,  -- a create not sent by then is never sent
  capture_deadline INTEGER,           -- manual capture: an uncaptured reservation is cancelled then
  next_action_at   INTEGER,           -- when the worker looks at the payment next; NULL: nothing to do
  poll_failures    INTEGER NOT NULL DEFAULT 0,  -- consecutive failed reads, for backoff
  created_at       INTEGER NOT NULL,
  updated_at       INTEGER NOT NULL,  -- last change a till can see
  UNIQUE (till_id, till_key),
  UNIQUE (msn, reference)
) STRICT;

CREATE INDEX payments_next_action ON payments (next_action_at) WHERE next_action_at IS NOT NULL;
CREATE INDEX payments_prunable ON payments (updated_at) WHERE status IN
  ('captured', 'cancelled', 'declined', 'expired', 'failed', 'refunded');

-- Every call that changes money at Vipps, committed with its key and exact body BEFORE the first
-- attempt, so every retry (and every retry after a restart) sends the same bytes under the same key.
CREATE TABLE provider_operations (
  id               INTEGER PRIMARY KEY AUTOINCREMENT,
  payment_id       INTEGER NOT NULL REFERENCES payments (id) ON DELETE CASCADE,
  kind             TEXT    NOT NULL CHECK (kind IN ('create', 'capture', 'refund', 'cancel')),
  idempotency_key  TEXT    NOT NULL UNIQUE CHECK (length(idempotency_key) BETWEEN 1 AND 50),
  body             TEXT    NOT NULL,
  amount           INTEGER CHECK (amount > 0),  -- capture and refund
  refund_key       TEXT,              -- the till's refundKey
  refund_hash      TEXT,              -- sha256 of the canonical refund request
  -- pending: never attempted; sending: an attempt began and its outcome is unknown until it ends
  -- (after a crash: read the payment first); retry: the last attempt failed in a way that is safe
  -- to repeat with the same key; done / failed / abandoned: final.
  state            TEXT    NOT NULL CHECK (state IN ('pending', 'sending', 'retry', 'done', 'failed', 'abandoned')),
  attempts         INTEGER NOT NULL DEFAULT 0,
  last_attempt_at  INTEGER,
  last_http_status INTEGER,
  last_vipps_code  TEXT,
  last_trace_id    TEXT,
  last_error       TEXT,
  created_at       INTEGER NOT NULL,
  updated_at       INTEGER NOT NULL,
  UNIQUE (payment_id, refund_key)
) STRICT;

CREATE INDEX provider_operations_open ON provider_operations (payment_id, id)
  WHERE state IN ('pending', 'sending', 'retry');

-- Each till's mailbox: a seq counter that survives pruning, and the events not yet acked.
CREATE TABLE till_mailboxes (
  till_id   TEXT    PRIMARY KEY,
  last_seq  INTEGER NOT NULL,
  acked_seq INTEGER NOT NULL DEFAULT 0
) STRICT;

CREATE TABLE till_events (
  till_id    TEXT    NOT NULL,
  seq        INTEGER NOT NULL,
  payment_id INTEGER NOT NULL,        -- no foreign key: an unacked event outlives a pruned payment
  payment    TEXT    NOT NULL,        -- JSON snapshot of the payment object at that change
  created_at INTEGER NOT NULL,
  PRIMARY KEY (till_id, seq)
) WITHOUT ROWID, STRICT;

-- The timeline support reads: every status change and every provider call, with HTTP status,
-- Vipps code and traceId.
CREATE TABLE payment_timeline (
  id              INTEGER PRIMARY KEY,
  payment_id      INTEGER NOT NULL REFERENCES payments (id) ON DELETE CASCADE,
  at              INTEGER NOT NULL,
  kind            TEXT    NOT NULL CHECK (kind IN ('status', 'call')),
  from_status     TEXT,
  to_status       TEXT,
  operation       TEXT,               -- createPayment, getPayment, capturePayment, …
  idempotency_key TEXT,
  http_status     INTEGER,
  vipps_code      TEXT,
  trace_id        TEXT,
  outcome         TEXT,               -- ok, rejected, unavailable, …
  detail          TEXT
) STRICT;

CREATE INDEX payment_timeline_payment ON payment_timeline (payment_id, at);
