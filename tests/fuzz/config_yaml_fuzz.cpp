// The server's config file as --config reads it (host/config: YAML, JSON
// being YAML, ${VAR} / ${VAR:-default} substitution in every scalar, typing
// of plain scalars, duplicate keys refused, then schemas/config.schema.json
// with defaults applied: loadConfigText, which loadConfigFile calls), with a
// fixed environment. Never a crash or an escaping exception; a refusal is
// invalid_argument naming the file; an accepted config is an object that is
// still valid against the schema; substituteEnv leaves text without '$' as
// it is.
#include <cstdint>
#include <cstdlib>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "config/config_loader.hpp"
#include "config/env_subst.hpp"
#include "config/schema_validator.hpp"

using namespace orders::host;

namespace {

const std::map<std::string, std::string> kEnv = {{"ORDERS_DB_URL", "postgresql://orders:pw@db:5432/orders"},
                                                 {"HTTP_PORT", "8080"},
                                                 {"KAFKA_BROKERS", "kafka-1:9092,kafka-2:9092"},
                                                 {"JWT_SECRET", "fuzz-jwt-secret"},
                                                 {"EMPTY", ""},
                                                 {"DEBUG", "true"},
                                                 {"RATE", "2.5"},
                                                 {"DOLLAR", "$HOME ${NOT_SET}"}};

std::optional<std::string> env(const std::string &name) {
  auto it = kEnv.find(name);
  if (it == kEnv.end()) return std::nullopt;
  return it->second;
}

std::shared_ptr<const config::SchemaValidator> validator;

} // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***) {
  auto compiled = config::SchemaValidator::compile(config::configSchema());
  if (!compiled.ok()) std::abort();
  validator = compiled.value();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const std::string text(reinterpret_cast<const char *>(data), size);

  auto substituted = config::substituteEnv(text, env);
  if (substituted.ok()) {
    if (text.find('$') == std::string::npos && substituted.value() != text) std::abort();
  } else if (substituted.error().code != orders::sdk::ErrorCode::invalid_argument) {
    std::abort();
  }

  auto loaded = config::loadConfigText(text, "fuzz.yaml", env);
  if (!loaded.ok()) {
    if (loaded.error().code != orders::sdk::ErrorCode::invalid_argument) std::abort();
    if (loaded.error().message.rfind("fuzz.yaml: ", 0) != 0) std::abort();
    return 0;
  }
  if (!loaded.value().isObject()) std::abort();
  if (!validator->validate(loaded.value()).empty()) std::abort();
  return 0;
}
