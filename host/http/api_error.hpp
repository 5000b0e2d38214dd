// Errors of the HTTP API and the one mapping from error code to status.
//
// Handlers throw ApiError (or return sdk::Error through toApiError); the
// server turns it into an application/problem+json body (RFC 9457):
//   {"type":"about:blank","title":"Not Found","status":404,"code":"not_found",
//    "detail":"...","instance":"/api/orders/7","requestId":"...","errors":[...]}
// `errors` lists field problems as {"pointer","message"}.
#pragma once

#include <json/json.h>

#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "orders/sdk/result.hpp"
#include "orders/sdk/text.hpp"

namespace orders::host::http {

struct FieldError {
  std::string pointer;
  std::string message;
};

// The stable `code` strings: the SDK's error codes plus HTTP-layer ones
// (forbidden, method_not_allowed, payload_too_large, unsupported_media_type,
// idempotency_mismatch, too_many_requests, and the front door's
// request_timeout and header_too_large).
int httpStatusFor(std::string_view code);
const char *httpReason(int status);

class ApiError : public std::runtime_error {
public:
  ApiError(std::string code, std::string detail, std::vector<FieldError> errors = {})
      : std::runtime_error(detail), code_(std::move(code)), detail_(std::move(detail)), errors_(std::move(errors)) {}

  const std::string &code() const { return code_; }
  const std::string &detail() const { return detail_; }
  const std::vector<FieldError> &errors() const { return errors_; }
  int status() const { return httpStatusFor(code_); }
  // Extra response headers (e.g. Allow for 405).
  std::vector<std::pair<std::string, std::string>> headers;

private:
  std::string code_;
  std::string detail_;
  std::vector<FieldError> errors_;
};

ApiError toApiError(const sdk::Error &error);

// Whether text is well-formed UTF-8, and the text with U+FFFD for each bad
// byte (so that an answer echoing what a client sent stays UTF-8 JSON).
using sdk::toValidUtf8;
using sdk::validUtf8;

// Builds the problem+json document.
Json::Value problemJson(const ApiError &error, const std::string &instance, const std::string &request_id);

} // namespace orders::host::http
