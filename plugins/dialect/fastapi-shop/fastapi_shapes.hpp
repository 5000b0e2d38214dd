// The FastAPI order service's wire shapes (seed 002): JSON written the way
// Python writes it (key order as inserted; Starlette's compact UTF-8 for
// HTTP answers, json.dumps's default ", " / ": " and ASCII escapes for
// Kafka messages), {"detail"} errors and pydantic v2's 422 bodies.
//
// Thread-safety: pure functions.
#pragma once

#include <json/json.h>

#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "orders/sdk/messages.hpp"

namespace orders::plugins::dialect::fastapi_shop {

// A JSON value whose objects keep their members in insertion order.
struct PyValue;
using PyObject = std::vector<std::pair<std::string, PyValue>>;
using PyList = std::vector<PyValue>;
struct PyValue {
  std::variant<Json::Value, PyObject, PyList> v;
  PyValue(Json::Value scalar) : v(std::move(scalar)) {} // NOLINT: implicit on purpose
  PyValue(PyObject object) : v(std::move(object)) {}    // NOLINT
  PyValue(PyList list) : v(std::move(list)) {}          // NOLINT
};

enum class PyStyle {
  starlette, // JSONResponse: separators (",", ":"), UTF-8 as is
  dumps      // json.dumps(v): separators (", ", ": "), non-ASCII as \uXXXX
};
std::string pyJson(const PyValue &value, PyStyle style);

sdk::DialectResponse reply(int64_t status, const PyValue &body);
// HTTPException(status, detail): {"detail": "..."}.
sdk::DialectResponse detail(int64_t status, const std::string &message);

// One pydantic v2 error of a 422 answer.
struct FieldError {
  std::string type;             // "missing", "string_type", "int_parsing", "json_invalid"...
  std::vector<Json::Value> loc; // ["body", "city"]
  std::string msg;
  Json::Value input;
};
sdk::DialectResponse unprocessable(const std::vector<FieldError> &errors);

// A product id as upstream types it: digits become an integer.
Json::Value productId(const Json::Value &id, bool numeric);

} // namespace orders::plugins::dialect::fastapi_shop
