// Reading and changing orders.
#include "handlers/order_handlers.hpp"

#include <Poco/DateTimeParser.h>

#include <set>

#include "domain/order.hpp"
#include "handlers/request_support.hpp"
#include "http/api_schemas.hpp"
#include "http/json_body.hpp"
#include "orders/sdk/json.hpp"

namespace orders::host::handlers {

namespace {

int64_t parseTime(const std::string &name, const std::string &text) {
  Poco::DateTime dt;
  int tzd = 0;
  if (!Poco::DateTimeParser::tryParse(text, dt, tzd))
    throw http::ApiError("invalid_argument", name + ": expected an RFC 3339 date-time, got '" + text + "'",
                         {{"/" + name, "must be an RFC 3339 date-time"}});
  return dt.timestamp().epochMicroseconds() / 1000 - static_cast<int64_t>(tzd) * 1000;
}

std::optional<std::string> query(const http::Request &req, const std::string &name) {
  auto it = req.query_params.find(name);
  if (it == req.query_params.end() || it->second.empty()) return std::nullopt;
  return it->second;
}

// `paged`: a dialect's list, which may also ask for offset, search and total.
core::OrderFilter filterFrom(const http::Request &req, bool paged = false) {
  static const std::set<std::string> kKnown = {"userId",    "sellerId", "status", "createdFrom",
                                               "createdTo", "cursor",   "limit"};
  static const std::set<std::string> kPaged = {"offset", "search", "total"};
  for (const auto &[k, v] : req.query_params)
    if (!kKnown.count(k) && !(paged && kPaged.count(k)))
      throw http::ApiError("invalid_argument", "unknown query parameter " + k, {{"/" + k, "unknown parameter"}});
  core::OrderFilter f;
  f.user_id = query(req, "userId");
  f.seller_id = query(req, "sellerId");
  f.status = query(req, "status");
  if (f.status && !core::statusFromName(*f.status))
    throw http::ApiError("invalid_argument", "status: unknown status " + *f.status, {{"/status", "unknown status"}});
  if (auto v = query(req, "createdFrom")) f.created_from_ms = parseTime("createdFrom", *v);
  if (auto v = query(req, "createdTo")) f.created_to_ms = parseTime("createdTo", *v);
  if (auto v = query(req, "limit")) {
    try {
      f.limit = std::stoi(*v);
    } catch (...) {
      f.limit = -1;
    }
    if (f.limit < 1 || f.limit > 100)
      throw http::ApiError("invalid_argument", "limit: must be 1..100", {{"/limit", "must be between 1 and 100"}});
  }
  if (auto v = query(req, "cursor")) {
    const auto dot = v->find('.');
    try {
      if (dot == std::string::npos) throw std::invalid_argument("no dot");
      f.after = std::make_pair(std::stoll(v->substr(0, dot)), v->substr(dot + 1));
    } catch (...) {
      throw http::ApiError("invalid_argument", "cursor: not a cursor returned by this API", {{"/cursor", "invalid"}});
    }
  }
  if (auto v = query(req, "offset")) {
    try {
      f.offset = std::stoi(*v);
    } catch (...) {
      f.offset = -1;
    }
    if (f.offset < 0 || f.offset > 1000000)
      throw http::ApiError("invalid_argument", "offset: must be 0..1000000", {{"/offset", "must be 0..1000000"}});
  }
  if (auto v = query(req, "search")) f.search = *v;
  return f;
}

http::Response page(app::AppContext &ctx, const core::OrderFilter &filter, bool with_total = false) {
  core::OrderFilter probe = filter;
  probe.limit = filter.limit + 1; // one more tells whether a next page exists
  auto rows = ctx.core->orders().list(probe);
  Json::Value items(Json::arrayValue);
  for (size_t i = 0; i < rows.size() && i < static_cast<size_t>(filter.limit); ++i)
    items.append(core::orderJson(rows[i]));
  Json::Value out(Json::objectValue);
  out["items"] = items;
  if (rows.size() > static_cast<size_t>(filter.limit)) {
    const auto &last = rows[filter.limit - 1];
    out["nextCursor"] = std::to_string(last.created_at_ms) + "." + last.id;
  } else {
    out["nextCursor"] = Json::Value(Json::nullValue);
  }
  if (with_total) out["total"] = static_cast<Json::Int64>(ctx.core->orders().count(filter));
  return http::Response::json(200, out);
}

std::string actorOf(const auth::Principal &p) { return std::string(auth::roleName(p.role)) + ":" + p.subject; }

} // namespace

namespace {
http::Response listFor(app::AppContext &ctx, http::Request &req, bool paged) {
  const auth::Principal p = requirePrincipal(ctx, req);
  core::OrderFilter f = filterFrom(req, paged);
  // Buyers see their own orders, sellers those of their seller id, whatever they ask.
  if (p.role == auth::Role::buyer) {
    if (f.user_id && *f.user_id != p.subject)
      throw http::ApiError("forbidden", "buyers can list only their own orders");
    f.user_id = p.subject;
  } else if (p.role == auth::Role::seller) {
    const std::string seller = p.seller_id.value_or(p.subject);
    if (f.seller_id && *f.seller_id != seller) throw http::ApiError("forbidden", "sellers can list only their orders");
    f.seller_id = seller;
  }
  return page(ctx, f, paged && req.query_params.count("total") && req.query_params.at("total") == "true");
}
} // namespace

http::Response listOrders(app::AppContext &ctx, http::Request &req) { return listFor(ctx, req, false); }

http::Response listOrdersPaged(app::AppContext &ctx, http::Request &req) { return listFor(ctx, req, true); }

http::Response adminListOrders(app::AppContext &ctx, http::Request &req) {
  requireRole(requirePrincipal(ctx, req), {auth::Role::admin});
  return page(ctx, filterFrom(req));
}

namespace {
// The order `id` as GET /api/orders/:id answers it, rendered once per change
// of its rows (core/order_view_cache.hpp); not_found names `asked`.
http::Response renderedOrder(app::AppContext &ctx, const auth::Principal &p, const std::optional<std::string> &id,
                             const std::string &asked) {
  std::optional<core::RenderedOrder> shown;
  if (id)
    shown = ctx.core->orders().rendered(
        *id, [](const core::OrderView &view) { return orders::sdk::writeJson(orderViewJson(view)); });
  if (!shown || !maySee(p, shown->user_id, shown->seller_id))
    throw http::ApiError("not_found", "order " + asked + " not found");
  http::Response r;
  r.body = *shown->body;
  return r;
}
} // namespace

http::Response getOrder(app::AppContext &ctx, http::Request &req) {
  const auth::Principal p = requirePrincipal(ctx, req);
  const std::string &id = req.param("id");
  return renderedOrder(ctx, p, id, id);
}

http::Response adminGetOrder(app::AppContext &ctx, http::Request &req) {
  const auth::Principal p = requirePrincipal(ctx, req);
  requireRole(p, {auth::Role::admin});
  core::OrderView view = visibleOrder(ctx, p, req.param("id"));
  Json::Value out = orderViewJson(view);
  Json::Value payments(Json::arrayValue);
  for (const auto &pay : view.payments)
    payments.append(paymentJson(pay));
  out["payments"] = payments;
  return http::Response::json(200, out);
}

http::Response getOrderByNumber(app::AppContext &ctx, http::Request &req) {
  const auth::Principal p = requirePrincipal(ctx, req);
  const std::string &number = req.param("orderNumber");
  return renderedOrder(ctx, p, ctx.core->orders().idByNumber(number), number);
}

// Dialects only (core op getByNumericId): no canonical route serves it.
http::Response getOrderByNumericId(app::AppContext &ctx, http::Request &req) {
  const auth::Principal p = requirePrincipal(ctx, req);
  const std::string &text = req.param("numericId");
  int64_t seq = 0;
  try {
    size_t used = 0;
    seq = std::stoll(text, &used);
    if (used != text.size()) seq = 0;
  } catch (...) {
    seq = 0;
  }
  if (seq <= 0)
    throw http::ApiError("invalid_argument", "numericId: must be a positive integer, got '" + text + "'",
                         {{"/numericId", "must be a positive integer"}});
  return renderedOrder(ctx, p, ctx.core->orders().idByNumericId(seq), text);
}

http::Response orderHistory(app::AppContext &ctx, http::Request &req) {
  const auth::Principal p = requirePrincipal(ctx, req);
  const core::OrderView view = visibleOrder(ctx, p, req.param("id"));
  Json::Value items(Json::arrayValue);
  for (const auto &h : ctx.core->orders().history(view.order.id)) {
    Json::Value e(Json::objectValue);
    e["fromStatus"] = h.from_status ? Json::Value(*h.from_status) : Json::Value(Json::nullValue);
    e["toStatus"] = h.to_status;
    e["actor"] = h.actor;
    e["reason"] = h.reason ? Json::Value(*h.reason) : Json::Value(Json::nullValue);
    e["at"] = core::rfc3339(h.at_ms);
    items.append(e);
  }
  Json::Value out(Json::objectValue);
  out["orderId"] = view.order.id;
  out["items"] = items;
  return http::Response::json(200, out);
}

// The buyer's invoice (admins may fetch any): 404 to everyone else, 409
// before payment, 501 without an invoice plugin. The number is stable.
http::Response orderInvoice(app::AppContext &ctx, http::Request &req) {
  const auth::Principal p = requirePrincipal(ctx, req);
  const core::OrderView view = visibleOrder(ctx, p, req.param("id"));
  if (p.role != auth::Role::admin && view.order.user_id != p.subject)
    throw http::ApiError("not_found", "order " + view.order.id + " not found");
  auto doc = ctx.core->invoices().render(view);
  if (!doc.ok()) raise(doc.error());
  http::Response res = http::Response::text(200, std::move(doc->bytes), doc->contentType);
  res.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + doc->filename + "\"");
  res.headers.emplace_back("Cache-Control", "private, no-store");
  return res;
}

