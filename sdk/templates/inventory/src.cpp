// inventory/@NAME@: stock held by @NEIGHBOUR@'s REST API, reserved for a
// checkout, committed when the order is paid, released when it is not.
//
//   POST {base_url}/v1/reservations               reserve (Idempotency-Key = the host's key)
//        201 {"id", "expires_at"?}                held
//        409 {"shortages": [{"sku", "variant"?, "requested", "available"}]}
//                                                 out of stock: an outcome (reserved=false), not an error
//   POST {base_url}/v1/reservations/{id}/commit   the units are sold (repeating it is harmless)
//   POST {base_url}/v1/reservations/{id}/release  the units go back on sale; 409 once committed (conflict)
//
// Capabilities: release only. The service has no call that puts committed
// units back on sale, so the plugin offers no restock (the host flags a
// cancelled paid order for a manual restock), and it is not three-phase
// (no soft reservations made by a cart to allocate).
//
// Every call goes through the host's HTTP service (timeouts capped by the
// call's deadline, retries of idempotent calls, circuit breaker, metrics).
// Thread-safety: the instance holds only immutable settings, so concurrent
// calls are safe.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "orders/sdk/config_options.hpp"
#include "orders/sdk/plugin.hpp"
#include "orders/sdk/wire.hpp"
#include "orders_@KIND_IDENT@_@IDENT@_config_schema.hpp"

namespace {

using namespace orders::sdk;

// expiresAt as the contract writes it: RFC 3339 in UTC, "2026-11-22T10:00:00Z"
// (fractions allowed). Another form ("+00:00") is left out: the field is
// optional and the host refuses an answer breaking its pattern.
bool isUtcTimestamp(const std::string &t) {
  static const char kShape[] = "dddd-dd-ddTdd:dd:dd";
  const auto digit = [](char c) { return c >= '0' && c <= '9'; };
  if (t.size() < 20 || t.back() != 'Z') return false;
  for (size_t i = 0; i < 19; ++i)
    if (kShape[i] == 'd' ? !digit(t[i]) : t[i] != kShape[i]) return false;
  if (t.size() == 20) return true;
  if (t[19] != '.' || t.size() == 21) return false;
  for (size_t i = 20; i + 1 < t.size(); ++i)
    if (!digit(t[i])) return false;
  return true;
}

class @CLASS@ final : public InventoryProvider {
public:
  // ORDERS_INVENTORY_CAN_RESTOCK only with a restock() override that puts
  // units back; ORDERS_INVENTORY_THREE_PHASE only for reserve -> allocate ->
  // confirm services.
  static constexpr uint32_t kCapabilities = ORDERS_INVENTORY_CAN_RELEASE;

  static Result<std::unique_ptr<@CLASS@>> create(PluginContext ctx) {
    auto p = std::make_unique<@CLASS@>(ctx.host);
    auto base_url = baseUrlOption("base_url", ctx.config["base_url"].asString()); // http(s), no trailing '/'
    if (!base_url.ok()) return base_url.error();
    p->base_url_ = std::move(base_url).value();
    p->timeout_ms_ = ctx.config["timeout_ms"].asInt64();
    auto key = ctx.host.secret(ctx.config["api_key_secret"].asString());
    if (!key.ok()) return invalidArgument("api_key_secret: " + key.error().message);
    p->api_key_ = key.value();
    return p;
  }
  explicit @CLASS@(Host host) : host_(host) {}

  Result<ReserveOutcome> reserve(const ReserveRequest &r) override {
    if (r.idempotencyKey.empty()) return invalidArgument("/idempotencyKey: must not be empty");
    if (r.lines.empty()) return invalidArgument("/lines: at least one line");
    Json::Value items(Json::arrayValue);
    for (size_t i = 0; i < r.lines.size(); ++i) {
      const StockLine &line = r.lines[i];
      const std::string at = "/lines/" + std::to_string(i);
      if (line.productId.empty()) return invalidArgument(at + "/productId: must not be empty");
      if (line.quantity <= 0) return invalidArgument(at + "/quantity: must be > 0");
      Json::Value item(Json::objectValue);
      item["sku"] = line.productId;
      if (line.variantId) item["variant"] = *line.variantId;
      item["quantity"] = static_cast<Json::Int64>(line.quantity);
      items.append(item);
    }
    Json::Value body(Json::objectValue);
    body["reference"] = r.reference;
    if (r.ttlSeconds > 0) body["ttl_seconds"] = static_cast<Json::Int64>(r.ttlSeconds); // else the service's
    body["items"] = items;
    const std::string what = "reserve";
    // The same idempotency key on every retry: the service answers a
    // repeated reserve with the reservation it made (or the same shortages).
    auto sent = send("/v1/reservations", writeJson(body), r.idempotencyKey, what);
    if (!sent.ok()) return sent.error();
    if (sent->response.status == 409) {
      // Out of stock is a business outcome; a 409 without shortages (e.g. the
      // key reused with another body) stays the conflict it is.
      std::optional<std::vector<Shortage>> shortages = shortagesOf(sent->response, r.lines);
      if (shortages) {
        ReserveOutcome out;
        out.reserved = false;
        out.shortages = std::move(*shortages);
        return out;
      }
    }
    if (!sent->response.isSuccess()) return wire::statusError(sent->response, what, sent->line);
    Json::Value answer;
    try {
      answer = parseJson(sent->response.body);
    } catch (const DecodeError &) {
      return unavailable(what + ": " + sent->line + " answered a body that is not JSON: " +
                         wire::excerpt(sent->response.body));
    }
    const std::optional<std::string> id = answer.isObject() ? wire::idText(answer["id"]) : std::nullopt;
    if (!id || id->empty())
      return unavailable(what + ": " + sent->line + " answered without a reservation id: " +
                         wire::excerpt(sent->response.body));
    ReserveOutcome out;
    out.reserved = true;
    out.reservationId = *id;
    if (answer["expires_at"].isString() && isUtcTimestamp(answer["expires_at"].asString()))
      out.expiresAt = answer["expires_at"].asString();
    return out;
  }

