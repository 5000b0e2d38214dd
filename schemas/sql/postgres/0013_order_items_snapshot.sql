-- Issue 17, flat cost as data grows: an order's items as one JSON text in
-- its own row, written once with the order at checkout (the items of an
-- order never change afterwards; order_items keeps them as rows for
-- queries by product). A page of a buyer's or seller's orders then reads
-- the 20 order rows and nothing else, instead of one index lookup and one
-- heap page of order_items per order (bench/run at 1 M orders: 126 buffers
-- a page against 23; README, Benchmarks).
--
-- The shape is what the readers already parse from the aggregate: an array
-- of objects keyed by order_items' columns. NULL only for rows a replica
-- of an earlier version inserted during a rolling upgrade; readers fall
-- back to order_items for those.
ALTER TABLE orders ADD COLUMN items_json TEXT;

-- Existing orders: one pass (a large table is rewritten once; run it in a
-- quiet hour).
UPDATE orders SET items_json = (
  SELECT json_agg(json_build_object('line_no', line_no, 'product_id', product_id, 'variant_id', variant_id,
                                    'seller_id', seller_id, 'title', title, 'quantity', quantity,
                                    'unit_price_minor', unit_price_minor, 'line_total_minor', line_total_minor,
                                    'attributes', attributes, 'image_url', image_url) ORDER BY line_no)::text
  FROM order_items WHERE order_id = orders.id);
