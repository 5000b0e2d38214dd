-- Issue 17: an order's items as one JSON text in its own row, written once
-- with the order (postgres/0013_order_items_snapshot.sql says why). NULL
-- only for rows an earlier version inserted; readers fall back to
-- order_items for those.
ALTER TABLE orders ADD COLUMN items_json TEXT;

UPDATE orders SET items_json = (
  SELECT json_group_array(json_object('line_no', line_no, 'product_id', product_id, 'variant_id', variant_id,
                                      'seller_id', seller_id, 'title', title, 'quantity', quantity,
                                      'unit_price_minor', unit_price_minor, 'line_total_minor', line_total_minor,
                                      'attributes', attributes, 'image_url', image_url))
  FROM (SELECT * FROM order_items WHERE order_id = orders.id ORDER BY line_no));
