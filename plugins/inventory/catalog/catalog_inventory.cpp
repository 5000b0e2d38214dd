// inventory/catalog: stock held in the Catalog service, two-phase (reserve at
// checkout, commit after payment, release when the Catalog offers it). Every
// call is one POST through the host's HTTP service with the shared internal
// key; the Catalog knows holds by order id, so commit and release rebuild
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
#include "orders_inventory_catalog_config_schema.hpp"
#include "secret_option.hpp"
#include "stock_service.hpp"

namespace orders::plugins::inventory {

using namespace orders::sdk;
using namespace orders::common::stock;

namespace {

// The validated config; the host fills every default from config.schema.json.
struct CatalogConfig {
  std::string base_url;
  std::string internal_key_secret; // the NAME of a host secret
  std::string header_name;
  std::string reserve_path;
  std::string commit_path;
  std::string release_path; // "": the Catalog cannot release
  std::string restock_path; // "": the Catalog cannot take consumed units back
  std::string order_id_field;
  std::string items_field;
  std::string product_id_field;
  std::string quantity_field;
  std::string variant_id_field; // "": variants are not sent
  bool numeric_ids = false;
  int64_t out_of_stock_status = 0;
  std::string out_of_stock_pointer; // "": only the status tells
  Json::Value out_of_stock_value;
  std::string out_of_stock_product_pointer;
  std::optional<int64_t> timeout_ms;
  template <class V> void visit(V &v) {
    v("base_url", base_url);
    v("internal_key_secret", internal_key_secret);
    v("header_name", header_name);
    v("reserve_path", reserve_path);
    v("commit_path", commit_path);
    v("release_path", release_path);
    v("restock_path", restock_path);
    v("order_id_field", order_id_field);
    v("items_field", items_field);
    v("product_id_field", product_id_field);
    v("quantity_field", quantity_field);
    v("variant_id_field", variant_id_field);
    v("numeric_ids", numeric_ids);
    v("out_of_stock_status", out_of_stock_status);
    v("out_of_stock_pointer", out_of_stock_pointer);
    v("out_of_stock_value", out_of_stock_value);
    v("out_of_stock_product_pointer", out_of_stock_product_pointer);
    v("timeout_ms", timeout_ms);
  }
};

// Digits a JSON integer carries exactly (numeric_ids).
bool isPlainNumber(const std::string &s) {
  return !s.empty() && s.size() <= 18 && s.find_first_not_of("0123456789") == std::string::npos &&
         (s.size() == 1 || s[0] != '0');
}

enum class Answer { done, out_of_stock };

} // namespace

class CatalogInventory final : public InventoryProvider {
public:
  // Capabilities are per library, not per instance: release is always
  // answered, by the Catalog or (release_path "") as a logged no-op.
  // Capabilities are per library: an instance without release_path or
  // restock_path answers `unsupported` for that call instead.
  static constexpr uint32_t kCapabilities = ORDERS_INVENTORY_CAN_RELEASE | ORDERS_INVENTORY_CAN_RESTOCK;

  static Result<std::unique_ptr<CatalogInventory>> create(PluginContext ctx) {
    CatalogConfig config;
    try {
      config = fromJsonOrThrow<CatalogConfig>(ctx.config);
    } catch (const DecodeError &e) {
      return invalidArgument(e.what());
    }
    while (!config.base_url.empty() && config.base_url.back() == '/')
      config.base_url.pop_back();
    if (config.base_url.rfind("http://", 0) != 0 && config.base_url.rfind("https://", 0) != 0)
      return invalidArgument("/base_url: must start with http:// or https://");
    for (const Status &s :
         {checkPath("reserve_path", config.reserve_path, false), checkPath("commit_path", config.commit_path, false),
          checkPath("release_path", config.release_path, true), checkPath("restock_path", config.restock_path, true),
          checkPointer("out_of_stock_pointer", config.out_of_stock_pointer),
          checkPointer("out_of_stock_product_pointer", config.out_of_stock_product_pointer)})
      if (!s.ok()) return s.error();
    for (const auto &[key, value] : std::initializer_list<std::pair<const char *, const std::string *>>{
             {"header_name", &config.header_name},
             {"order_id_field", &config.order_id_field},
             {"items_field", &config.items_field},
             {"product_id_field", &config.product_id_field},
             {"quantity_field", &config.quantity_field}})
      if (value->empty()) return invalidArgument(std::string("/") + key + ": must not be empty");
    if (config.timeout_ms && *config.timeout_ms < 1) return invalidArgument("/timeout_ms: must be >= 1");
    auto key = orders::common::resolveSecretOption(ctx.host, "internal_key_secret", config.internal_key_secret);
    if (!key.ok()) return key.error();
    ctx.host.info("catalog inventory at " + config.base_url + ": reserve " + config.reserve_path + ", commit " +
                  config.commit_path + ", release " +
                  (config.release_path.empty() ? std::string("not offered") : config.release_path));
    return std::make_unique<CatalogInventory>(ctx.host, std::move(config), key.value().value());
  }

  CatalogInventory(Host host, CatalogConfig config, std::string key)
      : host_(host), config_(std::move(config)), key_(std::move(key)) {}

