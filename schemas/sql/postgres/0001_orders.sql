-- The order core's tables. Times are Unix milliseconds (UTC); money is
-- BIGINT minor units next to an ISO 4217 currency; snapshots are JSON text.

CREATE TABLE orders (
  id                TEXT PRIMARY KEY,
  order_number      TEXT NOT NULL UNIQUE,
  checkout_id       TEXT NOT NULL,
  user_id           TEXT NOT NULL,
  seller_id         TEXT,
  status            TEXT NOT NULL,
  currency          TEXT NOT NULL,
  subtotal_minor    BIGINT NOT NULL CHECK (subtotal_minor >= 0),
  shipping_minor    BIGINT NOT NULL DEFAULT 0 CHECK (shipping_minor >= 0),
  total_minor       BIGINT NOT NULL CHECK (total_minor >= 0),
  shipping_address  TEXT,
  customer          TEXT,
  payment_instance  TEXT,
  shipping_instance TEXT,
  refund_required   INTEGER NOT NULL DEFAULT 0,
  version           BIGINT NOT NULL DEFAULT 1,
  created_at_ms     BIGINT NOT NULL,
  updated_at_ms     BIGINT NOT NULL
);
CREATE INDEX orders_user_created ON orders (user_id, created_at_ms DESC, id DESC);
CREATE INDEX orders_seller_created ON orders (seller_id, created_at_ms DESC, id DESC);
CREATE INDEX orders_created ON orders (created_at_ms DESC, id DESC);
CREATE INDEX orders_status_updated ON orders (status, updated_at_ms);
CREATE INDEX orders_checkout ON orders (checkout_id);

CREATE TABLE order_items (
  order_id          TEXT NOT NULL REFERENCES orders (id),
  line_no           INTEGER NOT NULL,
  product_id        TEXT NOT NULL,
  variant_id        TEXT,
  seller_id         TEXT,
  title             TEXT NOT NULL,
  quantity          BIGINT NOT NULL CHECK (quantity > 0),
  unit_price_minor  BIGINT NOT NULL CHECK (unit_price_minor >= 0),
  line_total_minor  BIGINT NOT NULL CHECK (line_total_minor >= 0),
  attributes        TEXT NOT NULL DEFAULT '{}',
  image_url         TEXT,
  PRIMARY KEY (order_id, line_no)
);

CREATE TABLE shipments (
  id               TEXT PRIMARY KEY,
  order_id         TEXT NOT NULL REFERENCES orders (id),
  seller_id        TEXT,
  provider         TEXT NOT NULL,
  reference        TEXT,
  status           TEXT NOT NULL,
  carrier          TEXT,
  tracking_number  TEXT,
  created_at_ms    BIGINT NOT NULL,
  updated_at_ms    BIGINT NOT NULL
);
CREATE INDEX shipments_order ON shipments (order_id);

CREATE TABLE payments (
  id               TEXT PRIMARY KEY,
  order_id         TEXT NOT NULL REFERENCES orders (id),
  attempt          INTEGER NOT NULL,
  provider         TEXT NOT NULL,
  idempotency_key  TEXT NOT NULL UNIQUE,
  reference        TEXT,
  status           TEXT NOT NULL,
  amount_minor     BIGINT NOT NULL,
  currency         TEXT NOT NULL,
  redirect_url     TEXT,
  expires_at       TEXT,
  created_at_ms    BIGINT NOT NULL,
  updated_at_ms    BIGINT NOT NULL,
  UNIQUE (order_id, attempt)
);

CREATE TABLE reservations (
  id               TEXT PRIMARY KEY,
  checkout_id      TEXT NOT NULL,
  order_id         TEXT,
  provider         TEXT NOT NULL,
  reservation_id   TEXT,
  idempotency_key  TEXT NOT NULL UNIQUE,
  status           TEXT NOT NULL,
  lines            TEXT NOT NULL,
  expires_at       TEXT,
  created_at_ms    BIGINT NOT NULL,
  updated_at_ms    BIGINT NOT NULL
);
CREATE INDEX reservations_checkout ON reservations (checkout_id);
CREATE INDEX reservations_order ON reservations (order_id);
CREATE INDEX reservations_status ON reservations (status, updated_at_ms);

CREATE TABLE order_history (
  id             BIGSERIAL PRIMARY KEY,
  order_id       TEXT NOT NULL REFERENCES orders (id),
  from_status    TEXT,
  to_status      TEXT NOT NULL,
  actor          TEXT NOT NULL,
  reason         TEXT,
  created_at_ms  BIGINT NOT NULL
);
CREATE INDEX order_history_order ON order_history (order_id, id);

CREATE TABLE idempotency_keys (
  scope             TEXT NOT NULL,
  idem_key          TEXT NOT NULL,
  request_hash      TEXT NOT NULL,
  state             TEXT NOT NULL,
  response_status   INTEGER,
  response_body     TEXT,
  response_type     TEXT,
  created_at_ms     BIGINT NOT NULL,
  updated_at_ms     BIGINT NOT NULL,
  PRIMARY KEY (scope, idem_key)
);

CREATE TABLE service_outbox (
  id               BIGSERIAL PRIMARY KEY,
  event_id         TEXT NOT NULL UNIQUE,
  event_type       TEXT NOT NULL,
  aggregate_id     TEXT NOT NULL,
  payload          TEXT NOT NULL,
  created_at_ms    BIGINT NOT NULL,
  published_at_ms  BIGINT
);
CREATE INDEX service_outbox_unpublished ON service_outbox (id) WHERE published_at_ms IS NULL;
CREATE INDEX service_outbox_aggregate ON service_outbox (aggregate_id, id);

CREATE TABLE processed_events (
  source           TEXT NOT NULL,
  event_id         TEXT NOT NULL,
  order_id         TEXT,
  event_type       TEXT,
  outcome          TEXT NOT NULL,
  payload          TEXT,
  processed_at_ms  BIGINT NOT NULL,
  PRIMARY KEY (source, event_id)
);

CREATE TABLE checkouts (
  id              TEXT PRIMARY KEY,
  user_id         TEXT NOT NULL,
  status          TEXT NOT NULL,
  request         TEXT NOT NULL,
  error           TEXT,
  lease_until_ms  BIGINT NOT NULL,
  created_at_ms   BIGINT NOT NULL,
  updated_at_ms   BIGINT NOT NULL
);
CREATE INDEX checkouts_running ON checkouts (status, lease_until_ms);

CREATE TABLE checkout_steps (
  checkout_id  TEXT NOT NULL REFERENCES checkouts (id),
  step         TEXT NOT NULL,
  state        TEXT NOT NULL,
  detail       TEXT,
  at_ms        BIGINT NOT NULL,
  PRIMARY KEY (checkout_id, step)
);