  Result<Empty> commit(const ReservationRef &r) override {
    if (r.reservationId.empty()) return invalidArgument("/reservationId: must not be empty");
    const std::string what = "commit reservation " + r.reservationId;
    auto sent = send("/v1/reservations/" + wire::percentEncode(r.reservationId) + "/commit", "{}",
                     "commit:" + r.reservationId, what);
    if (!sent.ok()) return sent.error();
    // 404 (expired, never held) not_found, 409 (released) conflict: the host
    // must know the paid units are not held.
    if (!sent->response.isSuccess()) return wire::statusError(sent->response, what, sent->line);
    return Empty{};
  }

  Result<Empty> release(const ReservationRef &r) override {
    if (r.reservationId.empty()) return invalidArgument("/reservationId: must not be empty");
    const std::string what = "release reservation " + r.reservationId;
    auto sent = send("/v1/reservations/" + wire::percentEncode(r.reservationId) + "/release", "{}",
                     "release:" + r.reservationId, what);
    if (!sent.ok()) return sent.error();
    if (sent->response.status == 409) // "already committed": sold units do not come back by a release
      return conflict(what + ": " + sent->line + " answered 409, the reservation is committed: " +
                      wire::excerpt(sent->response.body));
    if (sent->response.status == 404) { // expired or never held: nothing is held any more
      host_.info(what + ": " + sent->line + " answered 404; taken as released");
      return Empty{};
    }
    if (!sent->response.isSuccess()) return wire::statusError(sent->response, what, sent->line);
    return Empty{};
  }

private:
  struct Sent {
    std::string line; // "POST https://.../v1/reservations", for error messages
    HttpResponse response;
  };

  // The shortages a 409 lists; nullopt when it lists none (then the 409 is
  // an error). A shortage without `requested` is what the request asked.
  static std::optional<std::vector<Shortage>> shortagesOf(const HttpResponse &response,
                                                          const std::vector<StockLine> &lines) {
    Json::Value answer;
    try {
      answer = parseJson(response.body);
    } catch (const DecodeError &) {
      return std::nullopt;
    }
    if (!answer.isObject() || !answer["shortages"].isArray() || answer["shortages"].empty()) return std::nullopt;
    std::vector<Shortage> out;
    for (const Json::Value &s : answer["shortages"]) {
      if (!s.isObject()) return std::nullopt;
      const std::optional<std::string> sku = wire::idText(s["sku"]);
      if (!sku) return std::nullopt;
      Shortage shortage;
      shortage.productId = *sku;
      if (s["variant"].isString()) shortage.variantId = s["variant"].asString();
      if (s["requested"].isInt64()) {
        shortage.requested = s["requested"].asInt64();
      } else {
        for (const StockLine &line : lines)
          if (line.productId == shortage.productId && line.variantId == shortage.variantId)
            shortage.requested += line.quantity;
      }
      if (s["available"].isInt64() && s["available"].asInt64() > 0) shortage.available = s["available"].asInt64();
      out.push_back(shortage);
    }
    return out;
  }

  // One keyed POST through the host. A transport failure keeps its code and
  // retryability (the host's breaker counts it); any HTTP status is an answer.
  Result<Sent> send(const std::string &path, const std::string &body, const std::string &idempotency_key,
                    const std::string &what) {
    HttpRequest req;
    req.method = "POST";
    req.url = base_url_ + path;
    req.headers["Authorization"] = "Bearer " + api_key_;
    req.headers["Accept"] = "application/json";
    req.headers["Content-Type"] = "application/json";
    req.headers["Idempotency-Key"] = idempotency_key;
    req.timeoutMs = timeout_ms_; // the host caps it by the call's deadline
    req.idempotent = true;       // keyed: safe to retry on a transport failure
    req.body = body;
    auto res = host_.http(req);
    if (!res.ok()) return wire::transportError(res.error(), what);
    return Sent{"POST " + req.url, std::move(res).value()};
  }

  Host host_;
  std::string base_url_;
  int64_t timeout_ms_ = 5000;
  std::string api_key_;
};

} // namespace

ORDERS_PLUGIN(@CLASS@, "@NAME@", "0.1.0",
              "Stock reserved, committed and released through @NEIGHBOUR@", kConfigSchema)
