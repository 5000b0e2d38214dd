#include "go_orders_shapes.hpp"

#include <algorithm>
#include <cctype>

#include "orders/sdk/dialect_support.hpp"
#include "orders/sdk/json.hpp"

namespace orders::plugins::dialect::go_orders {

using namespace orders::sdk;

DialectResponse reply(int64_t status, const Json::Value &body) { return jsonResponse(status, body); }

DialectResponse error(int64_t status, const std::string &message) { return jsonError(status, message); }

std::string detailOf(const CoreAnswer &a) { return problemDetail(a); }

// Go's RFC3339Nano: fractional seconds without trailing zeros ("...30.5Z", "...30Z").
std::string goTime(const std::string &rfc3339) {
  const size_t dot = rfc3339.find('.');
  if (dot == std::string::npos || rfc3339.empty() || rfc3339.back() != 'Z') return rfc3339;
  std::string fraction = rfc3339.substr(dot + 1, rfc3339.size() - dot - 2);
  while (!fraction.empty() && fraction.back() == '0')
    fraction.pop_back();
  return rfc3339.substr(0, dot) + (fraction.empty() ? "" : "." + fraction) + "Z";
}

std::string accountType(const std::optional<CallerPrincipal> &p) {
  if (!p) return "";
  std::string role = p->role;
  std::transform(role.begin(), role.end(), role.begin(), [](unsigned char c) { return std::toupper(c); });
  return role;
}

std::string param(const DialectRequest &r, const std::string &name) { return pathParam(r, name); }

std::string word(const std::map<std::string, std::string> &map, const std::string &core_word) {
  auto it = map.find(core_word);
  if (it != map.end()) return it->second;
  std::string upper = core_word;
  std::transform(upper.begin(), upper.end(), upper.begin(), [](unsigned char c) { return std::toupper(c); });
  return upper;
}

// The Go OrderResponse of a canonical order view; a seller sees its own lines only.
Json::Value orderResponse(const Json::Value &o, const std::optional<CallerPrincipal> &p,
                          const std::map<std::string, std::string> &statuses,
                          const std::map<std::string, std::string> &shipment_statuses,
                          const std::optional<std::string> &confirmed_at) {
  const bool seller = p && p->role == "seller";
  Json::Value j(Json::objectValue);
  j["id"] = o["id"];
  j["buyer_id"] = o["userId"];
  j["status"] = word(statuses, o["status"].asString());
  j["total_cents"] = o["totalMinor"];
  j["currency"] = o["currency"];
  if (o["payment"].isObject() && o["payment"]["reference"].isString()) j["payment_id"] = o["payment"]["reference"];
  j["refund_status"] = o["status"].asString() == "refunded" ? "FULL" : "NONE";
  Json::Value items(Json::arrayValue);
  for (const Json::Value &i : o["items"]) {
    const std::string seller_id = i["sellerId"].isString() ? i["sellerId"].asString() : "";
    if (seller && seller_id != p->subject) continue;
    Json::Value it(Json::objectValue);
    it["id"] = Json::Value(Json::nullValue); // the core has no item ids
    it["product_id"] = i["productId"];
    it["sku"] = i["title"];
    it["seller_id"] = seller_id;
    it["quantity"] = i["quantity"];
    it["price_cents"] = i["unitPriceMinor"];
    it["currency"] = i["currency"].isString() ? i["currency"] : o["currency"];
    items.append(it);
  }
  j["items"] = items;
  Json::Value shipments(Json::arrayValue);
  for (const Json::Value &s : o["shipments"]) {
    const std::string seller_id = s["sellerId"].isString() ? s["sellerId"].asString() : "";
    if (seller && seller_id != p->subject) continue;
    Json::Value sj(Json::objectValue);
    sj["id"] = s["id"];
    sj["seller_id"] = seller_id;
    sj["status"] = word(shipment_statuses, s["status"].asString());
    if (s["trackingNumber"].isString()) sj["tracking_number"] = s["trackingNumber"];
    if (s["carrier"].isString()) sj["carrier"] = s["carrier"];
    shipments.append(sj);
  }
  j["shipments"] = shipments;
  j["created_at"] = goTime(o["createdAt"].asString());
  if (confirmed_at) j["confirmed_at"] = goTime(*confirmed_at);
  return j;
}

} // namespace orders::plugins::dialect::go_orders
