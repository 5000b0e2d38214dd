-- A stable numeric id per order (`seq`), beside the UUID, for dialects whose
-- clients and neighbours use integer order ids (seed 002). Existing orders
-- are numbered in creation order; new ones take the sequence's next value
-- (the checkout draws it before writing, so its order.created event has it).
CREATE SEQUENCE orders_seq;
ALTER TABLE orders ADD COLUMN seq BIGINT;
WITH numbered AS (SELECT id, ROW_NUMBER() OVER (ORDER BY created_at_ms, id) AS n FROM orders)
UPDATE orders SET seq = numbered.n FROM numbered WHERE orders.id = numbered.id;
SELECT setval('orders_seq', COALESCE((SELECT MAX(seq) FROM orders), 1), (SELECT COUNT(*) FROM orders) > 0);
ALTER TABLE orders ALTER COLUMN seq SET DEFAULT nextval('orders_seq');
ALTER TABLE orders ALTER COLUMN seq SET NOT NULL;
ALTER SEQUENCE orders_seq OWNED BY orders.seq;
CREATE UNIQUE INDEX orders_seq_key ON orders (seq);
