// orders/sdk/plugin.hpp - turns a C++ plugin class into the C ABI.
//
// Usage, in exactly one .cpp of a plugin:
//
//   class StaticCatalog : public orders::sdk::CatalogProvider {
//    public:
//     static orders::sdk::Result<std::unique_ptr<StaticCatalog>> create(orders::sdk::PluginContext ctx);
//     orders::sdk::Result<orders::sdk::LookupResult> lookup(const orders::sdk::LookupRequest &) override;
//   };
//   ORDERS_PLUGIN(StaticCatalog, "static", "1.0.0", "Products from config", kConfigSchema)
//
// ORDERS_PLUGIN exports `orders_plugin_descriptor_v1` with a static
// descriptor whose function table points at noexcept trampolines. Each
// trampoline decodes the JSON request (bad input -> invalid_argument naming
// the field), calls the virtual method, encodes the result into the host's
// sink, and turns any escaping exception into an `internal` error.
// `create` may return an Error or throw; both become a clean load failure.
#ifndef ORDERS_SDK_PLUGIN_HPP
#define ORDERS_SDK_PLUGIN_HPP

#include <exception>
#include <memory>
#include <string>
#include <type_traits>

#include "orders/sdk/abi_hash.h"
#include "orders/sdk/contract.hpp"
#include "orders/sdk/kinds.hpp"

#if defined(_WIN32)
#define ORDERS_PLUGIN_EXPORT __declspec(dllexport)
#else
#define ORDERS_PLUGIN_EXPORT __attribute__((visibility("default")))
#endif

// How this translation unit is being built, for the descriptor's build_info
// (--list-plugins, /v1/_info, load errors): compiler, standard, NDEBUG,
// sanitizers and the SDK's ABI version.
#define ORDERS_SDK_STR_(x) #x
#define ORDERS_SDK_STR(x) ORDERS_SDK_STR_(x)
#if defined(__clang__)
#define ORDERS_SDK_COMPILER "clang " __clang_version__
#elif defined(__GNUC__)
#define ORDERS_SDK_COMPILER "gcc " __VERSION__
#elif defined(_MSC_VER)
#define ORDERS_SDK_COMPILER "msvc " ORDERS_SDK_STR(_MSC_FULL_VER)
#else
#define ORDERS_SDK_COMPILER "unknown compiler"
#endif
#if defined(NDEBUG)
#define ORDERS_SDK_ASSERTS "NDEBUG"
#else
#define ORDERS_SDK_ASSERTS "assertions on"
#endif
#if defined(__SANITIZE_ADDRESS__)
#define ORDERS_SDK_SANITIZERS ", address sanitizer"
#elif defined(__SANITIZE_THREAD__)
#define ORDERS_SDK_SANITIZERS ", thread sanitizer"
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ORDERS_SDK_SANITIZERS ", address sanitizer"
#elif __has_feature(thread_sanitizer)
#define ORDERS_SDK_SANITIZERS ", thread sanitizer"
#endif
#endif
#ifndef ORDERS_SDK_SANITIZERS
#define ORDERS_SDK_SANITIZERS ""
#endif
#define ORDERS_SDK_VERSION_TEXT ORDERS_SDK_STR(ORDERS_ABI_MAJOR) "." ORDERS_SDK_STR(ORDERS_ABI_MINOR)
#define ORDERS_SDK_BUILD_INFO                                                                                          \
  ORDERS_SDK_COMPILER ", C++ " ORDERS_SDK_STR(__cplusplus) ", " ORDERS_SDK_ASSERTS ORDERS_SDK_SANITIZERS               \
                                                           ", SDK " ORDERS_SDK_VERSION_TEXT

