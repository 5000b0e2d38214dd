#include "http/json_body.hpp"

#include "http/api_error.hpp"
#include "orders/sdk/json.hpp"

namespace orders::host::http {

Json::Value parseJsonBody(const Request &request, const config::SchemaValidator *schema) {
  const std::string type = request.header("content-type");
  if (type.rfind("application/json", 0) != 0 && type.find("+json") == std::string::npos)
    throw ApiError("unsupported_media_type",
                   "request body must be application/json" + (type.empty() ? std::string() : ", got " + type));
  Json::Value doc;
  try {
    doc = sdk::parseJson(request.body);
  } catch (const sdk::DecodeError &e) {
    throw ApiError("invalid_argument", std::string("request body is not valid JSON: ") + e.what());
  }
  if (schema != nullptr) {
    const auto violations = schema->validate(doc);
    if (!violations.empty()) {
      std::vector<FieldError> errors;
      std::string detail = "request body is invalid: ";
      for (size_t i = 0; i < violations.size(); ++i) {
        const auto &v = violations[i];
        errors.push_back(FieldError{v.pointer.empty() ? "/" : v.pointer, v.message});
        detail += (i ? "; " : "") + (v.pointer.empty() ? std::string("/") : v.pointer) + " " + v.message;
      }
      throw ApiError("invalid_argument", detail, std::move(errors));
    }
  }
  return doc;
}

} // namespace orders::host::http
