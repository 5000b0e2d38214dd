// shipping/manual compiled into fuzz.provider_events (tests/fuzz/provider_events_fuzz.cpp),
// its ORDERS_PLUGIN descriptor renamed so that several plugins link into one
// binary; the harness drives it through the C ABI as the host does.
#define orders_plugin_descriptor_v1 orders_fuzz_shipping_manual
#include "shipping/manual/manual_shipping.cpp"
