/* abi.h compiled as strict C99; also checks the append-only layout facts. */
#include <stdio.h>

#include "orders/sdk/abi.h"

int main(void) {
  int failures = 0;
  if (offsetof(orders_plugin_descriptor_t, struct_size) != 0) failures++;
  if (ORDERS_DESCRIPTOR_V1_0_SIZE > sizeof(orders_plugin_descriptor_t)) failures++;
  if (offsetof(orders_plugin_descriptor_t, description) < ORDERS_DESCRIPTOR_V1_0_SIZE) failures++;
  if (offsetof(orders_host_services_t, struct_size) != 0) failures++;
  if (offsetof(orders_sink_t, struct_size) != 0) failures++;
  /* 1.3 appended restock after the 1.0 inventory table, nothing else moved. */
  if (offsetof(orders_inventory_v1_t, restock) != ORDERS_INVENTORY_V1_0_SIZE) failures++;
  if (offsetof(orders_inventory_v1_t, release) != 8 + 2 * sizeof(orders_method_fn)) failures++;
  printf("abi %d.%d: descriptor %u bytes (1.0: %u), host services %u bytes, %d failures\n", ORDERS_ABI_MAJOR,
         ORDERS_ABI_MINOR, (unsigned)sizeof(orders_plugin_descriptor_t), (unsigned)ORDERS_DESCRIPTOR_V1_0_SIZE,
         (unsigned)sizeof(orders_host_services_t), failures);
  return failures == 0 ? 0 : 1;
}
