-- Invoice numbers: allocated once per order on first download, stable after,
-- sequential per calendar year (INV-<year>-<6 digits>).
CREATE TABLE invoice_counters (
  year      INTEGER PRIMARY KEY,
  last      BIGINT NOT NULL
);

CREATE TABLE invoices (
  order_id        TEXT PRIMARY KEY REFERENCES orders (id),
  invoice_number  TEXT NOT NULL UNIQUE,
  issued_at_ms    BIGINT NOT NULL
);
