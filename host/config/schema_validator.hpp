// JSON Schema (draft 7) validation with valijson, reported as JSON pointers:
// the SDK's validator (orders/sdk/config_schema.hpp, the one plugins' test
// harness uses) behind a header without valijson.
//
// Wraps valijson so callers get one Violation per offending value, with an
// RFC 6901 pointer and a short rule ("must be >= 100", "unknown key",
// "is required", "must be of type integer"); parent errors that only say
// "a child failed" are dropped. Also fills in schema `default`s.
//
// Thread-safety: a compiled validator is immutable; validate() is const and
// may run concurrently.
#pragma once

#include <json/json.h>

#include <memory>
#include <string>
#include <vector>

#include "orders/sdk/result.hpp"

namespace orders::sdk::schema {
class Validator;
}

namespace orders::host::config {

struct Violation {
  std::string pointer; // "" is the document root
  std::string message;
};

class SchemaValidator {
public:
  // Compiles `schema`; invalid_argument when the schema itself is broken.
  static sdk::Result<std::shared_ptr<const SchemaValidator>> compile(const Json::Value &schema);
  ~SchemaValidator();

  std::vector<Violation> validate(const Json::Value &document) const;

  // Adds every absent property that has a `default` in the schema, at any
  // depth reached through properties, items, additionalProperties and $ref.
  void applyDefaults(Json::Value &document) const;

  const Json::Value &schema() const;

private:
  SchemaValidator() = default;
  std::shared_ptr<const sdk::schema::Validator> impl_;
};

// Formats violations as "<prefix><pointer>: <message>" lines.
std::string formatViolations(const std::string &prefix, const std::vector<Violation> &violations);

} // namespace orders::host::config
