#include "handlers/dialect_handlers.hpp"

#include <array>
#include <atomic>
#include <map>
#include <mutex>
#include <optional>
#include <vector>

#include "domain/domain_error.hpp"
#include "domain/order.hpp"
#include "handlers/order_handlers.hpp"
#include "handlers/request_support.hpp"
#include "log/logger.hpp"
#include "orders/sdk/client.hpp"
#include "orders/sdk/host.hpp"

namespace orders::host::handlers {

namespace {

// A dialect request in progress: who made it, and whether its route is
// public (an auth group listing "public": single-order reads without
// credentials).
struct Caller {
  std::optional<auth::Principal> principal;
  bool public_read = false;
};

// The callers of dialect requests in progress, by call id, for core calls
// a dialect makes from threads of its own (host services may be called from
// any thread): sharded, each shard a short list, an entry copied out under
// its shard's lock.
class CallTable {
public:
  void put(const std::string &id, const Caller *c) {
    Shard &s = shardOf(id);
    std::lock_guard<std::mutex> lock(s.mutex);
    s.calls.emplace_back(id, c);
  }
  void erase(const std::string &id) {
    Shard &s = shardOf(id);
    std::lock_guard<std::mutex> lock(s.mutex);
    for (auto &entry : s.calls)
      if (entry.first == id) {
        entry = std::move(s.calls.back());
        s.calls.pop_back();
        return;
      }
  }
  // nullopt: no such call.
  std::optional<Caller> find(const std::string &id) {
    Shard &s = shardOf(id);
    std::lock_guard<std::mutex> lock(s.mutex);
    for (const auto &[key, caller] : s.calls)
      if (key == id) return *caller;
    return std::nullopt;
  }

private:
  struct Shard {
    std::mutex mutex;
    std::vector<std::pair<std::string, const Caller *>> calls;
  };
  Shard &shardOf(const std::string &id) { return shards_[std::hash<std::string>{}(id) % shards_.size()]; }
  std::array<Shard, 16> shards_;
};

CallTable &calls() {
  static CallTable table;
  return table;
}

// The dialect requests this thread is answering, innermost first: a core
// call made on the thread that runs handle() (the usual case) finds its
// caller here, without a lock or a copy.
struct ActiveCall {
  const std::string *id;
  const Caller *caller;
  const ActiveCall *outer;
};
thread_local const ActiveCall *t_active = nullptr;

// Registers a call for the lifetime of one handle(); `id` and `caller` must
// outlive the scope.
class CallScope {
public:
  CallScope(const std::string &id, const Caller &caller) : active_{&id, &caller, t_active} {
    calls().put(id, &caller);
    t_active = &active_;
  }
  ~CallScope() {
    t_active = active_.outer;
    calls().erase(*active_.id);
  }
  CallScope(const CallScope &) = delete;
  CallScope &operator=(const CallScope &) = delete;

private:
  ActiveCall active_;
};

using HandlerFn = http::Response (*)(app::AppContext &, http::Request &);

struct CoreOp {
  const char *method;
  const char *pattern; // the canonical route it stands for (or would, for dialect-only ops)
  HandlerFn handler;
  bool single_read = false; // a public route may call it without credentials
};

const std::map<std::string, CoreOp> &coreOps() {
  static const std::map<std::string, CoreOp> ops = {
      {"checkout", {"POST", "/api/orders", &checkout}},
      {"createForUser", {"POST", "/internal/orders", &internalCreateOrder}},
      {"get", {"GET", "/api/orders/:id", &getOrder, true}},
      {"getByNumber", {"GET", "/api/orders/number/:orderNumber", &getOrderByNumber, true}},
      {"getByNumericId", {"GET", "/api/orders/numeric/:numericId", &getOrderByNumericId, true}},
      {"list", {"GET", "/api/orders", &listOrdersPaged}},
      {"adminList", {"GET", "/api/admin/orders", &adminListOrders}},
      {"adminGet", {"GET", "/api/admin/orders/:id", &adminGetOrder}},
      {"history", {"GET", "/api/orders/:id/history", &orderHistory}},
      {"invoice", {"GET", "/api/orders/:id/invoice", &orderInvoice}},
      {"retryPayment", {"POST", "/api/orders/:id/payment", &retryPayment}},
      {"refreshPayment", {"POST", "/api/orders/:id/payment/refresh", &refreshPayment}},
      {"cancel", {"POST", "/api/orders/:id/cancel", &cancelOrder}},
      {"setStatus", {"PUT", "/api/orders/:id/status", &setStatus}},
      {"setShippingCost", {"PUT", "/api/orders/:id/shipping-cost", &setShippingCost}},
  };
  return ops;
}

// "/api/orders/:id" with params {id: 7} -> "/api/orders/7"; invalid_argument
// when a parameter is missing. Patterns are the fixed ones of coreOps().
sdk::Result<std::string> fillPattern(std::string_view pattern, const std::map<std::string, std::string> &params) {
  std::string out;
  out.reserve(pattern.size() + 40);
  size_t at = 0;
  while (at < pattern.size()) {
    const size_t colon = pattern.find("/:", at);
    if (colon == std::string_view::npos) {
      out.append(pattern.substr(at));
      break;
    }
    out.append(pattern.substr(at, colon + 1 - at));
    size_t end = pattern.find('/', colon + 1);
    if (end == std::string_view::npos) end = pattern.size();
    const std::string name(pattern.substr(colon + 2, end - colon - 2));
    auto it = params.find(name);
    if (it == params.end() || it->second.empty())
      return sdk::invalidArgument("core call: params." + name + " is required for " + std::string(pattern));
    out += it->second;
    at = end;
  }
  return out;
}

std::string rawQuery(const std::map<std::string, std::string> &query) {
  std::string out;
  for (const auto &[k, v] : query)
    out += (out.empty() ? "" : "&") + k + "=" + v; // informational only: handlers read query_params
  return out;
}

http::Response problem(const http::ApiError &e, const http::Request &req) {
  http::Response r = http::Response::json(e.status(), http::problemJson(e, req.path, req.request_id));
  r.content_type = "application/problem+json";
  r.headers = e.headers;
  return r;
}

// Runs the canonical handler of `op` as `principal`; every error becomes its problem answer.
http::Response runOp(app::AppContext &ctx, const CoreOp &op, http::Request &req) {
  try {
    return op.handler(ctx, req);
  } catch (const http::ApiError &e) {
    return problem(e, req);
  } catch (const core::DomainError &e) {
    return problem(http::toApiError(e.error()), req);
  } catch (const std::exception &e) {
    log::error("dialect core call failed", {{"request_id", req.request_id}, {"op", req.route}, {"error", e.what()}});
    return problem(http::ApiError("internal", "internal error; see the server log for request " + req.request_id), req);
  }
}

sdk::CallerPrincipal callerOf(const auth::Principal &p) {
  sdk::CallerPrincipal c;
  c.subject = p.subject;
  c.role = auth::roleName(p.role);
  c.sellerId = p.seller_id;
  c.email = p.email;
  c.scheme = p.scheme;
  return c;
}

std::vector<std::string> stringsOf(const Json::Value &list) {
  std::vector<std::string> out;
  for (const Json::Value &v : list)
    out.push_back(v.asString());
  return out;
}

// One mounted dialect route.
struct MountedRoute {
  plugins::PluginInstance *instance;
  sdk::DialectRoute route;
  std::optional<std::vector<std::string>> schemes; // nullopt: every enabled scheme, host order
  bool required = true;                            // false: "none" or "public" is in the list
  bool public_read = false;                        // "public" is in the list
};

// A process-unique call id without a syscall (a UUID reads /dev/urandom):
// a random prefix drawn once, then a counter.
std::string newCallId() {
  static const std::string prefix = core::newRandomId().substr(0, 8) + "-";
  static std::atomic<uint64_t> counter{0};
  return prefix + std::to_string(counter.fetch_add(1, std::memory_order_relaxed));
}

http::Response serveDialect(app::AppContext &ctx, const MountedRoute &m, http::Request &req) {
  sdk::DialectRequest d;
  d.callId = newCallId();
  d.method = req.method;
  d.path = req.path;
  d.route = m.route.path;
  d.params = std::move(req.params); // nothing reads them after the handler
  d.query = req.query;
  for (const auto &[k, v] : req.query_params)
    d.queryParams.emplace(k, v); // the first of repeated parameters
  for (const std::string &h : m.route.headers) {
    auto it = req.headers.find(h);
    if (it != req.headers.end()) d.headers[h] = it->second;
  }
  d.requestId = req.request_id;

  std::optional<auth::Principal> principal;
  if (ctx.auth) {
    auth::AuthRequest a;
    a.method = req.method;
    a.path_and_query = req.path + (req.query.empty() ? "" : "?" + req.query);
    a.headers = req.headers;
    a.body = req.body;
    auto result = !m.schemes           ? ctx.auth->authenticate(a)
                  : m.schemes->empty() ? sdk::Result<std::optional<auth::Principal>>(std::nullopt)
                                       : ctx.auth->authenticate(a, *m.schemes);
    if (result.ok() && result.value())
      principal = *result.value();
    else if (m.required)
      d.authError = result.ok() ? std::string("credentials required") : result.error().message;
  } else if (m.required) {
    d.authError = "no authentication scheme is configured";
  }
  if (principal) d.principal = callerOf(*principal);

  const auto &table = m.instance->methods<orders_dialect_v1_t>();
  const Caller caller{std::move(principal), m.public_read};
  sdk::Result<sdk::DialectResponse> answer = [&] {
    CallScope scope(d.callId, caller);
    return m.instance->call<sdk::DialectResponse>("handle", table.handle, d, req.body);
  }();
  if (!answer.ok()) {
    const sdk::Error &e = answer.error();
    log::error(
        "dialect failed",
        {{"request_id", req.request_id}, {"dialect", m.instance->id()}, {"route", m.route.path}, {"error", e.message}});
    throw http::ApiError(e.code == sdk::ErrorCode::unavailable ? "unavailable" : "internal",
                         "dialect " + m.instance->id() + " failed: " + e.message);
  }
  if (d.authError && answer->status < 400) throw http::ApiError("unauthenticated", *d.authError);
  http::Response r;
  r.status = static_cast<int>(answer->status);
  r.content_type = answer->contentType;
  for (const auto &[k, v] : answer->headers)
    r.headers.emplace_back(k, v);
  r.body = std::move(answer->body);
  return r;
}

std::string joinMount(const std::string &mount, const std::string &path) {
  std::string base = mount;
  while (!base.empty() && base.back() == '/')
    base.pop_back();
  return base + (path.empty() || path[0] != '/' ? "/" : "") + path;
}

} // namespace

sdk::Status mountDialects(app::AppContext &ctx, http::Router &router) {
  if (!ctx.plugins) return {};
  for (plugins::PluginInstance *instance : ctx.plugins->ofKind("dialect")) {
    const std::string label = "dialect " + instance->id();
    const auto &table = instance->methods<orders_dialect_v1_t>();
    auto spec = instance->call<sdk::DialectSpec>("spec", table.routes, sdk::Empty{});
    if (!spec.ok()) return sdk::invalidArgument(label + ": routes() failed: " + spec.error().message);
    const Json::Value &groups = instance->spec().auth_groups;
    for (const sdk::DialectRoute &route : spec->routes) {
      const std::string path = joinMount(instance->spec().mount, route.path);
      if (route.path.empty() || route.path[0] != '/')
        return sdk::invalidArgument(label + ": route " + route.method + " " + route.path + ": path must start with /");
      MountedRoute m{instance, route, std::nullopt, route.auth != "none"};
      if (groups.isObject() && groups.isMember(route.auth)) {
        m.schemes.emplace();
        for (const std::string &s : stringsOf(groups[route.auth])) {
          if (s == "none" || s == "public") m.required = false;
          if (s == "public")
            m.public_read = true; // not a scheme: the host's authenticator never sees it
          else
            m.schemes->push_back(s);
        }
        if (m.public_read)
          log::warn("dialect route is PUBLIC: single orders are read without credentials (auth group lists "
                    "\"public\")",
                    {{"dialect", instance->id()}, {"method", route.method}, {"path", path}, {"group", route.auth}});
        if (!ctx.auth && !m.schemes->empty())
          return sdk::invalidArgument(label + ": auth group " + route.auth + ": no auth is configured");
        if (auto ok = ctx.auth->checkSchemes(*m.schemes); !ok.ok())
          return sdk::invalidArgument(label + ": auth group " + route.auth + ": " + ok.error().message);
      }
      // Without the canonical API a dialect may answer GET /health and GET
      // /v1/_info in its service's words (/health/ready and /metrics stay).
      if (route.method == "GET" && (path == "/health" || path == "/v1/_info") &&
          !ctx.config["http"].get("canonical_api", true).asBool())
        router.remove("GET", path);
      const http::Router::Match clash = router.match(route.method, path);
      if (clash.route != nullptr && clash.route->pattern == path)
        return sdk::invalidArgument(label + ": route " + route.method + " " + path +
                                    " is already mounted (set http.canonical_api: false, or another mount)");
      router.add(route.method, path, [&ctx, m](http::Request &req) { return serveDialect(ctx, m, req); });
      log::info("dialect route mounted",
                {{"dialect", instance->id()}, {"method", route.method}, {"path", path}, {"auth", route.auth}});
    }
  }
  return {};
}

orders_status_t dialectCoreCall(app::AppContext &ctx, std::string_view request, std::string_view payload,
                                const orders_sink_t *out) {
  auto parsed = sdk::decode<sdk::CoreCall>(request);
  if (!parsed.ok()) return sdk::failInto(out, parsed.error());
  const sdk::CoreCall &call = parsed.value();
  const Caller *caller = nullptr;
  for (const ActiveCall *a = t_active; a != nullptr && caller == nullptr; a = a->outer)
    if (*a->id == call.call) caller = a->caller;
  std::optional<Caller> copied; // a call made from another thread
  if (caller == nullptr && (copied = calls().find(call.call))) caller = &*copied;
  if (caller == nullptr)
    return sdk::failInto(out, sdk::unauthenticated("core call: " + call.call +
                                                   " names no dialect request in progress (pass request.callId)"));
  auto op = coreOps().find(call.op);
  if (op == coreOps().end()) return sdk::failInto(out, sdk::invalidArgument("core call: unknown op '" + call.op + "'"));
  const auth::Principal *principal = caller->principal ? &*caller->principal : nullptr;
  auth::Principal anyone;
  if (principal == nullptr && caller->public_read && op->second.single_read) {
    // A public route (config said so, and start-up warned): the read runs
    // with the rights of the service itself, for this one order.
    anyone.subject = "public";
    anyone.role = auth::Role::internal;
    anyone.scheme = "public";
    principal = &anyone;
  }
  auto path = fillPattern(op->second.pattern, call.params);
  if (!path.ok()) return sdk::failInto(out, path.error());

  http::Request req;
  req.method = op->second.method;
  req.path = path.value();
  req.route = op->second.pattern;
  req.params = call.params;
  req.query_params = call.query;
  if (!call.query.empty()) req.query = rawQuery(call.query);
  // Only what the canonical routes read besides credentials: never auth headers.
  for (const auto &[k, v] : call.headers)
    if (k == "idempotency-key" || k == "content-type") req.headers[k] = v;
  if (!payload.empty() && !req.headers.count("content-type")) req.headers["content-type"] = "application/json";
  req.body = std::string(payload);
  req.request_id = call.call;
  req.preauthenticated = principal; // outlives the handler: the caller's, or `anyone`

  http::Response res = runOp(ctx, op->second, req);
  sdk::CoreAnswer meta;
  meta.status = res.status;
  meta.headers["content-type"] = res.content_type;
  for (auto &[k, v] : res.headers) {
    for (char &c : k)
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    meta.headers[std::move(k)] = std::move(v);
  }
  sdk::appendInto(out, ORDERS_PART_META, sdk::encode(meta));
  sdk::appendInto(out, ORDERS_PART_BODY, res.body);
  return ORDERS_OK;
}

} // namespace orders::host::handlers
