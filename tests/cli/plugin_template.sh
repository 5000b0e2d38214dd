#!/usr/bin/env bash
# An integrator's afternoon, as CI plays it: install the server and SDK into
# a temp prefix, generate a plugin project per template kind with the
# installed orders-plugin-new, build it against that prefix, run its unit and
# conformance tests, package it as a .deb, and have the installed server load
# the built plugins (--check-config creates every instance).
set -euo pipefail
build=$1 in_tree=$2
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
prefix="$tmp/prefix"
cmake --install "$build" --prefix "$prefix" >/dev/null
launcher=$(command -v ccache || true)

for kind in $(ls "$prefix/share/orders-sdk/templates" | grep -v '^common$'); do
  project="$tmp/orders-$kind-example"
  "$prefix/bin/orders-plugin-new" "$kind" "example-$kind" "$project" >/dev/null
  cmake -S "$project" -B "$project/build" -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_CXX_COMPILER_LAUNCHER="$launcher" \
    >"$tmp/configure.log" 2>&1 || { cat "$tmp/configure.log"; exit 1; }
  cmake --build "$project/build" >"$tmp/build.log" 2>&1 || { cat "$tmp/build.log"; exit 1; }
  # Both tests must exist and pass: the FakeHost unit test and the conformance kit.
  ctest --test-dir "$project/build" --output-on-failure >"$tmp/ctest.log" 2>&1 || { cat "$tmp/ctest.log"; exit 1; }
  grep -q "unit.$kind.example-$kind .*Passed" "$tmp/ctest.log" || { cat "$tmp/ctest.log"; exit 1; }
  grep -q "conformance.$kind.example-$kind .*Passed" "$tmp/ctest.log" || { cat "$tmp/ctest.log"; exit 1; }
  (cd "$project/build" && cpack >"$tmp/cpack.log" 2>&1) || { cat "$tmp/cpack.log"; exit 1; }
  deb=$(ls "$project/build"/orders-plugin-"$kind"-example-"$kind"_0.1.0_*.deb)
  dpkg-deb -c "$deb" | grep -q "./usr/lib/order-service/plugins/orders-$kind-example-$kind.so" ||
    { echo "$deb lacks the plugin:"; dpkg-deb -c "$deb"; exit 1; }
  dpkg-deb -f "$deb" Depends | grep -q order-service || { echo "$deb does not depend on order-service"; exit 1; }
  echo "$kind/example-$kind: generated, built, unit + conformance tests passed, packaged"
done

# The installed server loads the generated plugins next to the shipped ones.
cat >"$tmp/config.yaml" <<YAML
plugin_paths:
  - "$tmp/orders-payment-example/build"
  - "$tmp/orders-notifier-example/build"
  - "$tmp/orders-shipping-example/build"
  - "$tmp/orders-inventory-example/build"
  - "$tmp/orders-catalog-example/build"
  - "$tmp/orders-dialect-example/build"
  - "$tmp/orders-cart-example/build"
  - "$tmp/orders-customer-example/build"
  - "$tmp/orders-invoice-example/build"
  - "$in_tree"
http: { host: 127.0.0.1, port: 0 }
database: { url: "sqlite://$tmp/orders.db" }
secrets:
  example_api_key: { value: "sk_test" }
  example_webhook_key: { value: "whsec" }
  example_signing_key: { value: "whsec" }
  example_carrier_key: { value: "sk_test" }
  example_tracking_key: { value: "whsec" }
  example_stock_key: { value: "sk_test" }
  example_products_key: { value: "sk_test" }
  example_carts_key: { value: "sk_test" }
  example_customers_key: { value: "sk_test" }
# Several instances of a kind run side by side, each with its own id (defaults to the name); the order core
# uses checkout.catalog and checkout.inventory (else the first of each kind), inventory_routes send matching
# lines to another inventory instance.
checkout:
  catalog: static
  inventory: local
  inventory_routes: [ { product_prefix: "ext-", inventory: example-stock } ]
plugins:
  catalog:
    - { name: static, config: { products: [ { id: sku-mug, title: Mug, priceMinor: 1299, currency: USD } ] } }
    - id: example-products
      name: example-catalog
      config: { base_url: "http://127.0.0.1:9", api_key_secret: example_products_key }
  inventory:
    - { name: local, config: { database_url: "sqlite://$tmp/inventory.db", stock: { sku-mug: 5 } } }
    - id: example-stock
      name: example-inventory
      config: { base_url: "http://127.0.0.1:9", api_key_secret: example_stock_key }
  payment:
    - name: example-payment
      config: { base_url: "http://127.0.0.1:9", api_key_secret: example_api_key, webhook_secret: example_webhook_key }
  notifier:
    - name: example-notifier
      config: { url: "http://127.0.0.1:9/hook", signing_secret: example_signing_key }
  shipping:
    - name: example-shipping
      config:
        base_url: "http://127.0.0.1:9"
        api_key_secret: example_carrier_key
        webhook_secret: example_tracking_key
  invoice:
    - { name: example-invoice, config: { seller_name: "Example Shop Ltd" } }
  customer:
    - name: example-customer
      config: { base_url: "http://127.0.0.1:9", api_key_secret: example_customers_key }
  cart:
    - name: example-cart
      config: { base_url: "http://127.0.0.1:9", api_key_secret: example_carts_key }
  dialect:
    - { name: example-dialect, mount: /legacy, config: { status_words: { cancelled: VOIDED } } }
YAML
"$prefix/bin/order-service" --check-config --offline --config "$tmp/config.yaml"
listed=$("$prefix/bin/order-service" --list-plugins --config "$tmp/config.yaml")
for p in payment/example-payment notifier/example-notifier shipping/example-shipping inventory/example-inventory \
  catalog/example-catalog dialect/example-dialect cart/example-cart \
  customer/example-customer invoice/example-invoice; do
  echo "$listed" | grep -q "^$p  version 0.1.0  ABI " || { echo "--list-plugins lacks $p:"; echo "$listed"; exit 1; }
done
echo "generated plugins built against the installed SDK, tested, packaged and loaded by the installed server"
