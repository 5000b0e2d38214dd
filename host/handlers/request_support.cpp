#include "handlers/request_support.hpp"

#include <atomic>
#include <cstdio>
#include <mutex>
#include <vector>

#include "auth/auth_util.hpp"
#include "domain/idempotency.hpp"
#include "domain/order.hpp"
#include "log/logger.hpp"
#include "orders/sdk/json.hpp"

namespace orders::host::handlers {

namespace {

// 429 with Retry-After when the caller is over its route group's rate.
const auth::Principal &admitted(app::AppContext &ctx, const http::Request &req, const auth::Principal &p) {
  if (!ctx.rate_limiter) return p;
  auto refusal = ctx.rate_limiter->admit(p, req.method, req.route);
  if (!refusal) return p;
  ctx.metrics.increment("orders_http_rate_limited_total", {{"group", refusal->group}});
  char rate[64];
  std::snprintf(rate, sizeof rate, "%g per second, burst %g", refusal->per_second, refusal->burst);
  http::ApiError e("too_many_requests", "rate limit of route group '" + refusal->group +
                                            "' exceeded for this caller (" + rate + "); retry after " +
                                            std::to_string(refusal->retry_after_s) + " s");
  e.headers.emplace_back("Retry-After", std::to_string(refusal->retry_after_s));
  throw e;
}

} // namespace

auth::Principal requirePrincipal(app::AppContext &ctx, const http::Request &req) {
  if (req.preauthenticated.has_value()) {
    // A dialect's core call: the principal the host authenticated for the dialect request, or none.
    const auto *given = std::any_cast<const auth::Principal *>(&req.preauthenticated);
    if (given == nullptr || *given == nullptr) throw http::ApiError("unauthenticated", "credentials required");
    return admitted(ctx, req, **given);
  }
  if (!ctx.auth) throw http::ApiError("unauthenticated", "no authentication scheme is configured");
  auth::AuthRequest a;
  a.method = req.method;
  a.path_and_query = req.path + (req.query.empty() ? "" : "?" + req.query);
  a.headers = req.headers;
  a.body = req.body;
  auto result = ctx.auth->authenticate(a);
  if (!result.ok()) throw http::ApiError("unauthenticated", result.error().message);
  if (!result.value()) throw http::ApiError("unauthenticated", "credentials required");
  // The subject, seller id and email are stored and filtered on as text (PostgreSQL refuses other bytes):
  // credentials that name them in bytes that are not UTF-8 (a header, a JWT claim) name no one.
  const auth::Principal &p = *result.value();
  if (!http::validUtf8(p.subject) || !http::validUtf8(p.seller_id.value_or("")) ||
      !http::validUtf8(p.email.value_or("")))
    throw http::ApiError("unauthenticated", p.scheme + ": the caller's identity is not UTF-8 text");
  return admitted(ctx, req, p);
}

void requireRole(const auth::Principal &p, std::initializer_list<auth::Role> roles) {
  for (auth::Role r : roles)
    if (p.role == r) return;
  throw http::ApiError("forbidden", std::string("role ") + auth::roleName(p.role) + " may not do this");
}

bool maySee(const auth::Principal &p, const std::string &user_id, const std::optional<std::string> &seller_id) {
  switch (p.role) {
  case auth::Role::admin:
  case auth::Role::internal: return true;
  case auth::Role::buyer: return user_id == p.subject;
  case auth::Role::seller: return seller_id && *seller_id == p.seller_id.value_or(p.subject);
  }
  return false;
}

bool maySee(const auth::Principal &p, const core::Order &order) { return maySee(p, order.user_id, order.seller_id); }

core::OrderView visibleOrder(app::AppContext &ctx, const auth::Principal &p, const std::string &id) {
  auto view = ctx.core->orders().get(id);
  if (!view || !maySee(p, view->order)) throw http::ApiError("not_found", "order " + id + " not found");
  return *view;
}

Json::Value paymentJson(const core::Payment &p) {
  Json::Value j(Json::objectValue);
  j["provider"] = p.provider;
  j["attempt"] = p.attempt;
  j["reference"] = p.reference ? Json::Value(*p.reference) : Json::Value(Json::nullValue);
  j["status"] = core::statusName(p.status);
  j["amountMinor"] = static_cast<Json::Int64>(p.amount_minor);
  j["currency"] = p.currency;
  if (p.redirect_url) j["redirectUrl"] = *p.redirect_url;
  if (p.expires_at) j["expiresAt"] = *p.expires_at;
  return j;
}

Json::Value orderViewJson(const core::OrderView &view) {
  Json::Value j = core::orderJson(view.order);
  j["payment"] = view.payments.empty() ? Json::Value(Json::nullValue) : paymentJson(view.payments.back());
  Json::Value shipments(Json::arrayValue);
  for (const core::Shipment &s : view.shipments) {
    Json::Value sj(Json::objectValue);
    sj["id"] = s.id;
    sj["sellerId"] = s.seller_id ? Json::Value(*s.seller_id) : Json::Value(Json::nullValue);
    sj["provider"] = s.provider;
    sj["reference"] = s.reference ? Json::Value(*s.reference) : Json::Value(Json::nullValue);
    sj["status"] = core::statusName(s.status);
    if (s.carrier) sj["carrier"] = *s.carrier;
    if (s.tracking_number) sj["trackingNumber"] = *s.tracking_number;
    shipments.append(sj);
  }
  j["shipments"] = shipments;
  return j;
}

void raise(const sdk::Error &error) { throw http::toApiError(error); }

std::string requestHash(const http::Request &req) {
  // Poco Foundation's SHA-256, not Poco::Crypto: no OpenSSL initializer is
  // created and destroyed per request (see app/process_init.hpp).
  return auth::hex(auth::sha256(req.method + "\n" + req.path + "\n" + req.body));
}

namespace {

// Keys whose abandon() failed (the database went away mid-request): retried
// before the next idempotent request, so the client's retry of that very
// key finds it free instead of "in progress" until it goes stale.
class PendingAbandons {
public:
  void add(std::string scope, std::string key, std::string resource) {
    std::lock_guard lock(mutex_);
    if (pending_.size() < 10000) pending_.push_back({std::move(scope), std::move(key), std::move(resource)});
    any_ = true;
  }
  void flush(core::IdempotencyStore &repo) {
    if (!any_.load(std::memory_order_relaxed)) return;
    std::vector<Entry> todo;
    {
      std::lock_guard lock(mutex_);
      todo.swap(pending_);
      any_ = false;
    }
    for (size_t i = 0; i < todo.size(); ++i) {
      try {
        repo.abandon(todo[i].scope, todo[i].key, todo[i].resource);
      } catch (const std::exception &) { // still away: keep the rest for later
        for (size_t j = i; j < todo.size(); ++j)
          add(std::move(todo[j].scope), std::move(todo[j].key), std::move(todo[j].resource));
        return;
      }
    }
  }

private:
  struct Entry {
    std::string scope, key, resource;
  };
  std::mutex mutex_;
  std::vector<Entry> pending_;
  std::atomic<bool> any_{false};
};

PendingAbandons &pendingAbandons() {
  static PendingAbandons instance;
  return instance;
}

void abandonOrRemember(core::IdempotencyStore &repo, const std::string &scope, const std::string &key,
                       const std::string &resource) {
  try {
    repo.abandon(scope, key, resource);
  } catch (const std::exception &e) {
    log::warn("idempotency key not released (the database is away); will retry", {{"key", key}, {"error", e.what()}});
    pendingAbandons().add(scope, key, resource);
  }
}

http::Response replayed(http::Response r) {
  r.headers.emplace_back("Idempotent-Replayed", "true");
  return r;
}

} // namespace

http::Response idempotent(app::AppContext &ctx, const http::Request &req, const auth::Principal &p,
                          const Json::Value *body, bool required, const std::function<http::Response()> &work) {
  return idempotentCreate(
      ctx, req, p, body, required, [&](const std::string &) { return work(); }, RecoverEarlier{});
}

http::Response idempotentCreate(app::AppContext &ctx, const http::Request &req, const auth::Principal &p,
                                const Json::Value *body, bool required,
                                const std::function<http::Response(const std::string &resource_id)> &work,
                                const RecoverEarlier &recover) {
  std::string key = req.header("idempotency-key");
  if (key.empty() && body != nullptr && (*body)["idempotencyKey"].isString())
    key = (*body)["idempotencyKey"].asString();
  std::string resource = core::newId();
  if (key.empty()) {
    if (required) throw http::ApiError("invalid_argument", "an Idempotency-Key header or idempotencyKey is required");
    return work(resource);
  }
  if (key.size() > 200) throw http::ApiError("invalid_argument", "Idempotency-Key: at most 200 characters");
  // Stored and compared as text (PostgreSQL refuses other bytes): a header's raw bytes must be UTF-8 too.
  if (!http::validUtf8(key)) throw http::ApiError("invalid_argument", "Idempotency-Key: must be UTF-8 text");
  const std::string scope = std::string(auth::roleName(p.role)) + ":" + p.subject;
  const std::string hash = requestHash(req);
  auto &repo = ctx.core->idempotency();
  pendingAbandons().flush(repo);
  auto begun = repo.begin(scope, key, hash, resource);
  using Kind = core::IdempotencyBegin::Kind;
  if (begun.kind == Kind::mismatch)
    throw http::ApiError("idempotency_mismatch", "Idempotency-Key " + key + " was used with another request");
  if (begun.kind == Kind::in_progress && recover && !begun.resource_id.empty()) {
    Earlier earlier = recover(begun.resource_id, begun.age_ms);
    if (earlier.kind == Earlier::Kind::done) {
      repo.complete(
          scope, key, begun.resource_id,
          core::StoredResponse{earlier.response.status, earlier.response.body, earlier.response.content_type});
      return replayed(std::move(earlier.response));
    }
    if (earlier.kind == Earlier::Kind::undone && repo.takeOver(scope, key, begun.resource_id, resource)) {
      log::info("idempotency key taken over from an owner that is gone",
                {{"key", key}, {"was", begun.resource_id}, {"now", resource}});
      begun.kind = Kind::owner;
    }
  }
  if (begun.kind == Kind::owner && recover && !begun.resource_id.empty()) {
    // The key had gone stale and is ours now: its earlier resource may still
    // have been finished before its owner died.
    Earlier earlier = recover(begun.resource_id, begun.age_ms);
    if (earlier.kind == Earlier::Kind::done) {
      repo.complete(
          scope, key, resource,
          core::StoredResponse{earlier.response.status, earlier.response.body, earlier.response.content_type});
      return replayed(std::move(earlier.response));
    }
  }
  if (begun.kind == Kind::in_progress) {
    http::ApiError busy("conflict", "a request with Idempotency-Key " + key + " is still in progress");
    busy.headers.emplace_back("Retry-After", "1");
    throw busy;
  }
  if (begun.kind == Kind::replay) {
    http::Response r;
    r.status = begun.response->status;
    r.body = begun.response->body;
    r.content_type = begun.response->content_type;
    return replayed(std::move(r));
  }
  http::Response response;
  try {
    response = work(resource);
  } catch (const OutcomeInDoubt &) {
    throw; // the key keeps naming the resource: the retry finds out what became of it
  } catch (...) {
    abandonOrRemember(repo, scope, key, resource); // failed before any lasting side effect: the client may retry
    throw;
  }
  if (response.status >= 200 && response.status < 300)
    repo.complete(scope, key, resource, core::StoredResponse{response.status, response.body, response.content_type});
  else
    abandonOrRemember(repo, scope, key, resource);
  return response;
}

} // namespace orders::host::handlers