http::Response retryPayment(app::AppContext &ctx, http::Request &req) {
  const auth::Principal p = requirePrincipal(ctx, req);
  const core::OrderView view = visibleOrder(ctx, p, req.param("id"));
  if (p.role != auth::Role::admin && view.order.user_id != p.subject)
    throw http::ApiError("forbidden", "only the buyer may retry the payment");
  Json::Value body(Json::objectValue);
  if (!req.body.empty()) body = http::parseJsonBody(req, &http::apiSchema("retry-payment.request"));
  return idempotent(ctx, req, p, &body, false, [&] {
    auto result = ctx.core->orders().retryPayment(view.order.id, actorOf(p));
    if (!result.ok()) raise(result.error());
    return http::Response::json(200, orderViewJson(result.value()));
  });
}

// Dialects only (core op refreshPayment): asks the provider about the
// order's latest payment now; the buyer or an admin.
http::Response refreshPayment(app::AppContext &ctx, http::Request &req) {
  const auth::Principal p = requirePrincipal(ctx, req);
  const core::OrderView view = visibleOrder(ctx, p, req.param("id"));
  if (p.role != auth::Role::admin && view.order.user_id != p.subject)
    throw http::ApiError("forbidden", "only the buyer may confirm the payment");
  auto result = ctx.core->orders().refreshPayment(view.order.id);
  if (!result.ok()) raise(result.error());
  return http::Response::json(200, orderViewJson(result.value()));
}

