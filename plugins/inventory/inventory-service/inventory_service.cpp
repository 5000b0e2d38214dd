// inventory/inventory-service: stock held in the Inventory service,
// three-phase. The cart made soft reservations earlier (their ids arrive as
// StockLine::reservationId); reserve turns them into a hard allocation for
// the order, commit confirms it after payment and release gives it back.
// Every call is one POST through the host's HTTP service with a Bearer token;
// the service knows an allocation by order id, so commit and release rebuild
// their body from the ReservationRef's reference and lines.
#include <cstddef>
#include <cstdint>
#include <deque>
#include <initializer_list>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "orders/sdk/plugin.hpp"
#include "orders_inventory_inventory_service_config_schema.hpp"
#include "secret_option.hpp"
#include "stock_service.hpp"

namespace orders::plugins::inventory {

using namespace orders::sdk;
using namespace orders::common::stock;

namespace {

// The validated config; the host fills every default from config.schema.json.
struct ServiceConfig {
  std::string base_url;
  std::string token_secret; // the NAME of a host secret
  std::string allocate_path;
  std::string confirm_path;
  std::string release_path; // "": the service cannot release
  std::string restock_path; // "": the service cannot take consumed units back
  int64_t out_of_stock_status = 0;
  std::string out_of_stock_pointer; // "": only the status tells
  Json::Value out_of_stock_value;
  std::string out_of_stock_product_pointer;
  std::optional<int64_t> timeout_ms;
  bool per_reservation = false; // seed 000: one call per soft reservation, {reservationId} in the paths
  template <class V> void visit(V &v) {
    v("per_reservation", per_reservation);
    v("base_url", base_url);
    v("token_secret", token_secret);
    v("allocate_path", allocate_path);
    v("confirm_path", confirm_path);
    v("release_path", release_path);
    v("restock_path", restock_path);
    v("out_of_stock_status", out_of_stock_status);
    v("out_of_stock_pointer", out_of_stock_pointer);
    v("out_of_stock_value", out_of_stock_value);
    v("out_of_stock_product_pointer", out_of_stock_product_pointer);
    v("timeout_ms", timeout_ms);
  }
};

enum class Answer { done, out_of_stock };

} // namespace

class ServiceInventory final : public InventoryProvider {
public:
  // Soft reservation -> allocation -> confirmation. Release is always answered,
  // by the service or (release_path "") as a logged no-op.
  static constexpr uint32_t kCapabilities =
      ORDERS_INVENTORY_THREE_PHASE | ORDERS_INVENTORY_CAN_RELEASE | ORDERS_INVENTORY_CAN_RESTOCK;

  static Result<std::unique_ptr<ServiceInventory>> create(PluginContext ctx) {
    ServiceConfig config;
    try {
      config = fromJsonOrThrow<ServiceConfig>(ctx.config);
    } catch (const DecodeError &e) {
      return invalidArgument(e.what());
    }
    while (!config.base_url.empty() && config.base_url.back() == '/')
      config.base_url.pop_back();
    if (config.base_url.rfind("http://", 0) != 0 && config.base_url.rfind("https://", 0) != 0)
      return invalidArgument("/base_url: must start with http:// or https://");
    for (const Status &s :
         {checkPath("allocate_path", config.allocate_path, false),
          checkPath("confirm_path", config.confirm_path, false), checkPath("release_path", config.release_path, true),
          checkPath("restock_path", config.restock_path, true),
          checkPointer("out_of_stock_pointer", config.out_of_stock_pointer),
          checkPointer("out_of_stock_product_pointer", config.out_of_stock_product_pointer)})
      if (!s.ok()) return s.error();
    if (config.timeout_ms && *config.timeout_ms < 1) return invalidArgument("/timeout_ms: must be >= 1");
    if (config.per_reservation)
      for (const auto &[key, path] :
           {std::pair{"allocate_path", config.allocate_path}, std::pair{"confirm_path", config.confirm_path},
            std::pair{"release_path", config.release_path}})
        if (!path.empty() && path.find("{reservationId}") == std::string::npos)
          return invalidArgument(std::string("/") + key +
                                 ": must contain {reservationId} when per_reservation is true");
    auto token = orders::common::resolveSecretOption(ctx.host, "token_secret", config.token_secret);
    if (!token.ok()) return token.error();
    ctx.host.info("inventory service at " + config.base_url + ": allocate " + config.allocate_path + ", confirm " +
                  config.confirm_path + ", release " +
                  (config.release_path.empty() ? std::string("not offered") : config.release_path));
    return std::make_unique<ServiceInventory>(ctx.host, std::move(config), token.value().value());
  }

  ServiceInventory(Host host, ServiceConfig config, std::string token)
      : host_(host), config_(std::move(config)), authorization_("Bearer " + token) {}

