// GET /api/admin/outbox; POST /api/admin/reload.
#include <fstream>
#include <sstream>

#include "handlers/config_reload.hpp"
#include "handlers/order_handlers.hpp"
#include "handlers/request_support.hpp"
#include "orders/sdk/json.hpp"

namespace orders::host::handlers {

http::Response adminOutbox(app::AppContext &ctx, http::Request &req) {
  requireRole(requirePrincipal(ctx, req), {auth::Role::admin});
  int64_t after = 0;
  int limit = 50;
  try {
    if (req.query_params.count("after")) after = std::stoll(req.query_params.at("after"));
    if (req.query_params.count("limit")) limit = std::stoi(req.query_params.at("limit"));
  } catch (...) {
    throw http::ApiError("invalid_argument", "after and limit must be integers");
  }
  if (limit < 1 || limit > 500) throw http::ApiError("invalid_argument", "limit: must be 1..500");
  const bool unpublished = req.query_params.count("unpublished") && req.query_params.at("unpublished") == "true";
  std::optional<std::string> order;
  if (req.query_params.count("orderId")) order = req.query_params.at("orderId");
  const std::vector<core::OutboxRow> rows = ctx.core->outboxPage(after, limit, unpublished, order);
  Json::Value items(Json::arrayValue);
  for (const auto &r : rows) {
    Json::Value e(Json::objectValue);
    e["id"] = static_cast<Json::Int64>(r.id);
    e["eventId"] = r.event_id;
    e["type"] = r.event_type;
    e["orderId"] = r.aggregate_id;
    e["createdAt"] = core::rfc3339(r.created_at_ms);
    e["publishedAt"] = r.published_at_ms ? Json::Value(core::rfc3339(*r.published_at_ms)) : Json::Value();
    if (r.parked_error) e["parkedError"] = *r.parked_error; // never published: the relay cannot encode it
    e["event"] = sdk::parseJson(r.payload);
    items.append(e);
  }
  Json::Value out(Json::objectValue);
  out["items"] = items;
  out["nextAfter"] =
      rows.size() == static_cast<size_t>(limit) ? Json::Value(static_cast<Json::Int64>(rows.back().id)) : Json::Value();
  return http::Response::json(200, out);
}

http::Response adminReload(app::AppContext &ctx, http::Request &req) {
  requireRole(requirePrincipal(ctx, req), {auth::Role::admin});
  auto reloaded = reloadConfig(ctx);
  if (!reloaded.ok()) throw http::toApiError(reloaded.error());
  Json::Value out(Json::objectValue);
  out["generation"] = static_cast<Json::UInt64>(reloaded->generation);
  out["replaced"] = Json::Value(Json::arrayValue);
  for (const std::string &r : reloaded->replaced)
    out["replaced"].append(r);
  out["logLevelChanged"] = reloaded->log_level_changed;
  return http::Response::json(200, out);
}

} // namespace orders::host::handlers
