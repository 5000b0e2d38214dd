-- A stable numeric id per order (`seq`), beside the UUID, for dialects whose
-- clients and neighbours use integer order ids (seed 002). Existing orders
-- are numbered in creation order; new ones draw from order_seq (one row).
ALTER TABLE orders ADD COLUMN seq INTEGER;
UPDATE orders SET seq = (SELECT COUNT(*) FROM orders o2 WHERE o2.created_at_ms < orders.created_at_ms OR (o2.created_at_ms = orders.created_at_ms AND o2.id <= orders.id));
CREATE UNIQUE INDEX orders_seq_key ON orders (seq);
CREATE TABLE order_seq (
  singleton   INTEGER PRIMARY KEY CHECK (singleton = 1),
  last_value  INTEGER NOT NULL
);
INSERT INTO order_seq (singleton, last_value) SELECT 1, COALESCE(MAX(seq), 0) FROM orders;
