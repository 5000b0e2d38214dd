#include "http/http_server.hpp"

#include <Poco/Delegate.h>
#include <Poco/Exception.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/HTTPServerResponseImpl.h>
#include <Poco/Net/HTTPServerSession.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/SSLException.h>
#include <Poco/Net/SecureStreamSocket.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/TCPServerConnection.h>
#include <Poco/Net/TCPServerConnectionFactory.h>
#include <Poco/Net/TCPServerDispatcher.h>
#include <Poco/Thread.h>
#include <Poco/ThreadPool.h>
#include <Poco/Timestamp.h>
#include <Poco/URI.h>
#include <openssl/err.h>
#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <memory>
#include <mutex>
#include <random>
#include <stdexcept>
#include <thread>

#include "domain/domain_error.hpp"
#include "http/api_error.hpp"
#include "http/front_door.hpp"
#include "log/logger.hpp"
#include "log/trace.hpp"
#include "orders/sdk/json.hpp"

namespace orders::host::http {

namespace {
// The client's method as a metric label: the standard ones by name, any
// other token (Poco accepts any of up to 32 bytes) as "other", so a client
// cannot create series at will.
std::string methodLabel(const std::string &method) {
  static const char *const kKnown[] = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"};
  for (const char *known : kKnown)
    if (method == known) return method;
  return "other";
}
} // namespace

namespace {

std::string newRequestId() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(rng()));
  return buf;
}

