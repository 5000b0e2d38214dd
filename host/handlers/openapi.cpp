#include "openapi_embedded.hpp"

namespace orders::host::handlers {
const char *embeddedOpenApi() { return kOpenApiYaml; }
} // namespace orders::host::handlers
