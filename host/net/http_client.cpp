#include "net/http_client.hpp"

#include <Poco/Exception.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>

#include <algorithm>
#include <cctype>
#include <sstream>
#include <thread>

#include "auth/authenticator.hpp"
#include "log/trace.hpp"

namespace orders::host::net {

// The TLS client context of every outbound HTTPS session (plugins' HTTP,
// the OTLP exporter): system CA store, peer verified.
Poco::Net::Context::Ptr clientTlsContext() {
  static Poco::Net::Context::Ptr context = [] {
    Poco::Net::initializeSSL();
    return Poco::Net::Context::Ptr(new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, "", "", "",
                                                          Poco::Net::Context::VERIFY_RELAXED, 9,
                                                          true /* load the system CA store */));
  }();
  return context;
}

namespace {

bool methodIsIdempotent(const std::string &m) {
  return m == "GET" || m == "HEAD" || m == "PUT" || m == "DELETE" || m == "OPTIONS";
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

} // namespace

HttpClient::HttpClient(OutboundOptions options) : options_(std::move(options)) {}
HttpClient::~HttpClient() = default;

std::unique_ptr<Poco::Net::HTTPClientSession> HttpClient::acquire(const Origin &origin, bool *reused) {
  {
    std::lock_guard lock(mutex_);
    auto &pool = idle_[origin.key()];
    if (!pool.empty()) {
      auto s = std::move(pool.back());
      pool.pop_back();
      *reused = true;
      return s;
    }
  }
  *reused = false;
  std::unique_ptr<Poco::Net::HTTPClientSession> session;
  if (origin.scheme == "https")
    session = std::make_unique<Poco::Net::HTTPSClientSession>(origin.host, origin.port, clientTlsContext());
  else
    session = std::make_unique<Poco::Net::HTTPClientSession>(origin.host, origin.port);
  session->setKeepAlive(true);
  // Below typical server idle timeouts so we rarely reuse a closed socket.
  session->setKeepAliveTimeout(Poco::Timespan(4, 0));
  return session;
}

void HttpClient::release(const Origin &origin, std::unique_ptr<Poco::Net::HTTPClientSession> session) {
  std::lock_guard lock(mutex_);
  auto &pool = idle_[origin.key()];
  if (pool.size() < options_.max_idle_connections) pool.push_back(std::move(session));
}

void HttpClient::applyAuth(Poco::Net::HTTPRequest &req, const std::string &path_and_query,
                           const sdk::HttpRequest &request) const {
  const OutboundAuth &a = options_.auth;
  switch (a.scheme) {
  case OutboundAuth::Scheme::none: return;
  case OutboundAuth::Scheme::bearer: req.set("Authorization", "Bearer " + a.secret); return;
  case OutboundAuth::Scheme::header: req.set(a.header_name, a.secret); return;
  case OutboundAuth::Scheme::service_hmac: {
    // Signed per attempt: a retry carries a fresh timestamp.
    const int64_t now =
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    req.set("X-Service-Name", a.service_name);
    req.set("X-Service-Auth", a.name_timestamp ? auth::signServiceName(a.service_name, a.secret, now)
                                               : auth::signServiceRequest(a.service_name, a.secret, now, request.method,
                                                                          path_and_query, request.body));
    return;
  }
  }
}

sdk::Result<sdk::HttpResponse> HttpClient::attempt(const Origin &origin, const std::string &path_and_query,
                                                   const sdk::HttpRequest &request, int64_t timeout_ms) {
  const std::string what = request.method + " " + origin.key() + path_and_query;
  // A client span per attempt; its context goes out as the request's
  // traceparent (set after the plugin's headers: the host's wins).
  trace::Span span("HTTP " + request.method, trace::Kind::client);
  if (span.recording()) {
    span.set("http.request.method", request.method);
    span.set("server.address", origin.host);
    span.set("server.port", static_cast<int64_t>(origin.port));
    span.set("url.path", path_and_query.substr(0, path_and_query.find('?')));
  }
  auto failed = [&span](sdk::Error error) {
    span.fail(error.message);
    return error;
  };
  // A reused keep-alive socket may have been closed by the peer; that
  // failure says nothing about the peer, so it gets one fresh-socket retry.
  for (int stale_retry = 0; stale_retry < 2; ++stale_retry) {
    bool reused = false;
    auto session = acquire(origin, &reused);
    session->setTimeout(Poco::Timespan(timeout_ms * 1000));
    try {
      Poco::Net::HTTPRequest req(request.method, path_and_query, Poco::Net::HTTPMessage::HTTP_1_1);
      req.setHost(origin.host, origin.port);
      req.setKeepAlive(true);
      for (const auto &[k, v] : options_.headers)
        req.set(k, v);
      for (const auto &[k, v] : request.headers)
        req.set(k, v);
      if (span.active()) {
        req.set("traceparent", span.context().traceparent());
        if (!span.context().tracestate.empty()) req.set("tracestate", span.context().tracestate);
      } else if (const trace::Context &tc = trace::current(); tc.valid()) {
        req.set("traceparent", tc.traceparent());
      }
      applyAuth(req, path_and_query, request);
      if (!request.body.empty() || request.method == "POST" || request.method == "PUT" || request.method == "PATCH")
        req.setContentLength(static_cast<std::streamsize>(request.body.size()));
      std::ostream &os = session->sendRequest(req); // connects a new session; the header is still buffered
      // Without TCP_NODELAY a body beyond the session's buffer goes out in
      // two writes, and Nagle holds the second until the peer ACKs the
      // first: up to its delayed ACK (40 ms on Linux) per request.
      session->socket().setNoDelay(true);
      os.write(request.body.data(), static_cast<std::streamsize>(request.body.size()));

      Poco::Net::HTTPResponse res;
      std::istream &is = session->receiveResponse(res);
      sdk::HttpResponse out;
      out.status = res.getStatus();
      span.set("http.response.status_code", static_cast<int64_t>(out.status));
      if (out.status >= 500) span.fail("HTTP " + std::to_string(out.status));
      for (const auto &[k, v] : res)
        out.headers[lower(k)] = v;
      // Bounded: a peer that sends more than max_response_bytes is cut off
      // (the session is dropped, never pooled).
      const size_t limit = options_.max_response_bytes;
      if (res.hasContentLength() && res.getContentLength64() > static_cast<Poco::Int64>(limit))
        return failed(sdk::Error{sdk::ErrorCode::unavailable,
                                 what + ": response of " + std::to_string(res.getContentLength64()) +
                                     " bytes exceeds max_response_bytes " + std::to_string(limit),
                                 false});
      char chunk[8192];
      while (is.good() && out.body.size() <= limit) {
        is.read(chunk, sizeof chunk);
        out.body.append(chunk, static_cast<size_t>(is.gcount()));
      }
      if (out.body.size() > limit)
        return failed(sdk::Error{sdk::ErrorCode::unavailable,
                                 what + ": response body exceeds max_response_bytes " + std::to_string(limit), false});
      // A connection cut mid-answer is a transport failure, never a short
      // 200 (found by the provider chaos: half a JSON body reached plugins).
      if (res.hasContentLength() && static_cast<Poco::Int64>(out.body.size()) < res.getContentLength64())
        return failed(sdk::unavailable(what + ": the connection closed after " + std::to_string(out.body.size()) +
                                       " of " + std::to_string(res.getContentLength64()) + " response bytes"));
      if (res.getKeepAlive()) release(origin, std::move(session));
      return out;
    } catch (const Poco::TimeoutException &) {
      return failed(sdk::timeoutError(what + ": no answer within " + std::to_string(timeout_ms) + " ms"));
    } catch (const Poco::Net::NoMessageException &) {
      if (reused) continue;
      return failed(sdk::unavailable(what + ": connection closed without a response"));
    } catch (const Poco::Net::ConnectionRefusedException &) {
      return failed(sdk::unavailable(what + ": connection refused"));
    } catch (const Poco::Exception &e) {
      if (reused) continue;
      return failed(sdk::unavailable(what + ": " + e.displayText()));
    } catch (const std::exception &e) {
      return failed(sdk::unavailable(what + ": " + e.what()));
    }
  }
  return failed(sdk::unavailable(what + ": connection closed without a response"));
}

sdk::Result<sdk::HttpResponse> HttpClient::send(const sdk::HttpRequest &request, Deadline deadline) {
  Origin origin;
  std::string path_and_query;
  try {
    Poco::URI uri(request.url);
    origin.scheme = uri.getScheme();
    origin.host = uri.getHost();
    origin.port = uri.getPort();
    path_and_query = uri.getPathAndQuery();
  } catch (const Poco::Exception &e) {
    return sdk::invalidArgument("bad URL '" + request.url + "': " + e.displayText());
  }
  if ((origin.scheme != "http" && origin.scheme != "https") || origin.host.empty())
    return sdk::invalidArgument("bad URL '" + request.url + "': need http:// or https:// and a host");
  if (path_and_query.empty()) path_and_query = "/";

  const bool idempotent = request.idempotent || methodIsIdempotent(request.method);
  const int attempts = 1 + (idempotent ? options_.retries : 0);
  int64_t backoff_ms = options_.retry_backoff_ms;
  const int64_t per_attempt_ms = request.timeoutMs.value_or(options_.timeout_ms);

  sdk::Result<sdk::HttpResponse> last = sdk::unavailable("no attempt made");
  for (int i = 0; i < attempts; ++i) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
    if (left <= 0) {
      if (i == 0) return sdk::timeoutError(request.method + " " + request.url + ": call budget exhausted");
      break;
    }
    last = attempt(origin, path_and_query, request, std::min<int64_t>(per_attempt_ms, left));
    const bool retry_status = last.ok() && (last->status == 502 || last->status == 503 || last->status == 504);
    const bool transport = !last.ok() && last.error().retryable;
    if (!(retry_status || transport) || i + 1 == attempts) break;
    const auto now = std::chrono::steady_clock::now();
    if (now + std::chrono::milliseconds(backoff_ms) >= deadline) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(backoff_ms));
    backoff_ms *= 2;
  }
  return last;
}

} // namespace orders::host::net