  Result<ReserveOutcome> reserve(const ReserveRequest &request) override {
    if (request.idempotencyKey.empty()) return invalidArgument("/idempotencyKey: must not be empty");
    if (request.reference.empty()) return invalidArgument("/reference: must not be empty (the Catalog holds by order)");
    Status lines = checkLines(request.lines);
    if (!lines.ok()) return lines.error();
    if (std::optional<ReserveOutcome> known = remembered_.find(request.idempotencyKey)) {
      host_.counter("inventory_reservations_total", 1, {{"outcome", "replayed"}});
      return *known;
    }
    const std::string what = "catalog reserve";
    auto response = post(what, config_.reserve_path, bodyOf(request.reference, request.lines), request.idempotencyKey);
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
    outcome.reservationId = request.reference; // the Catalog knows the hold by order id
    remembered_.remember(request.idempotencyKey, outcome);
    host_.counter("inventory_reservations_total", 1, {{"outcome", "reserved"}});
    return outcome;
  }

  Result<Empty> commit(const ReservationRef &reservation) override {
    return settle("catalog commit", config_.commit_path, "commit:", reservation);
  }

  Result<Empty> release(const ReservationRef &reservation) override {
    if (config_.release_path.empty())
      // Not a success: the units stay held until the Catalog lets them go.
      // The host records release_failed for a human instead of `released`.
      return unsupported("release of order " + orderIdOf(reservation) +
                         " not sent: release_path is empty (the Catalog offers no release); its units stay held "
                         "until the Catalog lets them go");
    return settle("catalog release", config_.release_path, "release:", reservation);
  }

  // POST {restock_path} with the order's lines: units a commit took, back
  // on sale (a paid order was cancelled or refunded).
  Result<Empty> restock(const RestockRequest &request) override {
    if (config_.restock_path.empty())
      return unsupported("restock of order " + request.reference +
                         " not sent: restock_path is empty (the Catalog offers no restock); the host flags the "
                         "order for a manual restock");
    ReservationRef ref{request.reservationId, request.reference, request.lines};
    return settle("catalog restock", config_.restock_path, "restock:", ref);
  }

private:
  static std::string orderIdOf(const ReservationRef &reservation) {
    return reservation.reference.empty() ? reservation.reservationId : reservation.reference;
  }

  // Commit and release: the same body as reserve, rebuilt from the reference.
  Result<Empty> settle(const std::string &what, const std::string &path, const std::string &key_prefix,
                       const ReservationRef &reservation) const {
    const std::string order_id = orderIdOf(reservation);
    if (order_id.empty()) return invalidArgument("/reference: must not be empty (the Catalog holds by order)");
    Status lines = checkLines(reservation.lines);
    if (!lines.ok()) return lines.error();
    auto response = post(what, path, bodyOf(order_id, reservation.lines), key_prefix + order_id);
    if (!response.ok()) return response.error();
    auto answer = judge(what, response.value());
    if (!answer.ok()) return answer.error();
    if (answer.value() == Answer::out_of_stock)
      return conflict(what + ": the Catalog refused order " + order_id + " with HTTP " +
                      std::to_string(response->status) + ": " + oneLine(excerpt(response->body)));
    return Empty{};
  }

  Json::Value idValue(const std::string &id) const {
    if (config_.numeric_ids && isPlainNumber(id)) return Json::Value(static_cast<Json::Int64>(std::stoll(id)));
    return Json::Value(id);
  }

  Json::Value bodyOf(const std::string &order_id, const std::vector<StockLine> &lines) const {
    Json::Value items(Json::arrayValue);
    for (const StockLine &line : lines) {
      Json::Value item(Json::objectValue);
      item[config_.product_id_field] = idValue(line.productId);
      if (line.variantId && !config_.variant_id_field.empty()) item[config_.variant_id_field] = *line.variantId;
      item[config_.quantity_field] = Json::Value(static_cast<Json::Int64>(line.quantity));
      items.append(item);
    }
    Json::Value body(Json::objectValue);
    body[config_.order_id_field] = idValue(order_id);
    body[config_.items_field] = items;
    return body;
  }

  Result<HttpResponse> post(const std::string &what, const std::string &path, const Json::Value &body,
                            const std::string &idempotency_key) const {
    HttpRequest request;
    request.method = "POST";
    request.url = config_.base_url + path;
    request.headers["Content-Type"] = "application/json";
    request.headers["Accept"] = "application/json";
    request.headers["Idempotency-Key"] = idempotency_key;
    request.headers[config_.header_name] = key_;
    request.timeoutMs = config_.timeout_ms;
    request.body = writeJson(body);
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
                     what + ": the Catalog's HTTP " + std::to_string(response.status) + " reply is not JSON, so " +
                         config_.out_of_stock_pointer +
                         " (out_of_stock_pointer) cannot be read: " + oneLine(doc.error().message),
                     false};
      }
    }
    if (success) return Answer::done;
    return refusal(what, "the Catalog", response);
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
    shortage.available = 0; // the Catalog does not say how many are left
    return shortage;
  }

  // Immutable after create() except remembered_, which locks.
  const Host host_;
  const CatalogConfig config_;
  const std::string key_; // the internal key's value; never logged
  Remembered remembered_;
};

} // namespace orders::plugins::inventory

ORDERS_PLUGIN(orders::plugins::inventory::CatalogInventory, "catalog", "1.0.0",
              "Stock reserved and committed in the Catalog service (two-phase, shared internal key)", kConfigSchema)