http::Response cancelOrder(app::AppContext &ctx, http::Request &req) {
  const auth::Principal p = requirePrincipal(ctx, req);
  const core::OrderView view = visibleOrder(ctx, p, req.param("id"));
  Json::Value body(Json::objectValue);
  if (!req.body.empty()) body = http::parseJsonBody(req, &http::apiSchema("cancel.request"));
  if (p.role == auth::Role::seller) throw http::ApiError("forbidden", "sellers cannot cancel orders");
  const std::string reason = body["reason"].isString() ? body["reason"].asString() : "cancelled by " + actorOf(p);
  return idempotent(ctx, req, p, &body, false, [&] {
    if (p.role == auth::Role::buyer && !core::buyerMayCancel(view.order.status))
      throw http::ApiError("conflict", std::string("a buyer can cancel only before shipping; the order is ") +
                                           core::statusName(view.order.status));
    auto result = ctx.core->orders().cancel(view.order.id, actorOf(p), reason);
    if (!result.ok()) raise(result.error());
    return http::Response::json(200, orderViewJson(result.value()));
  });
}

namespace {
http::Response setStatusAs(app::AppContext &ctx, http::Request &req, const auth::Principal &p);
} // namespace

http::Response setStatus(app::AppContext &ctx, http::Request &req) {
  const auth::Principal p = requirePrincipal(ctx, req);
  requireRole(p, {auth::Role::admin, auth::Role::internal});
  return setStatusAs(ctx, req, p);
}

http::Response adminSetStatus(app::AppContext &ctx, http::Request &req) {
  const auth::Principal p = requirePrincipal(ctx, req);
  requireRole(p, {auth::Role::admin}); // /api/admin/* is for admins only
  return setStatusAs(ctx, req, p);
}

namespace {
http::Response setStatusAs(app::AppContext &ctx, http::Request &req, const auth::Principal &p) {
  const Json::Value body = http::parseJsonBody(req, &http::apiSchema("status.request"));
  std::string name = body.isMember("newStatus") ? body["newStatus"].asString() : body["status"].asString();
  auto to = core::statusFromName(name);
  if (!to)
    throw http::ApiError("invalid_argument", "newStatus: unknown status '" + name + "'",
                         {{"/newStatus", "must be a canonical status"}});
  const std::string id = visibleOrder(ctx, p, req.param("id")).order.id;
  const std::string reason = body["reason"].isString() ? body["reason"].asString() : "";
  return idempotent(ctx, req, p, &body, false, [&] {
    // A payments service retrying its "paid" call sends the same key: the inbox dedupes on it.
    std::string event_id = req.header("idempotency-key");
    if (event_id.empty())
      event_id = body["idempotencyKey"].isString() ? body["idempotencyKey"].asString() : "status:" + id + ":" + name;
    auto result = ctx.core->orders().changeStatus(id, *to, actorOf(p), reason, event_id);
    if (!result.ok()) raise(result.error());
    return http::Response::json(200, orderViewJson(result.value()));
  });
}
} // namespace

http::Response setShippingCost(app::AppContext &ctx, http::Request &req) {
  const auth::Principal p = requirePrincipal(ctx, req);
  requireRole(p, {auth::Role::admin, auth::Role::internal});
  const Json::Value body = http::parseJsonBody(req, &http::apiSchema("shipping-cost.request"));
  const std::string id = visibleOrder(ctx, p, req.param("id")).order.id;
  return idempotent(ctx, req, p, &body, false, [&] {
    auto result = ctx.core->orders().setShippingCost(id, body["shippingMinor"].asInt64(), actorOf(p));
    if (!result.ok()) raise(result.error());
    return http::Response::json(200, orderViewJson(result.value()));
  });
}

} // namespace orders::host::handlers