namespace orders::sdk::detail {

template <class F> orders_status_t guarded(const orders_sink_t *out, F &&body) noexcept {
  try {
    return body();
  } catch (const DecodeError &e) {
    return failInto(out, invalidArgument(e.what()));
  } catch (const std::exception &e) {
    return failInto(out, internalError(std::string("plugin threw: ") + e.what()));
  } catch (...) {
    return failInto(out, internalError("plugin threw a non-standard exception"));
  }
}

template <class K> K *instanceOf(orders_instance_t *p) noexcept { return reinterpret_cast<K *>(p); }

// The deadline of the call running on this thread (see callDeadlineUnixMs).
inline std::optional<int64_t> &currentDeadline() noexcept {
  static thread_local std::optional<int64_t> deadline;
  return deadline;
}

// Sets the running call's deadline from the request's leading
// "deadlineUnixMs" member (where the host puts it) for the call's duration.
class DeadlineScope {
public:
  explicit DeadlineScope(orders_bytes_t request) noexcept : previous_(currentDeadline()) {
    static constexpr std::string_view kPrefix = "{\"deadlineUnixMs\":";
    const std::string_view text = viewOf(request);
    std::optional<int64_t> deadline;
    if (text.substr(0, kPrefix.size()) == kPrefix) {
      int64_t value = 0;
      size_t i = kPrefix.size(), digits = 0;
      for (; i < text.size() && text[i] >= '0' && text[i] <= '9' && digits < 18; ++i, ++digits)
        value = value * 10 + (text[i] - '0');
      if (digits > 0) deadline = value;
    }
    currentDeadline() = deadline;
  }
  ~DeadlineScope() { currentDeadline() = previous_; }
  DeadlineScope(const DeadlineScope &) = delete;
  DeadlineScope &operator=(const DeadlineScope &) = delete;

private:
  std::optional<int64_t> previous_;
};

template <class T> void writeResult(const orders_sink_t *out, const T &value) {
  appendInto(out, ORDERS_PART_BODY, encode(value));
}
inline void writeResult(const orders_sink_t *out, const Document &doc) {
  appendInto(out, ORDERS_PART_META, encode(doc));
  appendInto(out, ORDERS_PART_BODY, doc.bytes);
}

inline void writeResult(const orders_sink_t *out, const DialectResponse &r) {
  appendInto(out, ORDERS_PART_META, encode(r));
  appendInto(out, ORDERS_PART_BODY, r.body);
}
inline void writeResult(const orders_sink_t *out, const EncodedEvent &e) {
  appendInto(out, ORDERS_PART_META, encode(e));
  appendInto(out, ORDERS_PART_BODY, e.value);
}

// A method taking no request ({} or empty).
template <class K, class Resp, Result<Resp> (K::*Method)()>
orders_status_t callNoArgs(orders_instance_t *self, orders_bytes_t request, orders_bytes_t,
                           const orders_sink_t *out) noexcept {
  DeadlineScope deadline(request);
  return guarded(out, [&]() -> orders_status_t {
    auto result = (instanceOf<K>(self)->*Method)();
    if (!result.ok()) return failInto(out, result.error());
    writeResult(out, result.value());
    return ORDERS_OK;
  });
}

template <class K, class Req, class Resp, Result<Resp> (K::*Method)(const Req &)>
orders_status_t call(orders_instance_t *self, orders_bytes_t request, orders_bytes_t,
                     const orders_sink_t *out) noexcept {
  DeadlineScope deadline(request);
  return guarded(out, [&]() -> orders_status_t {
    auto req = decode<Req>(viewOf(request));
    if (!req.ok()) return failInto(out, req.error());
    auto result = (instanceOf<K>(self)->*Method)(req.value());
    if (!result.ok()) return failInto(out, result.error());
    writeResult(out, result.value());
    return ORDERS_OK;
  });
}

template <class K, class Req, class Resp, Result<Resp> (K::*Method)(const Req &, std::string_view)>
orders_status_t callWithPayload(orders_instance_t *self, orders_bytes_t request, orders_bytes_t payload,
                                const orders_sink_t *out) noexcept {
  DeadlineScope deadline(request);
  return guarded(out, [&]() -> orders_status_t {
    auto req = decode<Req>(viewOf(request));
    if (!req.ok()) return failInto(out, req.error());
    auto result = (instanceOf<K>(self)->*Method)(req.value(), viewOf(payload));
    if (!result.ok()) return failInto(out, result.error());
    if (auto unfit = fitProviderText(result.value())) return failInto(out, *unfit); // orders/sdk/contract.hpp
    writeResult(out, result.value());
    return ORDERS_OK;
  });
}

template <class K> struct KindTable;

template <> struct KindTable<InventoryProvider> {
  using K = InventoryProvider;
  template <class P> static const void *get() {
    static const orders_inventory_v1_t table{sizeof(orders_inventory_v1_t),
                                             P::kCapabilities,
                                             &call<K, ReserveRequest, ReserveOutcome, &K::reserve>,
                                             &call<K, ReservationRef, Empty, &K::commit>,
                                             &call<K, ReservationRef, Empty, &K::release>,
                                             &call<K, RestockRequest, Empty, &K::restock>};
    return &table;
  }
};
template <> struct KindTable<CatalogProvider> {
  using K = CatalogProvider;
  template <class P> static const void *get() {
    static const orders_catalog_v1_t table{sizeof(orders_catalog_v1_t),
                                           &call<K, LookupRequest, LookupResult, &K::lookup>};
    return &table;
  }
};
template <> struct KindTable<CartProvider> {
  using K = CartProvider;
  template <class P> static const void *get() {
    static const orders_cart_v1_t table{sizeof(orders_cart_v1_t), &call<K, CartRef, Cart, &K::load>,
                                        &call<K, CartRef, Empty, &K::clear>};
    return &table;
  }
};
template <> struct KindTable<CustomerDirectory> {
  using K = CustomerDirectory;
  template <class P> static const void *get() {
    static const orders_customer_v1_t table{sizeof(orders_customer_v1_t), &call<K, CustomerRef, Party, &K::lookup>};
    return &table;
  }
};
// An optional method's slot: NULL ("not offered", the host answers
// `unsupported` and start-up checks can see it) unless the plugin class P
// overrides the interface's default; `&P::m` names the base's member when P
// declares none.
#define ORDERS_SDK_OPTIONAL_SLOT(P, K, method, trampoline)                                                             \
  (std::is_same_v<decltype(&P::method), decltype(&K::method)> ? nullptr : (trampoline))

template <> struct KindTable<PaymentProvider> {
  using K = PaymentProvider;
  template <class P> static const void *get() {
    static const orders_payment_v1_t table{
        sizeof(orders_payment_v1_t),
        &call<K, PaymentRequest, PaymentResult, &K::createPayment>,
        &call<K, RefundRequest, PaymentResult, &K::refund>,
        &call<K, PaymentRef, PaymentResult, &K::cancel>,
        ORDERS_SDK_OPTIONAL_SLOT(P, K, parseWebhook,
                                 (&callWithPayload<K, InboundMessage, ParsedEvent, &K::parseWebhook>)),
        ORDERS_SDK_OPTIONAL_SLOT(P, K, parseEvent, (&callWithPayload<K, InboundMessage, ParsedEvent, &K::parseEvent>)),
        ORDERS_SDK_OPTIONAL_SLOT(P, K, status, (&call<K, PaymentRef, PaymentResult, &K::status>))};
    return &table;
  }
};
template <> struct KindTable<ShippingProvider> {
  using K = ShippingProvider;
  template <class P> static const void *get() {
    static const orders_shipping_v1_t table{
        sizeof(orders_shipping_v1_t),
        &call<K, ShipmentRequest, Shipment, &K::createShipment>,
        &call<K, ShipmentRef, Shipment, &K::confirmShipment>,
        &call<K, ShipmentRef, Shipment, &K::cancelShipment>,
        ORDERS_SDK_OPTIONAL_SLOT(P, K, quote, (&call<K, ShipmentRequest, Quote, &K::quote>)),
        ORDERS_SDK_OPTIONAL_SLOT(P, K, parseWebhook,
                                 (&callWithPayload<K, InboundMessage, ShipmentUpdate, &K::parseWebhook>))};
    return &table;
  }
};
template <> struct KindTable<InvoiceRenderer> {
  using K = InvoiceRenderer;
  template <class P> static const void *get() {
    static const orders_invoice_v1_t table{sizeof(orders_invoice_v1_t), &call<K, InvoiceRequest, Document, &K::render>};
    return &table;
  }
};
template <> struct KindTable<Notifier> {
  using K = Notifier;
  template <class P> static const void *get() {
    static const orders_notifier_v1_t table{sizeof(orders_notifier_v1_t), &call<K, Notification, Empty, &K::notify>};
    return &table;
  }
};

template <> struct KindTable<Dialect> {
  using K = Dialect;
  template <class P> static const void *get() {
    static const orders_dialect_v1_t table{
        sizeof(orders_dialect_v1_t), &callNoArgs<K, DialectSpec, &K::spec>,
        &callWithPayload<K, DialectRequest, DialectResponse, &K::handle>,
        ORDERS_SDK_OPTIONAL_SLOT(P, K, encodeEvent, (&call<K, EventToEncode, EncodedEvent, &K::encodeEvent>)),
        ORDERS_SDK_OPTIONAL_SLOT(P, K, parseEvent, (&callWithPayload<K, InboundMessage, ParsedEvent, &K::parseEvent>))};
    return &table;
  }
};

template <class P>
orders_status_t create(const orders_host_services_t *host, orders_bytes_t instance_id, orders_bytes_t config,
                       orders_instance_t **out_instance, const orders_sink_t *err) noexcept {
  using K = typename P::Interface;
  return guarded(err, [&]() -> orders_status_t {
    PluginContext ctx{Host(host), std::string(viewOf(instance_id)),
                      config.len == 0 ? Json::Value(Json::objectValue) : parseJson(viewOf(config))};
    Result<std::unique_ptr<P>> made = P::create(std::move(ctx));
    if (!made.ok()) return failInto(err, made.error());
    if (!made.value()) return failInto(err, internalError("create() returned no instance"));
    K *kind_ptr = made.value().release(); // owned by the host until destroy()
    *out_instance = reinterpret_cast<orders_instance_t *>(kind_ptr);
    return ORDERS_OK;
  });
}

template <class K> void destroy(orders_instance_t *self) noexcept {
  std::unique_ptr<K> owned(instanceOf<K>(self));
  try {
    owned.reset();
  } catch (...) { // a throwing destructor must not unwind into the host
  }
}

template <class K> orders_status_t ready(orders_instance_t *self, const orders_sink_t *out) noexcept {
  return guarded(out, [&]() -> orders_status_t {
    Status status = instanceOf<K>(self)->ready();
    return status.ok() ? ORDERS_OK : failInto(out, status.error());
  });
}

template <class P>
const orders_plugin_descriptor_t *descriptorFor(const char *name, const char *version, const char *description,
                                                const char *config_schema) noexcept {
  using K = typename P::Interface;
  static const orders_plugin_descriptor_t descriptor{sizeof(orders_plugin_descriptor_t),
                                                     ORDERS_ABI_MAJOR,
                                                     ORDERS_ABI_MINOR,
                                                     K::kKind,
                                                     name,
                                                     version,
                                                     config_schema,
                                                     &create<P>,
                                                     &destroy<K>,
                                                     KindTable<K>::template get<P>(),
                                                     description,
                                                     &ready<K>,
                                                     ORDERS_ABI_HASH,
                                                     ORDERS_SDK_BUILD_INFO};
  return &descriptor;
}

} // namespace orders::sdk::detail

