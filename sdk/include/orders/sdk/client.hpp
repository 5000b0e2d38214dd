// orders/sdk/client.hpp - the calling side of a plugin method slot.
//
// The host (and sdk/testing) call plugin methods through the C function
// table; `invoke` encodes the request, supplies a sink, and decodes the
// result into a Result<Resp>. An absent slot is `unsupported`; a result the
// plugin encoded wrongly is `internal` naming the field.
//
// Thread-safety: stateless.
#ifndef ORDERS_SDK_CLIENT_HPP
#define ORDERS_SDK_CLIENT_HPP

#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "orders/sdk/messages.hpp"
#include "orders/sdk/sink.hpp"

namespace orders::sdk {

// The request object with "deadlineUnixMs" as its first member: when the
// caller gives up on the call (the plugin can stop work past it; read it
// with callDeadlineUnixMs() in the C++ layer). Plugins that do not know the
// member ignore it, as every unknown member.
inline std::string withDeadline(std::string request, std::optional<int64_t> deadline_unix_ms) {
  if (!deadline_unix_ms || request.empty() || request.front() != '{') return request;
  char digits[24];
  char *end = std::to_chars(digits, digits + sizeof digits, *deadline_unix_ms).ptr;
  const bool empty_object = request.find_first_not_of(" \t\r\n", 1) == request.find('}');
  std::string out;
  out.reserve(request.size() + 20 + static_cast<size_t>(end - digits));
  out.append("{\"deadlineUnixMs\":").append(digits, static_cast<size_t>(end - digits));
  if (empty_object)
    out += '}';
  else
    out.append(1, ',').append(request, 1, std::string::npos);
  return out;
}

template <class Resp, class Req>
Result<Resp> invoke(orders_method_fn fn, orders_instance_t *instance, const Req &request, std::string_view payload = {},
                    std::optional<int64_t> deadline_unix_ms = std::nullopt) {
  if (fn == nullptr) return unsupported("the plugin does not offer this method");
  SinkBuffer sink;
  const std::string req = withDeadline(encode(request), deadline_unix_ms);
  const orders_status_t rc = fn(instance, bytesOf(req), bytesOf(payload), sink.sink());
  if (rc != ORDERS_OK) return sink.errorFor(rc);
  if (sink.failed()) return sink.errorFor(ORDERS_ERR_INTERNAL); // reported failure yet returned OK
  if constexpr (std::is_same_v<Resp, Document>) {
    auto doc = decode<Document>(sink.meta());
    if (!doc.ok()) return internalError("plugin returned a bad document: " + doc.error().message);
    doc.value().bytes = std::move(sink.body());
    return doc;
  } else if constexpr (std::is_same_v<Resp, DialectResponse> || std::is_same_v<Resp, EncodedEvent>) {
    auto meta = decode<Resp>(sink.meta());
    if (!meta.ok()) return internalError("plugin returned bad metadata: " + meta.error().message);
    if constexpr (std::is_same_v<Resp, DialectResponse>)
      meta.value().body = std::move(sink.body());
    else
      meta.value().value = std::move(sink.body());
    return meta;
  } else {
    auto out = decode<Resp>(sink.body());
    if (!out.ok()) return internalError("plugin returned a bad result: " + out.error().message);
    return out;
  }
}

} // namespace orders::sdk

#endif
