// orders/sdk/testing/plugin_harness.hpp - drive a plugin through its C ABI.
//
// PluginHarness creates an instance from a descriptor (typically the one the
// plugin's own ORDERS_PLUGIN exported, linked into the test) against a
// FakeHost, and calls its method slots exactly as the host does, so tests
// exercise the real trampolines and JSON codecs. Like the host, it checks
// the config against the plugin's schema with the host's own validator and
// fills in every default (createWithDefaults), and refuses answers outside
// the contract's words (the typed calls: h.payment().createPayment(r)).
//
// Thread-safety: calls may be made from several threads (as the host does).
#ifndef ORDERS_SDK_TESTING_PLUGIN_HARNESS_HPP
#define ORDERS_SDK_TESTING_PLUGIN_HARNESS_HPP

#include <optional>
#include <string>

#include "orders/sdk/client.hpp"
#include "orders/sdk/config_schema.hpp"
#include "orders/sdk/contract.hpp"
#include "orders/sdk/testing/fake_host.hpp"

namespace orders::sdk::testing {

// A dialect request as the host would hand it for `route` (path = the route
// pattern, call id "c-1"), optionally from `principal`.
inline DialectRequest dialectRequest(const std::string &method, const std::string &route,
                                     std::optional<CallerPrincipal> principal = std::nullopt) {
  DialectRequest r;
  r.callId = "c-1";
  r.method = method;
  r.route = route;
  r.path = route;
  r.principal = std::move(principal);
  return r;
}

class PluginHarness {
public:
  explicit PluginHarness(const orders_plugin_descriptor_t *descriptor) : descriptor_(descriptor) {}
  ~PluginHarness() {
    if (instance_ != nullptr) descriptor_->destroy(instance_);
  }
  PluginHarness(const PluginHarness &) = delete;
  PluginHarness &operator=(const PluginHarness &) = delete;

  FakeHost &host() noexcept { return host_; }

  // Creates the instance with `config_json` as the host would: validated
  // against the plugin's config schema by the host's validator (unknown
  // keys, types, required keys, bounds: invalid_argument naming each
  // pointer) and with every schema `default` filled in, at any depth.
  Status createWithDefaults(const std::string &config_json = "{}", const std::string &instance_id = "test") {
    Json::Value config;
    try {
      config = parseJson(config_json);
    } catch (const std::exception &e) {
      return invalidArgument(std::string("createWithDefaults: ") + e.what());
    }
    auto validated = schema::validatedConfig(
        descriptor_->config_schema != nullptr ? descriptor_->config_schema : std::string(), config);
    if (!validated.ok()) return validated.error();
    return create(writeJson(validated.value()), instance_id);
  }

  // Creates the instance with `config_json` (defaults are NOT applied here:
  // pass what the host would pass after validation).
  Status create(const std::string &config_json, const std::string &instance_id = "test") {
    SinkBuffer err;
    const orders_status_t rc =
        descriptor_->create(host_.services(), bytesOf(instance_id), bytesOf(config_json), &instance_, err.sink());
    if (rc != ORDERS_OK) return err.errorFor(rc);
    return Status();
  }

  // The kind's method table, e.g. table<orders_payment_v1_t>()->create_payment.
  template <class Table> const Table *table() const noexcept {
    return static_cast<const Table *>(descriptor_->methods);
  }
  orders_instance_t *instance() const noexcept { return instance_; }

  template <class Resp, class Req>
  Result<Resp> call(orders_method_fn fn, const Req &request, std::string_view payload = {}) {
    return invoke<Resp>(fn, instance_, request, payload);
  }

  // A method slot called as the host calls it, answers checked against the
  // contract's words as the host checks them.
  template <class Resp, class Table, class Req>
  Result<Resp> checked(orders_method_fn Table::*slot, const Req &request, std::string_view payload = {}) {
    Result<Resp> out = invoke<Resp>(table<Table>()->*slot, instance_, request, payload);
    if (out.ok())
      if (auto problem = contractProblem(out.value()))
        return internalError("answered outside its contract: " + *problem);
    return out;
  }

