// dialect/fastapi-shop compiled into fuzz.provider_events (tests/fuzz/provider_events_fuzz.cpp),
// its ORDERS_PLUGIN descriptor renamed so that several plugins link into one
// binary; the harness drives it through the C ABI as the host does.
#define orders_plugin_descriptor_v1 orders_fuzz_dialect_fastapi_shop
#include "dialect/fastapi-shop/fastapi_shop_dialect.cpp"