  Result<ReserveOutcome> reserve(const ReserveRequest &request) override {
    if (request.idempotencyKey.empty()) return invalidArgument("/idempotencyKey: must not be empty");
    if (request.reference.empty())
      return invalidArgument("/reference: must not be empty (the service allocates per order)");
    Status lines = checkLines(request.lines);
    if (!lines.ok()) return lines.error();
    if (std::optional<ReserveOutcome> known = remembered_.find(request.idempotencyKey)) {
      host_.counter("inventory_reservations_total", 1, {{"outcome", "replayed"}});
      return *known;
    }
    const std::string what = "inventory allocate";
    if (config_.per_reservation) return allocateEach(request);
    const Json::Value body = bodyOf(request.reference, request.lines);
    auto response = post(what, config_.allocate_path, &body, request.idempotencyKey);
    if (!response.ok()) return response.error();
    auto answer = judge(what, response.value());
    if (!answer.ok()) return answer.error();
    ReserveOutcome outcome;
    if (answer.value() == Answer::out_of_stock) {
      outcome.shortages.push_back(shortageOf(response.value(), request.lines));
      host_.counter("inventory_reservations_total", 1, {{"outcome", "short"}});
      return outcome;
    }
    outcome.reserved = true;
    outcome.reservationId = request.reference; // the service knows the allocation by order id
    remembered_.remember(request.idempotencyKey, outcome);
    host_.counter("inventory_reservations_total", 1, {{"outcome", "reserved"}});
    return outcome;
  }

  Result<Empty> commit(const ReservationRef &reservation) override {
    return settle("inventory confirm", config_.confirm_path, "confirm:", reservation);
  }

  Result<Empty> release(const ReservationRef &reservation) override {
    if (config_.release_path.empty())
      // Not a success: the host records release_failed, never `released`.
      return unsupported("release of order " + orderIdOf(reservation) +
                         " not sent: release_path is empty (the Inventory service offers no release); its units "
                         "stay allocated until the service lets them go");
    return settle("inventory release", config_.release_path, "release:", reservation);
  }

  // POST {restock_path} with the allocate body: units a confirm took, back
  // on sale (a paid order was cancelled or refunded).
  Result<Empty> restock(const RestockRequest &request) override {
    if (config_.restock_path.empty())
      return unsupported("restock of order " + request.reference +
                         " not sent: restock_path is empty (the Inventory service offers no restock); the host "
                         "flags the order for a manual restock");
    ReservationRef ref{request.reservationId, request.reference, request.lines};
    return settle("inventory restock", config_.restock_path, "restock:", ref);
  }

private:
  // per_reservation: POST {allocate_path} for each line's soft reservation
  // with {"orderId"}; lines without one are not allocated (the cart reserved
  // nothing for them). A failure leaves the rest to the host's release.
  Result<ReserveOutcome> allocateEach(const ReserveRequest &request) {
    ReserveOutcome outcome;
    for (const StockLine &line : request.lines) {
      if (!line.reservationId) continue;
      Json::Value body(Json::objectValue);
      body["orderId"] = request.reference;
      auto response = post("inventory allocate", pathFor(config_.allocate_path, *line.reservationId), &body,
                           request.idempotencyKey + ":" + *line.reservationId);
      if (!response.ok()) return response.error();
      auto answer = judge("inventory allocate", response.value());
      if (!answer.ok()) return answer.error();
      if (answer.value() == Answer::out_of_stock) {
        outcome.shortages.push_back(shortageOf(response.value(), {line}));
        host_.counter("inventory_reservations_total", 1, {{"outcome", "short"}});
        return outcome;
      }
    }
    outcome.reserved = true;
    outcome.reservationId = request.reference;
    remembered_.remember(request.idempotencyKey, outcome);
    host_.counter("inventory_reservations_total", 1, {{"outcome", "reserved"}});
    return outcome;
  }

  static std::string pathFor(const std::string &path, const std::string &reservation_id) {
    std::string out = path;
    const std::string key = "{reservationId}";
    for (size_t at = out.find(key); at != std::string::npos; at = out.find(key, at + reservation_id.size()))
      out.replace(at, key.size(), reservation_id);
    return out;
  }

  static std::string orderIdOf(const ReservationRef &reservation) {
    return reservation.reference.empty() ? reservation.reservationId : reservation.reference;
  }

  // Confirm and release: the same body as allocate, rebuilt from the reference.
  Result<Empty> settle(const std::string &what, const std::string &path, const std::string &key_prefix,
                       const ReservationRef &reservation) const {
    const std::string order_id = orderIdOf(reservation);
    if (order_id.empty()) return invalidArgument("/reference: must not be empty (the service allocates per order)");
    Status lines = checkLines(reservation.lines);
    if (!lines.ok()) return lines.error();
    if (config_.per_reservation) {
      // One bodiless call per soft reservation (seed 000's confirm-sale and release).
      for (const StockLine &line : reservation.lines) {
        if (!line.reservationId) continue;
        auto response =
            post(what, pathFor(path, *line.reservationId), nullptr, key_prefix + order_id + ":" + *line.reservationId);
        if (!response.ok()) return response.error();
        auto answer = judge(what, response.value());
        if (!answer.ok()) return answer.error();
        if (answer.value() == Answer::out_of_stock)
          return conflict(what + ": the Inventory service refused reservation " + *line.reservationId + " with HTTP " +
                          std::to_string(response->status));
      }
      return Empty{};
    }
    const Json::Value body = bodyOf(order_id, reservation.lines);
    auto response = post(what, path, &body, key_prefix + order_id);
    if (!response.ok()) return response.error();
    auto answer = judge(what, response.value());
    if (!answer.ok()) return answer.error();
    if (answer.value() == Answer::out_of_stock)
      return conflict(what + ": the Inventory service refused order " + order_id + " with HTTP " +
                      std::to_string(response->status) + ": " + oneLine(excerpt(response->body)));
    return Empty{};
  }