namespace orders::sdk {

// When the caller (the host) gives up on the method call running on this
// thread, in ms since the Unix epoch; nullopt outside a call or from a host
// that sends none. Work that does its own I/O (sockets, databases) should
// bound its timeouts by it: Host::remainingMs() does the arithmetic. The
// host's HTTP service already caps requests made through it.
inline std::optional<int64_t> callDeadlineUnixMs() noexcept { return detail::currentDeadline(); }

// Milliseconds left before the running call's deadline (0 when past it), by
// the host's clock; nullopt without a deadline.
inline std::optional<int64_t> remainingCallMs(const Host &host) noexcept {
  const std::optional<int64_t> deadline = callDeadlineUnixMs();
  if (!deadline) return std::nullopt;
  const int64_t left = *deadline - host.nowUnixMs();
  return left > 0 ? left : 0;
}

} // namespace orders::sdk

// Registers PluginClass as this library's plugin. Use once per library.
#define ORDERS_PLUGIN(PluginClass, name, version, description, config_schema)                                          \
  extern "C" ORDERS_PLUGIN_EXPORT const orders_plugin_descriptor_t *orders_plugin_descriptor_v1(void) {                \
    return ::orders::sdk::detail::descriptorFor<PluginClass>(name, version, description, config_schema);               \
  }

#endif
