/* abi.h compiled as strict C99; also checks the append-only layout facts. */
#include <stdio.h>

#include "orders/sdk/abi.h"
#include "orders/sdk/abi_hash.h"

/* Every field's offset and every struct's size, pinned for LP64 (x86_64,
 * aarch64) at the ABI minor below: an edit to abi.h that moves, resizes or
 * inserts anything fails here even if its hash pin (orders/sdk/abi_hash.h)
 * was updated carelessly. Appending a field is fine and bumps the minor;
 * then re-pin (and add a line) with the new minor. */
#define PINNED_ABI_MINOR 6
static int pin_failures = 0;
#define PIN(T, field, offset)                                                                                          \
  do {                                                                                                                 \
    if (offsetof(T, field) != (offset)) {                                                                              \
      printf("layout: %s.%s moved: offset %u, pinned %u\n", #T, #field, (unsigned)offsetof(T, field),                  \
             (unsigned)(offset));                                                                                      \
      pin_failures++;                                                                                                  \
    }                                                                                                                  \
  } while (0)
#define PIN_SIZE(T, size)                                                                                              \
  do {                                                                                                                 \
    if (sizeof(T) != (size)) {                                                                                         \
      printf("layout: sizeof(%s) is %u, pinned %u\n", #T, (unsigned)sizeof(T), (unsigned)(size));                      \
      pin_failures++;                                                                                                  \
    }                                                                                                                  \
  } while (0)

static void checkPinnedLayout(void) {
#if UINTPTR_MAX == 0xffffffffffffffffu
  if (ORDERS_ABI_MINOR != PINNED_ABI_MINOR) {
    printf("layout: pinned for ABI 1.%d, the header says 1.%d: re-pin the layout\n", PINNED_ABI_MINOR,
           ORDERS_ABI_MINOR);
    pin_failures++;
  }
  PIN_SIZE(orders_bytes_t, 16);
  PIN(orders_bytes_t, data, 0);
  PIN(orders_bytes_t, len, 8);
  PIN_SIZE(orders_sink_t, 32);
  PIN(orders_sink_t, struct_size, 0);
  PIN(orders_sink_t, ctx, 8);
  PIN(orders_sink_t, append, 16);
  PIN(orders_sink_t, fail, 24);
  PIN_SIZE(orders_host_services_t, 64);
  PIN(orders_host_services_t, struct_size, 0);
  PIN(orders_host_services_t, ctx, 8);
  PIN(orders_host_services_t, log, 16);
  PIN(orders_host_services_t, metric, 24);
  PIN(orders_host_services_t, http, 32);
  PIN(orders_host_services_t, now_unix_ms, 40);
  PIN(orders_host_services_t, secret, 48);
  PIN(orders_host_services_t, core, 56);
  PIN_SIZE(orders_inventory_v1_t, 40);
  PIN(orders_inventory_v1_t, struct_size, 0);
  PIN(orders_inventory_v1_t, capabilities, 4);
  PIN(orders_inventory_v1_t, reserve, 8);
  PIN(orders_inventory_v1_t, commit, 16);
  PIN(orders_inventory_v1_t, release, 24);
  PIN(orders_inventory_v1_t, restock, 32);
  PIN_SIZE(orders_catalog_v1_t, 16);
  PIN(orders_catalog_v1_t, struct_size, 0);
  PIN(orders_catalog_v1_t, lookup, 8);
  PIN_SIZE(orders_cart_v1_t, 24);
  PIN(orders_cart_v1_t, struct_size, 0);
  PIN(orders_cart_v1_t, load, 8);
  PIN(orders_cart_v1_t, clear, 16);
  PIN_SIZE(orders_payment_v1_t, 56);
  PIN(orders_payment_v1_t, struct_size, 0);
  PIN(orders_payment_v1_t, create_payment, 8);
  PIN(orders_payment_v1_t, refund, 16);
  PIN(orders_payment_v1_t, cancel, 24);
  PIN(orders_payment_v1_t, parse_webhook, 32);
  PIN(orders_payment_v1_t, parse_event, 40);
  PIN(orders_payment_v1_t, status, 48);
  PIN_SIZE(orders_shipping_v1_t, 48);
  PIN(orders_shipping_v1_t, struct_size, 0);
  PIN(orders_shipping_v1_t, create_shipment, 8);
  PIN(orders_shipping_v1_t, confirm_shipment, 16);
  PIN(orders_shipping_v1_t, cancel_shipment, 24);
  PIN(orders_shipping_v1_t, quote, 32);
  PIN(orders_shipping_v1_t, parse_webhook, 40);
  PIN_SIZE(orders_invoice_v1_t, 16);
  PIN(orders_invoice_v1_t, struct_size, 0);
  PIN(orders_invoice_v1_t, render, 8);
  PIN_SIZE(orders_notifier_v1_t, 16);
  PIN(orders_notifier_v1_t, struct_size, 0);
  PIN(orders_notifier_v1_t, notify, 8);
  PIN_SIZE(orders_customer_v1_t, 16);
  PIN(orders_customer_v1_t, struct_size, 0);
  PIN(orders_customer_v1_t, lookup, 8);
  PIN_SIZE(orders_dialect_v1_t, 40);
  PIN(orders_dialect_v1_t, struct_size, 0);
  PIN(orders_dialect_v1_t, routes, 8);
  PIN(orders_dialect_v1_t, handle, 16);
  PIN(orders_dialect_v1_t, encode_event, 24);
  PIN(orders_dialect_v1_t, parse_event, 32);
  PIN_SIZE(orders_plugin_descriptor_t, 96);
  PIN(orders_plugin_descriptor_t, struct_size, 0);
  PIN(orders_plugin_descriptor_t, abi_major, 4);
  PIN(orders_plugin_descriptor_t, abi_minor, 6);
  PIN(orders_plugin_descriptor_t, kind, 8);
  PIN(orders_plugin_descriptor_t, name, 16);
  PIN(orders_plugin_descriptor_t, version, 24);
  PIN(orders_plugin_descriptor_t, config_schema, 32);
  PIN(orders_plugin_descriptor_t, create, 40);
  PIN(orders_plugin_descriptor_t, destroy, 48);
  PIN(orders_plugin_descriptor_t, methods, 56);
  PIN(orders_plugin_descriptor_t, description, 64);
  PIN(orders_plugin_descriptor_t, ready, 72);
  PIN(orders_plugin_descriptor_t, abi_hash, 80);
  PIN(orders_plugin_descriptor_t, build_info, 88);
  if (ORDERS_DESCRIPTOR_V1_1_SIZE != 80) {
    printf("layout: ORDERS_DESCRIPTOR_V1_1_SIZE is %u, pinned 80\n", (unsigned)ORDERS_DESCRIPTOR_V1_1_SIZE);
    pin_failures++;
  }
#endif
}

int main(void) {
  int failures = 0;
  checkPinnedLayout();
  failures += pin_failures;
  if (offsetof(orders_plugin_descriptor_t, struct_size) != 0) failures++;
  if (ORDERS_DESCRIPTOR_V1_0_SIZE > sizeof(orders_plugin_descriptor_t)) failures++;
  if (offsetof(orders_plugin_descriptor_t, description) < ORDERS_DESCRIPTOR_V1_0_SIZE) failures++;
  if (offsetof(orders_host_services_t, struct_size) != 0) failures++;
  if (offsetof(orders_sink_t, struct_size) != 0) failures++;
  /* abi_hash.h is C99 too, and its hash is 64 hex digits. */
  if (sizeof(ORDERS_ABI_HASH) != 65) failures++;
  /* 1.3 appended restock after the 1.0 inventory table, nothing else moved. */
  if (offsetof(orders_inventory_v1_t, restock) != ORDERS_INVENTORY_V1_0_SIZE) failures++;
  if (offsetof(orders_inventory_v1_t, release) != 8 + 2 * sizeof(orders_method_fn)) failures++;
  printf("abi %d.%d: descriptor %u bytes (1.0: %u), host services %u bytes, %d failures\n", ORDERS_ABI_MAJOR,
         ORDERS_ABI_MINOR, (unsigned)sizeof(orders_plugin_descriptor_t), (unsigned)ORDERS_DESCRIPTOR_V1_0_SIZE,
         (unsigned)sizeof(orders_host_services_t), failures);
  return failures == 0 ? 0 : 1;
}
