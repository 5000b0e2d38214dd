// Strict JSON request bodies.
//
// parseJsonBody() requires an application/json content type (415 otherwise),
// rejects malformed text, duplicate keys and trailing data (400), then checks
// the document against the route's JSON Schema: wrong types, missing fields
// and unknown fields come back as one 400 listing every bad field by JSON
// pointer. Schemas live in schemas/api/ and are compiled once per route.
#pragma once

#include <json/json.h>

#include <memory>

#include "config/schema_validator.hpp"
#include "http/request.hpp"

namespace orders::host::http {

Json::Value parseJsonBody(const Request &request, const config::SchemaValidator *schema);

} // namespace orders::host::http
