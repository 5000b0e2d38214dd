#include "body_template.hpp"

#include <map>

#include "json_template.hpp"
#include "orders/sdk/money.hpp"

namespace orders::plugins::payment {

using namespace orders::sdk;

Json::Value fillCreateBody(const Json::Value &tpl, const PaymentRequest &r, int exponent,
                           const std::string &description) {
  orders::common::TemplateValues values;
  values["{orderId}"] = r.orderId;
  values["{orderNumber}"] = r.orderNumber;
  if (r.orderNumericId) values["{orderNumericId}"] = Json::Int64(*r.orderNumericId);
  if (r.userId) values["{userId}"] = *r.userId;
  values["{amountMinor}"] = Json::Int64(r.amount.amountMinor);
  const std::string major = orders::sdk::minorToMajor(r.amount.amountMinor, exponent);
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
  orders::common::TemplateLists lists;
  lists["$eachSeller"] = [&] { // one entry per seller of the order's lines ({sellerId}: "" for the house brand)
    std::map<std::string, int64_t> by_seller;
    for (const LineItem &li : r.items)
      by_seller[li.sellerId.value_or("")] += li.lineTotal.amountMinor;
    std::vector<orders::common::TemplateValues> out;
    for (const auto &[seller, minor] : by_seller) {
      const std::string seller_major = orders::sdk::minorToMajor(minor, exponent);
      out.push_back({{"{sellerId}", seller},
                     {"{sellerAmountMinor}", Json::Int64(minor)},
                     {"{sellerAmountMajor}", seller_major.find('.') == std::string::npos
                                                 ? Json::Value(Json::Int64(std::stoll(seller_major)))
                                                 : Json::Value(std::stod(seller_major))}});
    }
    return out;
  };
  return orders::common::fillJsonTemplate(tpl, values, lists);
}

} // namespace orders::plugins::payment