bool saneRequestId(const std::string &id) {
  if (id.empty() || id.size() > 128) return false;
  return std::all_of(id.begin(), id.end(),
                     [](unsigned char c) { return std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == ':'; });
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

// After an answer sent before the request was read (a 413 before its body,
// a 400 for a header Poco cannot read): a client that writes its whole
// request before reading would get a connection reset (and lose the answer)
// if the socket closed with its data unread. As nginx's lingering close
// does: stop sending, then read and discard what still comes, up to a bound
// in bytes and time; the caller then closes.
void lingerThenClose(Poco::Net::StreamSocket &socket) {
  constexpr size_t kMaxDiscard = 64u << 20;
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  try {
    socket.shutdownSend();
    socket.setReceiveTimeout(Poco::Timespan(1, 0));
    char buf[16384];
    size_t discarded = 0;
    while (discarded < kMaxDiscard && std::chrono::steady_clock::now() < until) {
      const int n = socket.receiveBytes(buf, sizeof buf);
      if (n <= 0) break;
      discarded += static_cast<size_t>(n);
    }
  } catch (...) { // a client that went away: nothing left to protect
  }
}

class RouterHandler : public Poco::Net::HTTPRequestHandler {
public:
  RouterHandler(const Router &router, metrics::MetricsRegistry &metrics, const ServerOptions &options,
                const std::function<bool()> &crowded)
      : router_(router), metrics_(metrics), options_(options), crowded_(crowded) {}

  void handleRequest(Poco::Net::HTTPServerRequest &raw, Poco::Net::HTTPServerResponse &out) override {
    const auto started = std::chrono::steady_clock::now();
    // The request's span: a child of the caller's traceparent, or a new
    // trace. Everything the handler does runs inside it.
    trace::Span span("HTTP " + raw.getMethod(), trace::Kind::server,
                     trace::parseTraceparent(raw.get("traceparent", ""), raw.get("tracestate", "")));
    Request req;
    req.method = raw.getMethod();
    std::string route_label = "unmatched";
    Response res;
    try {
      req.client_gone = clientGoneProbe(raw);
      const std::string incoming_id = raw.get("X-Request-Id", "");
      req.request_id = saneRequestId(incoming_id) ? incoming_id : newRequestId();
      for (const auto &[k, v] : raw)
        req.headers[lower(k)] = v;
      parseTarget(raw.getURI(), req);
      if (!cors(req, res)) res = dispatch(raw, req, route_label);
    } catch (const ApiError &e) {
      res = problem(e, req);
    } catch (const core::DomainError &e) {
      res = problem(toApiError(e.error()), req);
    } catch (const std::exception &e) {
      auto *poco = dynamic_cast<const Poco::Exception *>(&e);
      log::error("request failed",
                 {{"request_id", req.request_id}, {"error", poco != nullptr ? poco->displayText() : e.what()}});
      std::optional<ApiError> known = options_.translate ? options_.translate(e) : std::nullopt;
      res = problem(known ? *known
                          : ApiError("internal", "internal error; see the server log for request " + req.request_id),
                    req);
    }
    corsHeaders(req, res);
    // Counted before the response leaves: a client that has its answer sees it counted.
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    metrics_.increment(
        "orders_http_requests_total",
        {{"route", route_label}, {"method", methodLabel(req.method)}, {"status", std::to_string(res.status)}});
    metrics_.observe("orders_http_request_duration_seconds", {{"route", route_label}}, seconds);
    const bool too_large = res.status == 413;
    if (too_large) out.setKeepAlive(false); // the unread rest of the body is not a next request
    // A kept-alive connection holds its thread while idle: when the pool is
    // crowded, close after the answer and let the client come back through
    // the front door, where waiting costs no thread.
    else if (out.getKeepAlive() && crowded_())
      out.setKeepAlive(false);
    if (span.recording()) {
      span.rename(req.method + " " + route_label);
      span.set("http.request.method", req.method);
      span.set("http.route", route_label);
      span.set("url.path", req.path);
      span.set("http.response.status_code", static_cast<int64_t>(res.status));
      span.set("request.id", req.request_id);
      if (res.status >= 500) span.fail("HTTP " + std::to_string(res.status));
    }
    send(out, req, res);
    if (too_large) lingeringClose(raw);
    if (options_.access_log)
      log::info("http", {{"request_id", req.request_id},
                         {"method", req.method},
                         {"path", req.path},
                         {"route", route_label},
                         {"status", std::to_string(res.status)},
                         {"bytes", std::to_string(res.body.size())},
                         {"duration_ms", std::to_string(seconds * 1000.0)}});
  }

private:
  // Path and query of the request target, percent-decoded. A target that
  // does not decode (a '%' without two hex digits) or decodes to bytes that
  // are not UTF-8 is 400: every path segment and parameter of this API is
  // text, and none should reach a handler or a database as anything else.
  static void parseTarget(const std::string &target, Request &req) {
    const auto refuse = [&](const std::string &why) {
      std::string shown; // the raw path, printable, for the problem's `instance`
      for (const char ch : target.substr(0, target.find('?'))) {
        const auto c = static_cast<unsigned char>(ch);
        char hex[4];
        std::snprintf(hex, sizeof hex, "%%%02X", c);
        shown += c > 0x20 && c < 0x7F ? std::string(1, ch) : std::string(hex);
      }
      req.path = shown;
      req.query.clear();
      req.query_params.clear();
      throw ApiError("invalid_argument", "the request target " + why);
    };
    try {
      Poco::URI uri(target);
      req.path = uri.getPath();
      req.query = uri.getRawQuery();
      for (const auto &[k, v] : uri.getQueryParameters())
        req.query_params.emplace(k, v);
    } catch (const Poco::SyntaxException &e) {
      refuse("is not a valid URI (" + e.message() + ")");
    }
    bool text = validUtf8(req.path);
    for (const auto &[k, v] : req.query_params)
      text = text && validUtf8(k) && validUtf8(v);
    if (!text) refuse("is not UTF-8 once percent-decoded");
  }

  // The origin CORS allows for this request, or empty.
  std::string allowedOrigin(const Request &req) const {
    const CorsOptions &c = options_.cors;
    if (c.origins.empty()) return {};
    const std::string origin = req.header("origin");
    if (origin.empty()) return {};
    for (const std::string &o : c.origins) {
      if (o == "*") return c.credentials ? origin : "*"; // "*" with credentials is not allowed: echo
      if (o == origin) return origin;
    }
    return {};
  }

  // Answers a CORS preflight (true) or leaves the request to the router.
  bool cors(const Request &req, Response &res) const {
    if (req.method != "OPTIONS" || req.header("access-control-request-method").empty()) return false;
    const std::string origin = allowedOrigin(req);
    if (origin.empty()) return false; // not a preflight this server allows: the router answers (404/405)
    res.status = 204;
    res.headers.emplace_back("Access-Control-Allow-Methods", options_.cors.methods);
    res.headers.emplace_back("Access-Control-Allow-Headers", options_.cors.headers);
    res.headers.emplace_back("Access-Control-Max-Age", std::to_string(options_.cors.max_age_seconds));
    return true;
  }

  void corsHeaders(const Request &req, Response &res) const {
    const std::string origin = allowedOrigin(req);
    if (origin.empty()) return;
    res.headers.emplace_back("Access-Control-Allow-Origin", origin);
    if (origin != "*") res.headers.emplace_back("Vary", "Origin");
    if (options_.cors.credentials) res.headers.emplace_back("Access-Control-Allow-Credentials", "true");
    res.headers.emplace_back("Access-Control-Expose-Headers", "X-Request-Id, Idempotent-Replayed, Location");
  }

  Response dispatch(Poco::Net::HTTPServerRequest &raw, Request &req, std::string &route_label) {
    Router::Match m = router_.match(req.method, req.path);
    if (m.route == nullptr) {
      if (m.allowed.empty()) throw ApiError("not_found", "no route for " + req.path);
      std::string allow;
      for (const auto &a : m.allowed)
        allow += (allow.empty() ? "" : ", ") + a;
      ApiError e("method_not_allowed", req.method + " is not allowed on " + req.path + "; allowed: " + allow);
      e.headers.emplace_back("Allow", allow);
      throw e;
    }
    route_label = m.route->pattern;
    req.route = m.route->pattern;
    req.params = std::move(m.params);
    readBody(raw, req);
    return m.route->handler(req);
  }

  void readBody(Poco::Net::HTTPServerRequest &raw, Request &req) {
    const size_t limit = options_.max_body_bytes;
    if (raw.hasContentLength() && raw.getContentLength64() > static_cast<Poco::Int64>(limit))
      throw ApiError("payload_too_large", "request body of " + std::to_string(raw.getContentLength64()) +
                                              " bytes exceeds the limit of " + std::to_string(limit) + " bytes");
    if (!raw.hasContentLength() && !raw.getChunkedTransferEncoding()) return;
    std::istream &in = raw.stream();
    std::string body;
    char buf[8192];
    while (in) {
      in.read(buf, sizeof buf);
      body.append(buf, static_cast<size_t>(in.gcount()));
      if (body.size() > limit)
        throw ApiError("payload_too_large", "request body exceeds the limit of " + std::to_string(limit) + " bytes");
    }
    req.body = std::move(body);
  }

  static void lingeringClose(Poco::Net::HTTPServerRequest &raw) {
    try {
      lingerThenClose(dynamic_cast<Poco::Net::HTTPServerRequestImpl &>(raw).socket());
    } catch (...) {
    }
  }

  // Whether the client has closed its side: readable with nothing to read
  // (FIN) or hung up. A pipelined next request is data, not a close.
  static std::function<bool()> clientGoneProbe(Poco::Net::HTTPServerRequest &raw) {
    auto *impl = dynamic_cast<Poco::Net::HTTPServerRequestImpl *>(&raw);
    if (impl == nullptr) return {};
    const int fd = impl->socket().impl()->sockfd();
    return [fd] {
      pollfd p{fd, POLLIN | POLLRDHUP, 0};
      if (::poll(&p, 1, 0) <= 0) return false;
      if ((p.revents & (POLLRDHUP | POLLHUP | POLLERR)) != 0) return true;
      char c;
      return ::recv(fd, &c, 1, MSG_PEEK | MSG_DONTWAIT) == 0;
    };
  }

  static Response problem(const ApiError &e, const Request &req) {
    Response r = Response::json(e.status(), problemJson(e, req.path, req.request_id));
    r.content_type = "application/problem+json";
    r.headers = e.headers;
    return r;
  }

  void send(Poco::Net::HTTPServerResponse &out, const Request &req, const Response &res) const {
    out.setStatusAndReason(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(res.status), httpReason(res.status));
    out.set("X-Request-Id", req.request_id);
    // Security headers on every answer (a handler's own value wins): no
    // MIME sniffing, no framing, no referrer, and answers are not cached by
    // shared caches; API answers (not the HTML docs page) may load nothing.
    out.set("X-Content-Type-Options", "nosniff");
    out.set("X-Frame-Options", "DENY");
    out.set("Referrer-Policy", "no-referrer");
    out.set("Cache-Control", "no-store");
    if (res.content_type.rfind("text/html", 0) != 0)
      out.set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
    // Over TLS: browsers keep to https:// for this host from now on.
    if (options_.tls.enabled && options_.tls.hsts_max_age_seconds > 0)
      out.set("Strict-Transport-Security", "max-age=" + std::to_string(options_.tls.hsts_max_age_seconds));
    for (const auto &[k, v] : res.headers)
      out.set(k, v);
    if (res.status == 204) {
      out.setContentLength(0);
      out.send();
      return;
    }
    out.setContentType(res.content_type);
    out.setContentLength64(static_cast<Poco::Int64>(res.body.size()));
    std::ostream &os = out.send();
    if (req.method != "HEAD") os.write(res.body.data(), static_cast<std::streamsize>(res.body.size()));
    os.flush();
  }

  const Router &router_;
  metrics::MetricsRegistry &metrics_;
  const ServerOptions &options_;
  const std::function<bool()> &crowded_;
};

class Factory : public Poco::Net::HTTPRequestHandlerFactory {
public:
  Factory(std::shared_ptr<const Router> router, metrics::MetricsRegistry &metrics, const ServerOptions &options,
          std::function<bool()> crowded)
      : router_(std::move(router)), metrics_(metrics), options_(options), crowded_(std::move(crowded)) {}
  Poco::Net::HTTPRequestHandler *createRequestHandler(const Poco::Net::HTTPServerRequest &) override {
    return new RouterHandler(*router_, metrics_, options_, crowded_); // Poco takes ownership
  }
  // What Poco's HTTPServer::stopAll does: idle connections close now, busy
  // ones after their request (or now, when `abort_current`).
  void stopConnections(bool abort_current) { serverStopped(this, abort_current); }
  // What each connection listens to for stopConnections (the event is protected).
  Poco::BasicEvent<const bool> &stopEvent() { return serverStopped; }

private:
  std::shared_ptr<const Router> router_;
  metrics::MetricsRegistry &metrics_;
  const ServerOptions &options_;
  std::function<bool()> crowded_;
};

// A connection the TLS handshake failed on: closed when Poco drops it.
class Dropped : public Poco::Net::TCPServerConnection {
public:
  using Poco::Net::TCPServerConnection::TCPServerConnection;
  void run() override {}
};

// On a TLS listener: the server side of the handshake on a worker, within
// a deadline, then Poco's HTTP connection on the secure socket. The front
// door has seen the ClientHello arrive; the rest of the handshake may not
// hold the worker longer than `timeout_ms` in all, however slowly the client
// sends (Poco's own handshake waits its receive timeout per read).
class TlsConnectionFactory : public Poco::Net::TCPServerConnectionFactory {
public:
  TlsConnectionFactory(Poco::Net::TCPServerConnectionFactory::Ptr http, Poco::Net::Context::Ptr context,
                       int64_t timeout_ms, std::shared_ptr<std::atomic<int>> handshaking,
                       metrics::MetricsRegistry &metrics)
      : http_(std::move(http)), context_(std::move(context)), timeout_ms_(timeout_ms),
        handshaking_(std::move(handshaking)), metrics_(metrics) {}

  Poco::Net::TCPServerConnection *createConnection(const Poco::Net::StreamSocket &socket) override {
    struct Count {
      std::atomic<int> &n;
      explicit Count(std::atomic<int> &c) : n(c) { ++n; }
      ~Count() { --n; }
    } counting(*handshaking_);
    const char *reason = "tls_handshake_failed";
    // OpenSSL's error queue is per thread: what an earlier connection of this
    // worker left there must not be read as this handshake's error.
    ERR_clear_error();
    try {
      return http_->createConnection(handshake(socket));
    } catch (const Poco::TimeoutException &) {
      reason = "tls_handshake_timeout";
      log::debug("TLS handshake timed out", {{"timeout_ms", std::to_string(timeout_ms_)}});
    } catch (const Poco::Exception &e) {
      log::debug("TLS handshake failed", {{"error", e.displayText()}});
    } catch (const std::exception &e) {
      log::debug("TLS handshake failed", {{"error", e.what()}});
    }
    ERR_clear_error(); // nor this one's be left for the next
    metrics_.increment("orders_http_connections_refused_total", {{"reason", reason}});
    return new Dropped(socket);
  }

private:
  Poco::Net::SecureStreamSocket handshake(const Poco::Net::StreamSocket &socket) const {
    using Clock = std::chrono::steady_clock;
    const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms_);
    Poco::Net::StreamSocket plain(socket);
    plain.setNoDelay(true);
    // Non-blocking while handshaking: completeHandshake() then answers "want
    // read/write" instead of waiting, and the waits are ours, on the deadline.
    plain.setBlocking(false);
    // With a server context attach() only sets up the accepting side; no I/O.
    Poco::Net::SecureStreamSocket secure = Poco::Net::SecureStreamSocket::attach(plain, context_);
    const int fd = plain.impl()->sockfd();
    for (;;) {
      const int rc = secure.completeHandshake();
      if (rc == 1) break;
      if (rc != Poco::Net::SecureStreamSocket::ERR_SSL_WANT_READ &&
          rc != Poco::Net::SecureStreamSocket::ERR_SSL_WANT_WRITE)
        throw Poco::Net::SSLConnectionUnexpectedlyClosedException("the client left during the TLS handshake");
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
      pollfd p{fd, static_cast<short>(rc == Poco::Net::SecureStreamSocket::ERR_SSL_WANT_READ ? POLLIN : POLLOUT), 0};
      int ready = 0;
      do
        ready = left > 0 ? ::poll(&p, 1, static_cast<int>(left)) : 0;
      while (ready < 0 && errno == EINTR);
      if (ready == 0) {
        secure.abort();
        throw Poco::TimeoutException("TLS handshake");
      }
    }
    plain.setBlocking(true);
    return secure;
  }

  Poco::Net::TCPServerConnectionFactory::Ptr http_;
  Poco::Net::Context::Ptr context_;
  int64_t timeout_ms_;
  std::shared_ptr<std::atomic<int>> handshaking_;
  metrics::MetricsRegistry &metrics_;
};

