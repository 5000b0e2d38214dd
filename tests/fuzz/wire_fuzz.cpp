// The SDK's wire codec (orders/sdk/json.hpp, messages.hpp): any bytes given
// as a plugin request or answer decode to a value or to invalid_argument,
// never a crash or another exception; whatever decodes encodes to JSON that
// decodes to the same JSON; what decode's text reader accepts, JsonCpp and
// the Value decoder accept with the same value; withDeadline keeps an
// object an object.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "orders/sdk/client.hpp"
#include "orders/sdk/json.hpp"
#include "orders/sdk/messages.hpp"

using namespace orders::sdk;

namespace {

template <class T> void roundTrip(std::string_view text) {
  Result<T> first = decode<T>(text);
  if (!first.ok()) {
    if (first.error().code != ErrorCode::invalid_argument) std::abort();
    return;
  }
  // What the text reader accepts, JsonCpp's strict parse and the Value
  // decoder accept too, giving the same value (the reader replaced them).
  try {
    const T slow = fromJsonOrThrow<T>(text.empty() ? Json::Value(Json::objectValue) : parseJson(text));
    if (encode(slow) != encode(first.value())) std::abort();
  } catch (const DecodeError &) {
    std::abort();
  }
  const std::string once = encode(first.value());
  Result<T> second = decode<T>(once);
  if (!second.ok() || encode(second.value()) != once) std::abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const std::string_view text(reinterpret_cast<const char *>(data), size);
  roundTrip<ReserveRequest>(text);
  roundTrip<ReserveOutcome>(text);
  roundTrip<LookupResult>(text);
  roundTrip<Cart>(text);
  roundTrip<PaymentRequest>(text);
  roundTrip<PaymentResult>(text);
  roundTrip<RefundRequest>(text);
  roundTrip<InboundMessage>(text);
  roundTrip<ParsedEvent>(text);
  roundTrip<ShipmentRequest>(text);
  roundTrip<ShipmentUpdate>(text);
  roundTrip<Quote>(text);
  roundTrip<Notification>(text);
  roundTrip<DialectRequest>(text);
  roundTrip<DialectResponse>(text);
  try { // a request object keeps its members and gains deadlineUnixMs first
    const Json::Value parsed = parseJson(text);
    if (parsed.isObject()) {
      const Json::Value with = parseJson(withDeadline(writeJson(parsed), 1234));
      if (!with.isObject() || with["deadlineUnixMs"].asInt64() != 1234) std::abort();
      if (!parsed.isMember("deadlineUnixMs") && with.size() != parsed.size() + 1) std::abort();
    }
  } catch (const DecodeError &) {
  }
  return 0;
}
