// Request-body schemas of the API (schemas/api/*.schema.json, embedded and
// compiled once).
#pragma once

#include <string>

#include "config/schema_validator.hpp"

namespace orders::host::http {

// The compiled schema named like its file without ".schema.json"
// ("checkout.request"). Throws std::logic_error for an unknown name.
const config::SchemaValidator &apiSchema(const std::string &name);

} // namespace orders::host::http
