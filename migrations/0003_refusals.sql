-- 0003: what the till learns of Vipps' refusals. The last operation the till asked for that Vipps
-- refused (protocol: payment.refusal), and whether a person must look at the payment
-- (payment.needsAttention: retries exhausted, or a code tillbridge does not know).
ALTER TABLE payments ADD COLUMN refusal_operation TEXT CHECK (refusal_operation IN ('capture', 'cancel', 'refund'));
ALTER TABLE payments ADD COLUMN refusal_code TEXT;
ALTER TABLE payments ADD COLUMN refusal_message TEXT;
ALTER TABLE payments ADD COLUMN refusal_at INTEGER;
ALTER TABLE payments ADD COLUMN needs_attention INTEGER NOT NULL DEFAULT 0 CHECK (needs_attention IN (0, 1));

CREATE INDEX payments_needing_attention ON payments (id) WHERE needs_attention = 1;

-- How many HTTP requests a call sent (its retries and the resend after a token refresh included):
-- Vipps' 5 modifications per reference per minute count requests, not calls. NULL: one.
ALTER TABLE payment_timeline ADD COLUMN http_attempts INTEGER CHECK (http_attempts >= 0);