  // {"orderId", "items": [{"productId", "variantId"?, "quantity", "reservationId"?}]}
  static Json::Value bodyOf(const std::string &order_id, const std::vector<StockLine> &lines) {
    Json::Value items(Json::arrayValue);
    for (const StockLine &line : lines) {
      Json::Value item(Json::objectValue);
      item["productId"] = line.productId;
      if (line.variantId) item["variantId"] = *line.variantId;
      item["quantity"] = Json::Value(static_cast<Json::Int64>(line.quantity));
      if (line.reservationId) item["reservationId"] = *line.reservationId; // the cart's soft reservation
      items.append(item);
    }
    Json::Value body(Json::objectValue);
    body["orderId"] = order_id;
    body["items"] = items;
    return body;
  }

  // `body` null: a bodiless POST.
  Result<HttpResponse> post(const std::string &what, const std::string &path, const Json::Value *body,
                            const std::string &idempotency_key) const {
    HttpRequest request;
    request.method = "POST";
    request.url = config_.base_url + path;
    request.headers["Authorization"] = authorization_;
    if (body != nullptr) request.headers["Content-Type"] = "application/json";
    request.headers["Accept"] = "application/json";
    request.headers["Idempotency-Key"] = idempotency_key;
    request.timeoutMs = config_.timeout_ms;
    if (body != nullptr) request.body = writeJson(*body);
    Result<HttpResponse> response = host_.http(request);
    if (!response.ok()) {
      // Transport failures keep their code: unavailable and timeout stay retryable.
      const Error &e = response.error();
      return Error{e.code, what + ": " + e.message, e.retryable};
    }
    return response;
  }

  // Success, out of stock, or the error a reply means (README "Errors").
  Result<Answer> judge(const std::string &what, const HttpResponse &response) const {
    if (response.status == config_.out_of_stock_status) return Answer::out_of_stock;
    const bool success = response.isSuccess();
    const bool client_error = response.status >= 400 && response.status < 500;
    if (!config_.out_of_stock_pointer.empty() && (success || client_error) && !response.body.empty()) {
      Result<Json::Value> doc = parseBody(response.body);
      if (doc.ok()) {
        const Json::Value *flag = valueAt(doc.value(), config_.out_of_stock_pointer);
        if (flag != nullptr && sameJson(*flag, config_.out_of_stock_value)) return Answer::out_of_stock;
      } else if (success) {
        // The neighbour's fault, not the caller's: `unavailable` (503 to the
        // buyer, never 400), but not retryable, so the breaker, which counts
        // transport failures only, stays closed for a peer that answers.
        return Error{ErrorCode::unavailable,
                     what + ": the Inventory service's HTTP " + std::to_string(response.status) +
                         " reply is not JSON, so " + config_.out_of_stock_pointer +
                         " (out_of_stock_pointer) cannot be read: " + oneLine(doc.error().message),
                     false};
      }
    }
    if (success) return Answer::done;
    return refusal(what, "the Inventory service", response);
  }

  // The product an out-of-stock reply names, else the request's first line.
  Shortage shortageOf(const HttpResponse &response, const std::vector<StockLine> &lines) const {
    Result<Json::Value> doc = parseBody(response.body);
    const Json::Value *named = doc.ok() ? valueAt(doc.value(), config_.out_of_stock_product_pointer) : nullptr;
    Shortage shortage;
    shortage.productId = named != nullptr ? idText(*named) : std::string();
    if (shortage.productId.empty()) shortage.productId = lines.front().productId;
    for (const StockLine &line : lines) {
      if (line.productId != shortage.productId) continue;
      if (!shortage.variantId) shortage.variantId = line.variantId;
      shortage.requested += line.quantity;
    }
    shortage.available = 0; // the service does not say how many are left
    return shortage;
  }

  // Immutable after create() except remembered_, which locks.
  const Host host_;
  const ServiceConfig config_;
  const std::string authorization_; // "Bearer <token>"; never logged
  Remembered remembered_;
};

} // namespace orders::plugins::inventory

ORDERS_PLUGIN(orders::plugins::inventory::ServiceInventory, "inventory-service", "1.0.0",
              "Soft reservations allocated, confirmed or released in the Inventory service (three-phase, Bearer token)",
              kConfigSchema)