// Poco's HTTPServerConnection, except that a request Poco cannot read (a
// header line or field count beyond its limits, a malformed request line) is
// answered with a problem document like every other error instead of an
// empty 400. The loop, keep-alive and stop handling are Poco's.
class Connection : public Poco::Net::TCPServerConnection {
public:
  Connection(const Poco::Net::StreamSocket &socket, Poco::Net::HTTPServerParams::Ptr params,
             Poco::Net::HTTPRequestHandlerFactory::Ptr factory, Factory *events)
      : TCPServerConnection(socket), params_(std::move(params)), factory_(std::move(factory)), events_(events) {
    events_->stopEvent() += Poco::delegate(this, &Connection::onServerStopped);
  }
  ~Connection() override {
    try {
      events_->stopEvent() -= Poco::delegate(this, &Connection::onServerStopped);
    } catch (...) {
    }
  }

  void run() override {
    const std::string server = params_->getSoftwareVersion();
    Poco::Net::HTTPServerSession session(socket(), params_);
    while (!stopped_ && session.hasMoreRequests()) {
      try {
        std::lock_guard lock(mutex_);
        if (stopped_) break;
        Poco::Net::HTTPServerResponseImpl response(session);
        Poco::Net::HTTPServerRequestImpl request(response, session, params_);
        response.setDate(Poco::Timestamp());
        response.setVersion(request.getVersion());
        response.setKeepAlive(params_->getKeepAlive() && request.getKeepAlive() && session.canKeepAlive());
        if (!server.empty()) response.set("Server", server);
        try {
          std::unique_ptr<Poco::Net::HTTPRequestHandler> handler(factory_->createRequestHandler(request));
          if (request.getExpectContinue() && response.getStatus() == Poco::Net::HTTPResponse::HTTP_OK)
            response.sendContinue();
          handler->handleRequest(request, response);
          session.setKeepAlive(params_->getKeepAlive() && response.getKeepAlive() && session.canKeepAlive());
        } catch (const Poco::Exception &) {
          if (!response.sent()) {
            try {
              sendProblem(session, ApiError("internal", "internal error"));
            } catch (...) {
            }
          }
          throw;
        }
      } catch (const Poco::Net::NoMessageException &) {
        break;
      } catch (const Poco::Net::MessageException &e) { // what Poco reads as no request at all
        try {
          sendProblem(session, ApiError("invalid_argument", "malformed request: " + e.message()));
          lingerThenClose(socket());
        } catch (...) {
        }
        break;
      } catch (const Poco::Exception &) {
        if (session.networkException() != nullptr) session.networkException()->rethrow();
        throw;
      }
    }
  }

private:
  static void sendProblem(Poco::Net::HTTPServerSession &session, const ApiError &error) {
    const std::string id = newRequestId();
    const std::string body = sdk::writeJson(problemJson(error, "", id));
    Poco::Net::HTTPServerResponseImpl response(session);
    response.setVersion(Poco::Net::HTTPMessage::HTTP_1_1);
    response.setStatusAndReason(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(error.status()),
                                httpReason(error.status()));
    response.setKeepAlive(false);
    session.setKeepAlive(false);
    response.set("X-Request-Id", id);
    response.set("X-Content-Type-Options", "nosniff");
    response.set("Cache-Control", "no-store");
    response.setContentType("application/problem+json");
    response.setContentLength64(static_cast<Poco::Int64>(body.size()));
    // Not sendBuffer(): with no request read it writes the header only.
    std::ostream &out = response.send();
    out.write(body.data(), static_cast<std::streamsize>(body.size()));
    out.flush();
  }

