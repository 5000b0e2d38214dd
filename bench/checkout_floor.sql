-- pgbench script: the rows one checkout (one line, one seller, manual
-- payment and shipping) writes in this data model, in ONE transaction,
-- prepared and pipelined (the saga's transactions are: their writes leave
-- together with the next statement whose answer it needs, or the COMMIT),
-- with no application in between: the checkout (its last step in
-- its own row since migration 0012, and the first order's numeric id drawn
-- with it), the host's and the inventory's reservation rows, the stock row,
-- order + item + history + outbox (its trigger adds the queue row),
-- payment, shipment, the awaiting_payment transition and the checkout's
-- completion. bench/run runs it on the orders database (inventory tables
-- copied in) as the ceiling a checkout can reach on this machine: the
-- saga's real cost is five transactions and its plugin calls on top of
-- this. checkout_floor_v1.sql is the write set before issue 17 (a
-- checkout_steps row per step), sent a statement at a time as this script
-- was then, run beside it for comparison. The numeric id comes from the
-- column's default here (a pipeline cannot wait for the checkout's
-- RETURNING); the saga draws it with the checkout row.
-- The order row carries its items' snapshot (migration 0013), built here by
-- json_build_object: pgbench would read ":null" in a JSON literal as a
-- variable.
\set r random(1, 9000000000000000000)
\startpipeline
BEGIN;
INSERT INTO checkouts (id, user_id, status, request, error, lease_until_ms, created_at_ms, updated_at_ms, step) VALUES ('c' || :client_id || '-' || :r, 'u1', 'running', '{"userId":"u1","lineCount":1}', NULL, 1, 1, 1, 'started');
INSERT INTO reservations (id, checkout_id, order_id, provider, reservation_id, idempotency_key, status, lines, expires_at, created_at_ms, updated_at_ms) VALUES ('r' || :client_id || '-' || :r, 'c' || :client_id || '-' || :r, NULL, 'local', NULL, 'k' || :client_id || '-' || :r, 'pending', '[{"productId":"sku-1","quantity":1}]', NULL, 1, 1);
INSERT INTO inventory_reservations (id, reference, idempotency_key, status, lines, created_at_ms, expires_at_ms) VALUES ('ir' || :client_id || '-' || :r, 'ref', 'k' || :client_id || '-' || :r, 'held', '[{"productId":"sku-1","quantity":1}]', 1, 2);
UPDATE inventory_stock SET reserved = reserved + 1 WHERE product_key = 'sku-1' AND on_hand - reserved >= 1;
INSERT INTO orders (id, order_number, checkout_id, user_id, seller_id, status, currency, subtotal_minor, shipping_minor, total_minor, shipping_address, customer, payment_instance, shipping_instance, created_at_ms, updated_at_ms, items_json) VALUES ('o' || :client_id || '-' || :r, 'n' || :client_id || '-' || :r, 'c' || :client_id || '-' || :r, 'u1', 's1', 'pending', 'USD', 1299, 0, 1299, '{"line1":"1 Demo St","city":"Dublin","country":"IE"}', NULL, 'manual', 'manual', 1, 1, json_build_array(json_build_object('line_no', 1, 'product_id', 'sku-1', 'variant_id', NULL, 'seller_id', 's1', 'title', 'Mug', 'quantity', 1, 'unit_price_minor', 1299, 'line_total_minor', 1299, 'attributes', '{}', 'image_url', NULL))::text);
INSERT INTO order_items (order_id, line_no, product_id, variant_id, seller_id, title, quantity, unit_price_minor, line_total_minor, attributes, image_url) VALUES ('o' || :client_id || '-' || :r, 1, 'sku-1', NULL, 's1', 'Mug', 1, 1299, 1299, '{}', NULL);
INSERT INTO order_history (order_id, from_status, to_status, actor, reason, created_at_ms) VALUES ('o' || :client_id || '-' || :r, NULL, 'pending', 'checkout', NULL, 1);
INSERT INTO service_outbox (event_id, event_type, aggregate_id, payload, created_at_ms) VALUES ('e1' || :client_id || '-' || :r, 'order.created', 'o' || :client_id || '-' || :r, repeat('x', 1200), 1);
INSERT INTO payments (id, order_id, attempt, provider, idempotency_key, reference, status, amount_minor, currency, redirect_url, expires_at, created_at_ms, updated_at_ms) VALUES ('p' || :client_id || '-' || :r, 'o' || :client_id || '-' || :r, 1, 'manual', 'pk' || :client_id || '-' || :r, 'ref', 'pending', 1299, 'USD', NULL, NULL, 1, 1);
INSERT INTO shipments (id, order_id, seller_id, provider, reference, status, carrier, tracking_number, created_at_ms, updated_at_ms) VALUES ('s' || :client_id || '-' || :r, 'o' || :client_id || '-' || :r, 's1', 'manual', 'ref', 'draft', NULL, NULL, 1, 1);
UPDATE orders SET status = 'awaiting_payment', version = version + 1, updated_at_ms = 2 WHERE id = 'o' || :client_id || '-' || :r;
INSERT INTO order_history (order_id, from_status, to_status, actor, reason, created_at_ms) VALUES ('o' || :client_id || '-' || :r, 'pending', 'awaiting_payment', 'checkout', NULL, 1);
INSERT INTO service_outbox (event_id, event_type, aggregate_id, payload, created_at_ms) VALUES ('e2' || :client_id || '-' || :r, 'order.status_changed', 'o' || :client_id || '-' || :r, repeat('x', 1200), 1);
UPDATE checkouts SET status = 'completed', step = 'shipments_created', updated_at_ms = 2 WHERE id = 'c' || :client_id || '-' || :r;
END;
\endpipeline
