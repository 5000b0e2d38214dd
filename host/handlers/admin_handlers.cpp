// GET /api/admin/outbox and the API documentation.
#include <fstream>
#include <sstream>

#include "handlers/order_handlers.hpp"
#include "handlers/request_support.hpp"
#include "orders/sdk/json.hpp"

namespace orders::host::handlers {

const char *embeddedOpenApi();

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

http::Response apiDocsSpec(app::AppContext &, http::Request &) {
  return http::Response::text(200, embeddedOpenApi(), "application/yaml; charset=utf-8");
}

http::Response apiDocsPage(app::AppContext &, http::Request &) {
  // A self-contained page: the spec, readable, no external scripts.
  std::string spec = embeddedOpenApi();
  std::string escaped;
  for (char c : spec) {
    if (c == '<')
      escaped += "&lt;";
    else if (c == '>')
      escaped += "&gt;";
    else if (c == '&')
      escaped += "&amp;";
    else
      escaped += c;
  }
  return http::Response::text(200,
                              "<!doctype html><html><head><meta charset=\"utf-8\"><title>Order Service API</title>"
                              "<style>body{font-family:sans-serif;margin:2em}pre{background:#f6f8fa;padding:1em;"
                              "overflow:auto}</style></head><body><h1>Order Service API</h1><p>OpenAPI 3 document: "
                              "<a href=\"/api-docs/openapi.yaml\">/api-docs/openapi.yaml</a></p><pre>" +
                                  escaped + "</pre></body></html>",
                              "text/html; charset=utf-8");
}

} // namespace orders::host::handlers
