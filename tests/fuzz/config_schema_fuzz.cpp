// The config validator (orders/sdk/config_schema.hpp: the host's and the
// plugin harness's) on any JSON document against the server's config
// schema: no crash; every violation names an RFC 6901 pointer; applying the
// defaults to a document never makes it invalid where it was valid.
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "orders/sdk/config_schema.hpp"
#include "orders/sdk/json.hpp"

using namespace orders::sdk;

namespace {
std::shared_ptr<const schema::Validator> validator;
}

extern "C" int LLVMFuzzerInitialize(int *, char ***) {
  std::ifstream in(ORDERS_CONFIG_SCHEMA);
  std::stringstream text;
  text << in.rdbuf();
  auto compiled = schema::Validator::compile(parseJson(text.str()));
  if (!compiled.ok()) std::abort();
  validator = compiled.value();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  Json::Value doc;
  try {
    doc = parseJson(std::string_view(reinterpret_cast<const char *>(data), size));
  } catch (const DecodeError &) {
    return 0;
  }
  const auto violations = validator->validate(doc);
  for (const auto &v : violations)
    if (!v.pointer.empty() && v.pointer.front() != '/') std::abort();
  if (violations.empty() && doc.isObject()) {
    validator->applyDefaults(doc);
    if (!validator->validate(doc).empty()) std::abort();
  }
  return 0;
}