  void onServerStopped(const bool &abort_current) {
    stopped_ = true;
    const auto shutdown = [this] {
      try {
        socket().shutdown();
      } catch (...) {
      }
    };
    if (abort_current) {
      shutdown();
    } else {
      std::lock_guard lock(mutex_); // the request in progress finishes first
      shutdown();
    }
  }

  Poco::Net::HTTPServerParams::Ptr params_;
  Poco::Net::HTTPRequestHandlerFactory::Ptr factory_;
  Factory *events_; // the same object as factory_
  std::atomic<bool> stopped_{false};
  std::mutex mutex_;
};

class ConnectionFactory : public Poco::Net::TCPServerConnectionFactory {
public:
  ConnectionFactory(Poco::Net::HTTPServerParams::Ptr params, Poco::Net::HTTPRequestHandlerFactory::Ptr factory,
                    Factory *events)
      : params_(std::move(params)), factory_(std::move(factory)), events_(events) {}
  Poco::Net::TCPServerConnection *createConnection(const Poco::Net::StreamSocket &socket) override {
    // Poco's session writes an answer in buffer-sized pieces (8 KB): without
    // TCP_NODELAY, Nagle held the last piece of any larger answer (a list
    // page) until the client's delayed ACK, 40 ms later.
    Poco::Net::StreamSocket(socket).setNoDelay(true);
    return new Connection(socket, params_, factory_, events_);
  }

private:
  Poco::Net::HTTPServerParams::Ptr params_;
  Poco::Net::HTTPRequestHandlerFactory::Ptr factory_;
  Factory *events_;
};

} // namespace

