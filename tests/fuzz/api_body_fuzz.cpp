// Request bodies as the API reads them (host/http/json_body: strict JSON,
// duplicate keys refused, then the route's schema from schemas/api): any
// bytes against any schema end in a value or an ApiError with a 4xx status
// whose field errors are RFC 6901 pointers; no other exception, no crash.
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "http/api_error.hpp"
#include "http/json_body.hpp"
#include "orders/sdk/json.hpp"

using namespace orders::host;

namespace {
std::vector<std::shared_ptr<const config::SchemaValidator>> schemas;
}

extern "C" int LLVMFuzzerInitialize(int *, char ***) {
  for (const auto &entry : std::filesystem::directory_iterator(ORDERS_API_SCHEMA_DIR)) {
    std::ifstream in(entry.path());
    std::stringstream text;
    text << in.rdbuf();
    auto compiled = config::SchemaValidator::compile(orders::sdk::parseJson(text.str()));
    if (!compiled.ok()) std::abort();
    schemas.push_back(compiled.value());
  }
  if (schemas.empty()) std::abort();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1) return 0;
  http::Request request;
  request.method = "POST";
  request.path = "/fuzz";
  request.headers["content-type"] = "application/json";
  request.body.assign(reinterpret_cast<const char *>(data + 1), size - 1);
  const config::SchemaValidator *schema = data[0] == 255 ? nullptr : schemas[data[0] % schemas.size()].get();
  try {
    (void)http::parseJsonBody(request, schema);
  } catch (const http::ApiError &e) {
    if (e.status() < 400 || e.status() >= 500) std::abort();
    for (const auto &f : e.errors())
      if (!f.pointer.empty() && f.pointer.front() != '/') std::abort();
  }
  return 0;
}
