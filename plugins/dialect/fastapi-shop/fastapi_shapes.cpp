#include "fastapi_shapes.hpp"

#include "orders/sdk/json.hpp"

namespace orders::plugins::dialect::fastapi_shop {

using namespace orders::sdk;

namespace {

std::string scalar(const Json::Value &v, PyStyle style) {
  Json::StreamWriterBuilder w;
  w["indentation"] = "";
  w["emitUTF8"] = style == PyStyle::starlette;
  return Json::writeString(w, v);
}

void dump(const PyValue &value, PyStyle style, std::string &out) {
  const char *comma = style == PyStyle::dumps ? ", " : ",";
  const char *colon = style == PyStyle::dumps ? ": " : ":";
  if (const auto *object = std::get_if<PyObject>(&value.v)) {
    out += '{';
    for (size_t i = 0; i < object->size(); ++i) {
      if (i > 0) out += comma;
      out += scalar(Json::Value((*object)[i].first), style);
      out += colon;
      dump((*object)[i].second, style, out);
    }
    out += '}';
  } else if (const auto *list = std::get_if<PyList>(&value.v)) {
    out += '[';
    for (size_t i = 0; i < list->size(); ++i) {
      if (i > 0) out += comma;
      dump((*list)[i], style, out);
    }
    out += ']';
  } else {
    const Json::Value &v = std::get<Json::Value>(value.v);
    if (v.isObject() || v.isArray()) { // a plain JsonCpp container: sorted keys, Python separators
      PyValue converted = v.isArray() ? PyValue(PyList{}) : PyValue(PyObject{});
      if (v.isArray()) {
        auto &l = std::get<PyList>(converted.v);
        for (const Json::Value &e : v)
          l.emplace_back(e);
      } else {
        auto &o = std::get<PyObject>(converted.v);
        for (const std::string &k : v.getMemberNames())
          o.emplace_back(k, v[k]);
      }
      dump(converted, style, out);
    } else {
      out += scalar(v, style);
    }
  }
}

} // namespace

std::string pyJson(const PyValue &value, PyStyle style) {
  std::string out;
  dump(value, style, out);
  return out;
}

DialectResponse reply(int64_t status, const PyValue &body) {
  DialectResponse r;
  r.status = status;
  r.contentType = "application/json";
  r.body = pyJson(body, PyStyle::starlette);
  return r;
}

DialectResponse detail(int64_t status, const std::string &message) {
  return reply(status, PyObject{{"detail", Json::Value(message)}});
}

DialectResponse unprocessable(const std::vector<FieldError> &errors) {
  PyList list;
  for (const FieldError &e : errors) {
    PyList loc;
    for (const Json::Value &l : e.loc)
      loc.emplace_back(l);
    list.emplace_back(PyObject{
        {"type", Json::Value(e.type)}, {"loc", std::move(loc)}, {"msg", Json::Value(e.msg)}, {"input", e.input}});
  }
  return reply(422, PyObject{{"detail", std::move(list)}});
}

Json::Value productId(const Json::Value &id, bool numeric) {
  if (!numeric || !id.isString()) return id;
  const std::string s = id.asString();
  if (s.empty() || s.size() > 18 || s.find_first_not_of("0123456789") != std::string::npos ||
      (s.size() > 1 && s[0] == '0'))
    return id;
  return Json::Value(static_cast<Json::Int64>(std::stoll(s)));
}

} // namespace orders::plugins::dialect::fastapi_shop
