// JSON body templates for neighbours whose request bodies differ from a
// plugin's own (payments-service create_body, shipping-service create_body).
//
//   - a string that is exactly one placeholder ("{orderId}") becomes the
//     typed value (numbers stay numbers); when the value is absent (an
//     optional field the request lacks) the member is left out;
//   - placeholders inside longer strings are replaced as text;
//   - an object with a single member named by `lists` ({"$eachLine": tpl})
//     becomes an array: tpl filled once per entry the list gives, each entry
//     adding its own placeholders to the outer ones.
//
// Header-only, no Poco: shared by in-tree plugins. Thread-safety: pure.
#pragma once

#include <json/json.h>

#include <functional>
#include <map>
#include <string>
#include <vector>

namespace orders::common {

using TemplateValues = std::map<std::string, Json::Value>; // "{name}" -> value
using TemplateLists = std::map<std::string, std::function<std::vector<TemplateValues>()>>;

namespace json_template_detail {

inline std::string text(const Json::Value &v) {
  if (v.isString()) return v.asString();
  Json::StreamWriterBuilder w;
  w["indentation"] = "";
  return Json::writeString(w, v);
}

inline bool wholePlaceholder(const std::string &s) {
  return s.size() > 2 && s.front() == '{' && s.back() == '}' && s.find('{', 1) == std::string::npos;
}

inline Json::Value walk(const Json::Value &v, const TemplateValues &values, const TemplateLists &lists) {
  if (v.isObject() && v.size() == 1 && lists.count(v.getMemberNames().front())) {
    const std::string name = v.getMemberNames().front();
    Json::Value out(Json::arrayValue);
    for (const TemplateValues &entry : lists.at(name)()) {
      TemplateValues merged = values;
      for (const auto &[k, value] : entry)
        merged[k] = value;
      out.append(walk(v[name], merged, lists));
    }
    return out;
  }
  if (v.isObject()) {
    Json::Value out(Json::objectValue);
    for (const std::string &k : v.getMemberNames()) {
      const Json::Value &child = v[k];
      if (child.isString() && wholePlaceholder(child.asString())) {
        auto it = values.find(child.asString());
        if (it != values.end()) out[k] = it->second; // else: an absent optional value, the key is dropped
        continue;
      }
      out[k] = walk(child, values, lists);
    }
    return out;
  }
  if (v.isArray()) {
    Json::Value out(Json::arrayValue);
    for (const Json::Value &e : v)
      out.append(walk(e, values, lists));
    return out;
  }
  if (v.isString()) {
    std::string s = v.asString();
    for (const auto &[k, value] : values) {
      const std::string with = text(value);
      for (size_t at = s.find(k); at != std::string::npos; at = s.find(k, at + with.size()))
        s.replace(at, k.size(), with);
    }
    return s;
  }
  return v;
}

} // namespace json_template_detail

inline Json::Value fillJsonTemplate(const Json::Value &tpl, const TemplateValues &values,
                                    const TemplateLists &lists = {}) {
  return json_template_detail::walk(tpl, values, lists);
}

} // namespace orders::common
