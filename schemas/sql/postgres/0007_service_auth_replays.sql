-- Service-HMAC headers already accepted (the request-bound format), shared by
-- every replica on this database: a header replayed to another instance is
-- refused too. Rows expire with the signature's window; sweeps delete them.
CREATE TABLE service_auth_replays (
  auth_key       TEXT PRIMARY KEY,
  expires_at_ms  BIGINT NOT NULL
);
CREATE INDEX service_auth_replays_expiry ON service_auth_replays (expires_at_ms);
