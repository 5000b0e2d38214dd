-- The billing address an order was placed with (seed 003), and free-form
-- metadata the buyer's client sent with it (notes, gift messages): JSON text,
-- NULL when none.
ALTER TABLE orders ADD COLUMN billing_address TEXT;
ALTER TABLE orders ADD COLUMN metadata TEXT;