  // Typed calls per kind: h.payment().createPayment(request).
  struct InventoryCalls {
    PluginHarness &h;
    Result<ReserveOutcome> reserve(const ReserveRequest &r) {
      return h.checked<ReserveOutcome>(&orders_inventory_v1_t::reserve, r);
    }
    Result<Empty> commit(const ReservationRef &r) { return h.checked<Empty>(&orders_inventory_v1_t::commit, r); }
    Result<Empty> release(const ReservationRef &r) { return h.checked<Empty>(&orders_inventory_v1_t::release, r); }
    Result<Empty> restock(const RestockRequest &r) { return h.checked<Empty>(&orders_inventory_v1_t::restock, r); }
  };
  struct CatalogCalls {
    PluginHarness &h;
    Result<LookupResult> lookup(const LookupRequest &r) {
      return h.checked<LookupResult>(&orders_catalog_v1_t::lookup, r);
    }
  };
  struct CartCalls {
    PluginHarness &h;
    Result<Cart> load(const CartRef &r) { return h.checked<Cart>(&orders_cart_v1_t::load, r); }
    Result<Empty> clear(const CartRef &r) { return h.checked<Empty>(&orders_cart_v1_t::clear, r); }
  };
  struct CustomerCalls {
    PluginHarness &h;
    Result<Party> lookup(const CustomerRef &r) { return h.checked<Party>(&orders_customer_v1_t::lookup, r); }
  };
  struct PaymentCalls {
    PluginHarness &h;
    Result<PaymentResult> createPayment(const PaymentRequest &r) {
      return h.checked<PaymentResult>(&orders_payment_v1_t::create_payment, r);
    }
    Result<PaymentResult> refund(const RefundRequest &r) {
      return h.checked<PaymentResult>(&orders_payment_v1_t::refund, r);
    }
    Result<PaymentResult> cancel(const PaymentRef &r) {
      return h.checked<PaymentResult>(&orders_payment_v1_t::cancel, r);
    }
    Result<PaymentResult> status(const PaymentRef &r) {
      return h.checked<PaymentResult>(&orders_payment_v1_t::status, r);
    }
    Result<ParsedEvent> parseWebhook(const InboundMessage &m, std::string_view body) {
      return h.checked<ParsedEvent>(&orders_payment_v1_t::parse_webhook, m, body);
    }
    Result<ParsedEvent> parseEvent(const InboundMessage &m, std::string_view value) {
      return h.checked<ParsedEvent>(&orders_payment_v1_t::parse_event, m, value);
    }
  };
  struct ShippingCalls {
    PluginHarness &h;
    Result<Shipment> createShipment(const ShipmentRequest &r) {
      return h.checked<Shipment>(&orders_shipping_v1_t::create_shipment, r);
    }
    Result<Shipment> confirmShipment(const ShipmentRef &r) {
      return h.checked<Shipment>(&orders_shipping_v1_t::confirm_shipment, r);
    }
    Result<Shipment> cancelShipment(const ShipmentRef &r) {
      return h.checked<Shipment>(&orders_shipping_v1_t::cancel_shipment, r);
    }
    Result<Quote> quote(const ShipmentRequest &r) { return h.checked<Quote>(&orders_shipping_v1_t::quote, r); }
    Result<ShipmentUpdate> parseWebhook(const InboundMessage &m, std::string_view body) {
      return h.checked<ShipmentUpdate>(&orders_shipping_v1_t::parse_webhook, m, body);
    }
  };
  struct InvoiceCalls {
    PluginHarness &h;
    Result<Document> render(const InvoiceRequest &r) { return h.checked<Document>(&orders_invoice_v1_t::render, r); }
  };
  struct NotifierCalls {
    PluginHarness &h;
    Result<Empty> notify(const Notification &n) { return h.checked<Empty>(&orders_notifier_v1_t::notify, n); }
  };
  struct DialectCalls {
    PluginHarness &h;
    Result<DialectSpec> spec() {
      return h.checked<DialectSpec>(&orders_dialect_v1_t::routes, Json::Value(Json::objectValue));
    }
    Result<DialectResponse> handle(const DialectRequest &r, std::string_view body = {}) {
      return h.checked<DialectResponse>(&orders_dialect_v1_t::handle, r, body);
    }
    Result<EncodedEvent> encodeEvent(const EventToEncode &e) {
      return h.checked<EncodedEvent>(&orders_dialect_v1_t::encode_event, e);
    }
    Result<ParsedEvent> parseEvent(const InboundMessage &m, std::string_view value) {
      return h.checked<ParsedEvent>(&orders_dialect_v1_t::parse_event, m, value);
    }
  };
  InventoryCalls inventory() { return {*this}; }
  CatalogCalls catalog() { return {*this}; }
  CartCalls cart() { return {*this}; }
  CustomerCalls customer() { return {*this}; }
  PaymentCalls payment() { return {*this}; }
  ShippingCalls shipping() { return {*this}; }
  InvoiceCalls invoice() { return {*this}; }
  NotifierCalls notifier() { return {*this}; }
  DialectCalls dialect() { return {*this}; }

private:
  const orders_plugin_descriptor_t *descriptor_;
  FakeHost host_;
  orders_instance_t *instance_ = nullptr;
};

} // namespace orders::sdk::testing

#endif
