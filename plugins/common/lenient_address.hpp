// Addresses as Node/JS shop clients send them, read into the canonical
// address shape: the member names such services commonly use are accepted
// (line1|street|addressLine1|address1, line2|addressLine2|address2, city,
// region|state|province, postalCode|zipCode|zip|postcode,
// country|countryCode, name|fullName|recipientName, phone|phoneNumber).
// Used by dialects whose seeds document no exact address shape.
//
// Header-only, JsonCpp only. Thread-safety: pure.
#pragma once

#include <json/json.h>

#include <initializer_list>
#include <optional>
#include <string>

namespace orders::common {

namespace address_detail {
inline const Json::Value *firstOf(const Json::Value &in, std::initializer_list<const char *> names) {
  for (const char *n : names)
    if (in.isMember(n) && !in[n].isNull()) return &in[n];
  return nullptr;
}
} // namespace address_detail

// The canonical address of `in`; nullopt with `why` ("<at>.<member> is
// required", "... must be a string") when unusable.
inline std::optional<Json::Value> lenientAddress(const Json::Value &in, const std::string &at, std::string &why) {
  if (!in.isObject()) {
    why = at + " must be an object";
    return std::nullopt;
  }
  Json::Value out(Json::objectValue);
  const struct {
    const char *to;
    std::initializer_list<const char *> from;
    bool required;
  } fields[] = {{"line1", {"line1", "street", "addressLine1", "address1"}, true},
                {"line2", {"line2", "addressLine2", "address2"}, false},
                {"city", {"city"}, true},
                {"region", {"region", "state", "province"}, false},
                {"postalCode", {"postalCode", "zipCode", "zip", "postcode"}, false},
                {"country", {"country", "countryCode"}, true},
                {"name", {"name", "fullName", "recipientName"}, false},
                {"phone", {"phone", "phoneNumber"}, false}};
  for (const auto &f : fields) {
    const Json::Value *v = address_detail::firstOf(in, f.from);
    if (v == nullptr || (v->isString() && v->asString().empty())) {
      if (f.required) {
        why = at + "." + *f.from.begin() + " is required";
        return std::nullopt;
      }
      continue;
    }
    if (!v->isString()) {
      why = at + "." + *f.from.begin() + " must be a string";
      return std::nullopt;
    }
    out[f.to] = v->asString();
  }
  return out;
}

} // namespace orders::common
