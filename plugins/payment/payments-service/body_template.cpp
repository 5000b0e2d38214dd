#include "body_template.hpp"

#include <functional>
#include <map>

#include "decimal_money.hpp"
#include "http_util.hpp"

namespace orders::plugins::payment {

using namespace orders::sdk;

Json::Value fillCreateBody(const Json::Value &tpl, const PaymentRequest &r, int exponent,
                           const std::string &description) {
  std::map<std::string, Json::Value> values;
  values["{orderId}"] = r.orderId;
  values["{orderNumber}"] = r.orderNumber;
  if (r.userId) values["{userId}"] = *r.userId;
  values["{amountMinor}"] = Json::Int64(r.amount.amountMinor);
  const std::string major = orders::common::minorToMajor(r.amount.amountMinor, exponent);
  values["{amountMajor}"] = major.find('.') == std::string::npos ? Json::Value(Json::Int64(std::stoll(major)))
                                                                 : Json::Value(std::stod(major));
  values["{amountMajorText}"] = major;
  values["{currency}"] = r.amount.currency;
  values["{idempotencyKey}"] = r.idempotencyKey;
  values["{attempt}"] = Json::Int64(r.attempt);
  values["{description}"] = description;
  if (r.customer) {
    if (r.customer->email) values["{customerEmail}"] = *r.customer->email;
    if (r.customer->name) values["{customerName}"] = *r.customer->name;
    if (r.customer->phone) values["{customerPhone}"] = *r.customer->phone;
  }
  std::function<Json::Value(const Json::Value &)> walk = [&](const Json::Value &v) -> Json::Value {
    if (v.isObject() && v.size() == 1 && v.isMember("$eachSeller")) {
      // One entry per seller of the order's lines ({sellerId}: "" for the house brand).
      std::map<std::string, int64_t> by_seller;
      for (const LineItem &li : r.items)
        by_seller[li.sellerId.value_or("")] += li.lineTotal.amountMinor;
      Json::Value list(Json::arrayValue);
      for (const auto &[seller, minor] : by_seller) {
        values["{sellerId}"] = seller;
        values["{sellerAmountMinor}"] = Json::Int64(minor);
        const std::string seller_major = orders::common::minorToMajor(minor, exponent);
        values["{sellerAmountMajor}"] = seller_major.find('.') == std::string::npos
                                            ? Json::Value(Json::Int64(std::stoll(seller_major)))
                                            : Json::Value(std::stod(seller_major));
        list.append(walk(v["$eachSeller"]));
      }
      for (const char *k : {"{sellerId}", "{sellerAmountMinor}", "{sellerAmountMajor}"})
        values.erase(k);
      return list;
    }
    if (v.isObject()) {
      Json::Value out(Json::objectValue);
      for (const std::string &k : v.getMemberNames()) {
        const Json::Value &child = v[k];
        if (child.isString() && child.asString().size() > 2 && child.asString().front() == '{' &&
            child.asString().back() == '}' && child.asString().find('{', 1) == std::string::npos) {
          auto it = values.find(child.asString());
          if (it != values.end()) out[k] = it->second; // else: an absent optional value, the key is dropped
          continue;
        }
        out[k] = walk(child);
      }
      return out;
    }
    if (v.isArray()) {
      Json::Value out(Json::arrayValue);
      for (const Json::Value &e : v)
        out.append(walk(e));
      return out;
    }
    if (v.isString()) {
      std::string text = v.asString();
      for (const auto &[k, value] : values)
        text = replaceAll(text, k, value.isString() ? value.asString() : writeJson(value));
      return text;
    }
    return v;
  };
  return walk(tpl);
}

} // namespace orders::plugins::payment
