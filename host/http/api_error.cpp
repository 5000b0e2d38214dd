#include "http/api_error.hpp"

#include <cstdint>
#include <map>

namespace orders::host::http {

int httpStatusFor(std::string_view code) {
  static const std::map<std::string_view, int> kStatus = {
      {"invalid_argument", 400},
      {"unauthenticated", 401},
      {"forbidden", 403},
      {"not_found", 404},
      {"method_not_allowed", 405},
      {"request_timeout", 408},
      {"conflict", 409},
      {"header_too_large", 431},
      {"out_of_stock", 409},
      {"payload_too_large", 413},
      {"unsupported_media_type", 415},
      {"rejected", 422},
      {"idempotency_mismatch", 422},
      {"too_many_requests", 429},
      {"internal", 500},
      {"unsupported", 501},
      {"unavailable", 503},
      {"timeout", 504},
  };
  auto it = kStatus.find(code);
  return it == kStatus.end() ? 500 : it->second;
}

const char *httpReason(int status) {
  switch (status) {
  case 200: return "OK";
  case 201: return "Created";
  case 202: return "Accepted";
  case 204: return "No Content";
  case 400: return "Bad Request";
  case 401: return "Unauthorized";
  case 403: return "Forbidden";
  case 404: return "Not Found";
  case 405: return "Method Not Allowed";
  case 408: return "Request Timeout";
  case 409: return "Conflict";
  case 413: return "Content Too Large";
  case 415: return "Unsupported Media Type";
  case 422: return "Unprocessable Content";
  case 429: return "Too Many Requests";
  case 431: return "Request Header Fields Too Large";
  case 500: return "Internal Server Error";
  case 501: return "Not Implemented";
  case 503: return "Service Unavailable";
  case 504: return "Gateway Timeout";
  }
  return "Error";
}

ApiError toApiError(const sdk::Error &error) { return ApiError(sdk::errorCodeName(error.code), error.message); }

Json::Value problemJson(const ApiError &error, const std::string &instance, const std::string &request_id) {
  Json::Value p(Json::objectValue);
  p["type"] = "about:blank";
  p["title"] = httpReason(error.status());
  p["status"] = error.status();
  p["code"] = error.code();
  // Details and paths may echo what the client sent (a percent-decoded path,
  // a header): JSON text must stay UTF-8 whatever those bytes were.
  p["detail"] = toValidUtf8(error.detail());
  p["instance"] = toValidUtf8(instance);
  if (!request_id.empty()) p["requestId"] = request_id;
  if (!error.errors().empty()) {
    Json::Value errs(Json::arrayValue);
    for (const FieldError &f : error.errors()) {
      Json::Value e(Json::objectValue);
      e["pointer"] = toValidUtf8(f.pointer);
      e["message"] = toValidUtf8(f.message);
      errs.append(e);
    }
    p["errors"] = errs;
  }
  return p;
}

} // namespace orders::host::http
