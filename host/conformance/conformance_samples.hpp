// The conformance kit's spec helpers and sample requests: how a spec's
// config reaches the plugin ({{peer}}, merged overrides), the kit's sample
// request of each method, and genuine messages stamped and signed at send
// time. Thread-safety: pure functions.
#pragma once

#include <json/json.h>

#include <cstdint>
#include <string>

namespace orders::host::conformance {

// Where the kit's peer listens.
struct PeerAddress {
  std::string url; // http://127.0.0.1:<port>, smtp://127.0.0.1:<port>
  std::string host;
  uint16_t port = 0;
};

// In the strings of `v`: "{{peer}}" becomes the peer's URL, "{{peer_host}}"
// its host and "{{peer_port}}" its port; a string that is only
// "{{peer_port}}" becomes the port as a number.
void substitute(Json::Value &v, const PeerAddress &peer);
// `over` merged into `base`: objects member by member, anything else
// replaced; a null `over` changes nothing.
void mergeInto(Json::Value &base, const Json::Value &over);
// A string as is, anything else as compact JSON.
std::string textOf(const Json::Value &v);
// Appends `suffix` to every idempotencyKey and eventId in `v`.
void makeDistinct(Json::Value &v, const std::string &suffix);
// The kit's sample order snapshot, and its sample request for a method
// ("reserve", "lookup", "load", "customer_lookup", "create_payment",
// "refund", "cancel", "status", "create_shipment", "quote",
// "confirm_shipment", "cancel_shipment", "render", "notify"; {} for others).
// Refunds, cancels, status requests and shipment refs name the sample
// payment's and shipment's references as payment/manual and shipping/manual
// make them.
Json::Value sampleOrder();
Json::Value sampleRequest(const std::string &method);
// A genuine message as sent now: {{now_unix}}, {{now_ms}}, {{now_rfc3339}}
// stamped into its body and headers, and its `sign` header computed.
Json::Value timely(const Json::Value &sample);

} // namespace orders::host::conformance
