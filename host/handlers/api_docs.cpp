// The API reference: /api-docs (a page Redoc renders in the browser),
// /api-docs/redoc.standalone.js (Redoc itself, built into the binary) and
// the OpenAPI document as YAML and as JSON. Nothing is fetched from
// elsewhere: the page works on a machine with no network.
#include <charconv>
#include <cstdlib>
#include <string_view>

#include <yaml-cpp/yaml.h>

#include "handlers/order_handlers.hpp"
#include "orders/sdk/json.hpp"

// Redoc's standalone bundle, from the npm package packaging/web_assets.sh
// installs (never committed). The assembler includes the file as it is;
// ORDERS_REDOC_SHA256 (its digest, a compile definition) makes ccache and
// make see a changed bundle as a changed source.
#ifndef ORDERS_REDOC_BUNDLE
#error "ORDERS_REDOC_BUNDLE must name redoc.standalone.js (host/CMakeLists.txt sets it)"
#endif
asm(".section .rodata\n"
    ".balign 16\n"
    ".type orders_redoc_bundle_begin, @object\n"
    "orders_redoc_bundle_begin:\n"
    ".incbin \"" ORDERS_REDOC_BUNDLE "\"\n"
    "orders_redoc_bundle_end:\n"
    ".byte 0\n"
    ".previous\n");
extern "C" const char orders_redoc_bundle_begin[];
extern "C" const char orders_redoc_bundle_end[];
static_assert(sizeof(ORDERS_REDOC_SHA256) == 65, "ORDERS_REDOC_SHA256 is the bundle's SHA-256 in hex");

namespace orders::host::handlers {

const char *embeddedOpenApi();

namespace {

// YAML 1.2 core schema for plain scalars; quoted and block scalars, and
// any explicitly tagged one, stay strings.
Json::Value scalarToJson(const YAML::Node &node) {
  const std::string &s = node.Scalar();
  if (!node.Tag().empty() && node.Tag() != "?") return s;
  if (s == "true" || s == "True" || s == "TRUE") return true;
  if (s == "false" || s == "False" || s == "FALSE") return false;
  if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL") return Json::Value();
  const char *begin = s.data();
  const char *end = begin + s.size();
  Json::Int64 whole = 0;
  if (auto [p, ec] = std::from_chars(begin, end, whole); ec == std::errc() && p == end) return whole;
  const bool numeric =
      s.find_first_not_of("0123456789+-.eE") == std::string::npos && s.find_first_of("0123456789") != std::string::npos;
  if (numeric) {
    char *stop = nullptr;
    const double d = std::strtod(begin, &stop);
    if (stop == end) return d;
  }
  return s;
}

Json::Value yamlToJson(const YAML::Node &node) {
  switch (node.Type()) {
  case YAML::NodeType::Map: {
    Json::Value out(Json::objectValue);
    for (const auto &entry : node)
      out[entry.first.Scalar()] = yamlToJson(entry.second);
    return out;
  }
  case YAML::NodeType::Sequence: {
    Json::Value out(Json::arrayValue);
    for (const auto &item : node)
      out.append(yamlToJson(item));
    return out;
  }
  case YAML::NodeType::Scalar: return scalarToJson(node);
  default: return Json::Value();
  }
}

const std::string &openApiJson() {
  static const std::string json = [] {
    Json::StreamWriterBuilder writer;
    writer["indentation"] = "";
    return Json::writeString(writer, yamlToJson(YAML::Load(embeddedOpenApi())));
  }();
  return json;
}

// The page loads its script and the document from this server only; the
// policy makes the browser hold it to that.
constexpr const char *kPagePolicy = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
                                    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; "
                                    "worker-src blob:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

constexpr const char *kPage =
    "<!doctype html>\n"
    "<html lang=\"en\">\n"
    "<head>\n"
    "<meta charset=\"utf-8\">\n"
    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
    "<title>Order Service API reference</title>\n"
    "<style>body{margin:0;padding:0}</style>\n"
    "</head>\n"
    "<body>\n"
    "<noscript><p>This reference is drawn by a script. The document itself: "
    "<a href=\"/api-docs/openapi.yaml\">openapi.yaml</a>, <a href=\"/api-docs/openapi.json\">openapi.json</a>.</p>"
    "</noscript>\n"
    "<redoc spec-url=\"/api-docs/openapi.yaml\" expand-responses=\"200,201\" required-props-first=\"true\" "
    "sort-props-alphabetically=\"false\" hide-hostname=\"true\"></redoc>\n"
    "<script src=\"/api-docs/redoc.standalone.js\"></script>\n"
    "</body>\n"
    "</html>\n";

} // namespace

http::Response apiDocsPage(app::AppContext &, http::Request &) {
  http::Response res = http::Response::text(200, kPage, "text/html; charset=utf-8");
  res.headers.emplace_back("Content-Security-Policy", kPagePolicy);
  res.headers.emplace_back("X-Content-Type-Options", "nosniff");
  return res;
}

http::Response apiDocsRenderer(app::AppContext &, http::Request &) {
  http::Response res = http::Response::text(
      200,
      std::string(orders_redoc_bundle_begin, static_cast<size_t>(orders_redoc_bundle_end - orders_redoc_bundle_begin)),
      "application/javascript; charset=utf-8");
  res.headers.emplace_back("Cache-Control", "public, max-age=86400");
  res.headers.emplace_back("ETag", std::string("\"") + ORDERS_REDOC_SHA256 + "\"");
  res.headers.emplace_back("X-Content-Type-Options", "nosniff");
  return res;
}

http::Response apiDocsSpec(app::AppContext &, http::Request &) {
  return http::Response::text(200, embeddedOpenApi(), "application/yaml; charset=utf-8");
}

http::Response apiDocsSpecJson(app::AppContext &, http::Request &) {
  return http::Response::text(200, openApiJson(), "application/json");
}

} // namespace orders::host::handlers
