-- Preloads :n orders (psql -v n=1000000 -v now_ms=...) as a year of trade
-- under the default retention would leave them: every order with its items
-- (1 or 2, as rows and as the order row's snapshot, migration 0013), history (4 transitions), payment, shipment and the host's
-- reservation record; and only the rows kept for a while where they would
-- still be: outbox events (2 per order, published) for the last 7 days,
-- checkouts with their step logs and processed provider events for the last
-- 30 days, idempotency keys for the last day. 50,000 buyers (pu-0..), 200
-- sellers (ps-0..), orders spread evenly over 365 days. bench/run runs it
-- for its growth step; statuses are final (completed, or paid within the
-- last 7 days) so no sweep acts on them.
\set ON_ERROR_STOP on
SET synchronous_commit = off;
CREATE TEMP TABLE pre AS
  SELECT i, 'pre-' || i AS id, :now_ms::bigint - ((:n::bigint - i) * 31536000000 / :n::bigint) AS at
  FROM generate_series(1, :n) AS i;
INSERT INTO orders (id, order_number, checkout_id, user_id, seller_id, status, currency, subtotal_minor,
                    shipping_minor, total_minor, shipping_address, customer, payment_instance, shipping_instance,
                    created_at_ms, updated_at_ms, items_json)
  SELECT id, 'PRE-' || i, 'chk-' || id, 'pu-' || (i % 50000), 'ps-' || (i % 200),
         CASE WHEN at > :now_ms - 604800000 THEN 'paid' ELSE 'completed' END, 'USD', 2598, 500, 3098,
         '{"line1":"1 Demo St","city":"Dublin","country":"IE"}', NULL, 'manual', 'manual', at, at + 3600000,
         (SELECT json_agg(json_build_object('line_no', l, 'product_id', 'sku-' || ((i * 7 + l) % 5000),
                                            'variant_id', NULL, 'seller_id', 'ps-' || (i % 200),
                                            'title', 'Product ' || ((i * 7 + l) % 5000), 'quantity', 1,
                                            'unit_price_minor', 1299, 'line_total_minor', 1299,
                                            'attributes', '{}', 'image_url', NULL) ORDER BY l)::text
          FROM generate_series(1, 2) AS l WHERE l = 1 OR i % 2 = 0)
  FROM pre;
INSERT INTO order_items (order_id, line_no, product_id, variant_id, seller_id, title, quantity, unit_price_minor,
                         line_total_minor, attributes, image_url)
  SELECT id, l, 'sku-' || ((i * 7 + l) % 5000), NULL, 'ps-' || (i % 200), 'Product ' || ((i * 7 + l) % 5000), 1,
         1299, 1299, '{}', NULL
  FROM pre, generate_series(1, 2) AS l WHERE l = 1 OR i % 2 = 0;
INSERT INTO order_history (order_id, from_status, to_status, actor, reason, created_at_ms)
  SELECT id, f, t, 'system', NULL, at + k * 60000
  FROM pre, (VALUES (0, NULL, 'pending'), (1, 'pending', 'awaiting_payment'), (2, 'awaiting_payment', 'paid'),
                    (3, 'paid', 'completed')) AS h(k, f, t)
  WHERE k < 3 OR at <= :now_ms - 604800000;
INSERT INTO payments (id, order_id, attempt, provider, idempotency_key, reference, status, amount_minor, currency,
                      redirect_url, expires_at, created_at_ms, updated_at_ms)
  SELECT 'pay-' || id, id, 1, 'manual', 'pk-' || id, 'ref-' || i, 'captured', 3098, 'USD', NULL, NULL, at, at + 60000
  FROM pre;
INSERT INTO shipments (id, order_id, seller_id, provider, reference, status, carrier, tracking_number, created_at_ms,
                       updated_at_ms)
  SELECT 'shp-' || id, id, 'ps-' || (i % 200), 'manual', 'sref-' || i,
         CASE WHEN at > :now_ms - 604800000 THEN 'draft' ELSE 'delivered' END, 'manual', 'TRK' || i, at, at + 86400000
  FROM pre;
INSERT INTO reservations (id, checkout_id, order_id, provider, reservation_id, idempotency_key, status, lines,
                          expires_at, created_at_ms, updated_at_ms)
  SELECT 'res-' || id, 'chk-' || id, id, 'local', 'ir-' || i, 'rk-' || id, 'committed',
         '[{"productId":"sku-1","quantity":1}]', NULL, at, at + 60000
  FROM pre;
-- Kept for a while: the last 30 days' checkouts (their last step in their
-- row, migration 0012) and processed events, the last 7 days' outbox
-- (published), the last day's keys.
INSERT INTO checkouts (id, user_id, status, request, error, lease_until_ms, created_at_ms, updated_at_ms, step)
  SELECT 'chk-' || id, 'pu-' || (i % 50000), 'completed', '{"userId":"u","lineCount":1}', NULL, at, at, at + 100,
         'shipments_created'
  FROM pre WHERE at > :now_ms - 2592000000;
INSERT INTO processed_events (source, event_id, order_id, event_type, outcome, payload, processed_at_ms)
  SELECT 'payment:manual', 'evt-' || i, id, 'payment.paid', 'applied', repeat('p', 300), at + 60000
  FROM pre WHERE at > :now_ms - 2592000000;
INSERT INTO idempotency_keys (scope, idem_key, request_hash, state, response_status, response_body, response_type,
                              created_at_ms, updated_at_ms, resource_id)
  SELECT 'checkout:pu-' || (i % 50000), 'key-' || i, md5(id), 'done', 201, repeat('r', 1500), 'application/json', at,
         at + 100, 'chk-' || id
  FROM pre WHERE at > :now_ms - 86400000;
ALTER TABLE service_outbox DISABLE TRIGGER service_outbox_enqueue;
INSERT INTO service_outbox (event_id, event_type, aggregate_id, payload, created_at_ms)
  SELECT 'ev-' || e || '-' || i, CASE e WHEN 1 THEN 'order.created' ELSE 'order.paid' END, id, repeat('e', 1200),
         at + e * 60000
  FROM pre, generate_series(1, 2) AS e WHERE at > :now_ms - 604800000;
ALTER TABLE service_outbox ENABLE TRIGGER service_outbox_enqueue;
INSERT INTO outbox_published (id, published_at_ms)
  SELECT id, created_at_ms + 50 FROM service_outbox WHERE event_id LIKE 'ev-%';
DROP TABLE pre;
VACUUM ANALYZE;