HttpServer::HttpServer(ServerOptions options, std::shared_ptr<const Router> router, metrics::MetricsRegistry &metrics)
    : options_(std::move(options)), router_(std::move(router)), metrics_(metrics) {
  metrics_.describe("orders_http_requests_total", metrics::Type::counter, "HTTP requests by route, method and status.");
  metrics_.describe("orders_http_request_duration_seconds", metrics::Type::histogram, "HTTP request latency by route.");
}

HttpServer::~HttpServer() { stop(0); }

void HttpServer::start() {
  Poco::Net::Context::Ptr tls; // before binding: a refused TLS config leaves the port alone
  if (options_.tls.enabled) {
    auto context = makeServerContext(options_.tls);
    if (!context.ok()) throw std::invalid_argument(context.error().message);
    tls = std::move(context).value();
  }
  Poco::Net::ServerSocket socket;
  socket.bind(Poco::Net::SocketAddress(options_.host, options_.port), true, false);
  socket.listen(std::max(128, options_.max_queued));
  bound_port_ = socket.address().port();

  Poco::Net::HTTPServerParams::Ptr params(new Poco::Net::HTTPServerParams());
  params->setMaxThreads(options_.threads);
  params->setMaxQueued(options_.max_queued);
  params->setKeepAlive(options_.keep_alive);
  params->setKeepAliveTimeout(Poco::Timespan(options_.keep_alive_timeout_ms * 1000));
  params->setMaxKeepAliveRequests(options_.max_keep_alive_requests);
  params->setServerName("order-service");
  params->setTimeout(Poco::Timespan(options_.read_timeout_ms * 1000));

  // A pool of our own so the thread count follows the config (Poco's default
  // pool holds 16).
  pool_ = std::make_unique<Poco::ThreadPool>(2, options_.threads, 60);
  const int threads = options_.threads, busy_percent = options_.keep_alive_busy_percent;
  auto crowded = [this, threads, busy_percent] {
    return dispatcher_ != nullptr && dispatcher_->currentConnections() * 100 >= threads * busy_percent;
  };
  auto *factory = new Factory(router_, metrics_, options_, crowded);
  Poco::Net::HTTPRequestHandlerFactory::Ptr handlers(factory);
  stop_connections_ = [factory, handlers](bool abort_current) { factory->stopConnections(abort_current); };
  Poco::Net::TCPServerConnectionFactory::Ptr connections(new ConnectionFactory(params, handlers, factory));
  if (tls)
    connections = new TlsConnectionFactory(connections, tls, options_.tls.handshake_timeout_ms, handshaking_, metrics_);
  dispatcher_ = new Poco::Net::TCPServerDispatcher(connections, *pool_, params);
  FrontDoorOptions door;
  door.header_timeout_ms = options_.header_timeout_ms;
  door.max_header_bytes = options_.max_header_bytes;
  door.max_connections = options_.max_connections;
  door.max_queued = options_.max_queued;
  door.tls = options_.tls.enabled;
  Poco::Net::TCPServerDispatcher *d = dispatcher_;
  std::shared_ptr<std::atomic<int>> handshaking = handshaking_;
  front_door_ = std::make_unique<FrontDoor>(
      socket, door,
      FrontDoor::Pool{[d, handshaking] { return d->currentConnections() + handshaking->load(); },
                      [d] { return d->queuedConnections(); }, [d](const Poco::Net::StreamSocket &s) { d->enqueue(s); }},
      metrics_);
  front_door_->start();
}

void HttpServer::stop(int64_t drain_ms) {
  if (!dispatcher_) return;
  // Stop accepting; connections close after their current request, idle
  // kept-alive ones at once (Poco's serverStopped event).
  front_door_->stop();
  stop_connections_(false);
  const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(drain_ms);
  while ((dispatcher_->currentConnections() > 0 || dispatcher_->queuedConnections() > 0) &&
         std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  if (dispatcher_->currentConnections() > 0) stop_connections_(true);
  dispatcher_->stop();
  pool_->joinAll();
  dispatcher_->release();
  dispatcher_ = nullptr;
  front_door_.reset();
  stop_connections_ = nullptr;
  pool_.reset();
}

uint16_t HttpServer::port() const { return bound_port_; }

} // namespace orders::host::http
