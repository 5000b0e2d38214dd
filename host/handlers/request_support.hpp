// What every order handler needs: who is calling (auth), may they (roles,
// ownership), the order as JSON, and idempotent execution of state changes.
#pragma once

#include <functional>
#include <initializer_list>
#include <string>

#include "auth/authenticator.hpp"
#include "core/order_service.hpp"
#include "handlers/app_context.hpp"
#include "http/api_error.hpp"
#include "http/request.hpp"

namespace orders::host::handlers {

// The caller, or 401 (no or bad credentials).
auth::Principal requirePrincipal(app::AppContext &ctx, const http::Request &req);
// 403 unless the principal has one of `roles`.
void requireRole(const auth::Principal &p, std::initializer_list<auth::Role> roles);
// True when `p` may see `order` (owner, its seller, admin, internal).
bool maySee(const auth::Principal &p, const core::Order &order);
// The same for an order of `user_id` and `seller_id`.
bool maySee(const auth::Principal &p, const std::string &user_id, const std::optional<std::string> &seller_id);
// The order (404 when absent or not visible to `p`: no existence leak).
core::OrderView visibleOrder(app::AppContext &ctx, const auth::Principal &p, const std::string &id);

Json::Value orderViewJson(const core::OrderView &view);
Json::Value paymentJson(const core::Payment &p);

// Throws the ApiError for a failed core call.
[[noreturn]] void raise(const sdk::Error &error);

// Hex SHA-256 of the request's method, path and body: what an
// Idempotency-Key is bound to. Safe from any number of threads.
std::string requestHash(const http::Request &req);

// Runs `work` at most once per (principal, Idempotency-Key or body
// idempotencyKey). Replays return the stored response with
// `Idempotent-Replayed: true`; same key + other body is 422; same key while
// the first runs is 409. Error responses are not stored (every failure path
// of the core leaves no side effect behind), so the client may retry.
http::Response idempotent(app::AppContext &ctx, const http::Request &req, const auth::Principal &p,
                          const Json::Value *body, bool required, const std::function<http::Response()> &work);

// Thrown by idempotentCreate's `work` when its resource may exist although
// the request failed (created, then its answer could not be read back): the
// key stays in progress, so a retry asks `recover` instead of creating
// another.
class OutcomeInDoubt : public http::ApiError {
public:
  using http::ApiError::ApiError;
};

// What became of an earlier owner's resource, for a key still in progress.
struct Earlier {
  enum class Kind {
    running, // still being made (or not yet undone by the sweeps): 409, retry later
    done,    // finished: `response` is what the owner would have answered
    undone,  // never made, or undone: the retry takes the key over
  } kind = Kind::running;
  http::Response response;
};
using RecoverEarlier = std::function<Earlier(const std::string &resource_id, int64_t age_ms)>;

// The same for work that creates one resource (a checkout): `work` gets the
// id to create it with, stored with the key; a retry whose key is still in
// progress asks `recover` about that id instead of answering 409 until the
// key goes stale, so a client is answered within seconds after its replica
// died or the database went away mid-request.
http::Response idempotentCreate(app::AppContext &ctx, const http::Request &req, const auth::Principal &p,
                                const Json::Value *body, bool required,
                                const std::function<http::Response(const std::string &resource_id)> &work,
                                const RecoverEarlier &recover);

} // namespace orders::host::handlers
