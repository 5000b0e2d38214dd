// API fuzzer: requests generated from schemas/openapi.yaml, valid ones and
// invalid mutations of them, sent to the real server on SQLite and on
// PostgreSQL, as every kind of caller. Every answer must come within 5 s and
// never be a 5xx; every 4xx is application/problem+json with `code`, `title`
// and `detail`, in UTF-8, and a body field the schema refuses is named by its
// JSON pointer; a body the schema surely refuses is never accepted; the
// process stays up and its RSS bounded. A violation prints the exact request.
//
// Seeded: ORDERS_API_FUZZ_SEED replays a run (the seed is printed),
// ORDERS_API_FUZZ_REQUESTS sets its length per engine.
#include "test_skip.hpp"
#include <cppunit/extensions/HelperMacros.h>
#include <yaml-cpp/yaml.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <random>
#include <set>
#include <sstream>

#include "orders/sdk/json.hpp"
#include "orders/sdk/text.hpp"
#include "reliability_row.hpp"
#include "server_process.hpp"

using namespace orders::e2e;

namespace {

constexpr int kAnswerTimeoutMs = 5000;
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
// AddressSanitizer holds freed memory in quarantine (256 MiB) and adds shadow and redzones, ThreadSanitizer its
// shadow: the test binary and the server are built alike (packaging/sanitize.sh), so the bound allows for it there.
constexpr int64_t kRssGrowthLimitKb = 1024 * 1024;
#else
constexpr int64_t kRssGrowthLimitKb = 200 * 1024;
#endif
constexpr size_t kLong = 64 * 1024;
constexpr int kNesting = 10000;

uint64_t envNumber(const char *name, uint64_t fallback) {
  const char *v = std::getenv(name);
  if (v == nullptr || *v == '\0') return fallback;
  return std::strtoull(v, nullptr, 0);
}

// ---------------------------------------------------------------------------
// The spec: YAML read as JSON values, $ref followed (in this document or in
// another file beside it), schemas inlined so generation needs no context.

Json::Value yamlToJson(const YAML::Node &n) {
  switch (n.Type()) {
  case YAML::NodeType::Sequence: {
    Json::Value a(Json::arrayValue);
    for (const auto &e : n)
      a.append(yamlToJson(e));
    return a;
  }
  case YAML::NodeType::Map: {
    Json::Value o(Json::objectValue);
    for (const auto &kv : n)
      o[kv.first.Scalar()] = yamlToJson(kv.second);
    return o;
  }
  case YAML::NodeType::Scalar: {
    const std::string &s = n.Scalar();
    if (n.Tag() != "?") return s; // quoted or a block: a string, whatever it reads like
    if (s == "true" || s == "True" || s == "TRUE") return true;
    if (s == "false" || s == "False" || s == "FALSE") return false;
    if (s == "null" || s == "Null" || s == "NULL" || s == "~") return Json::Value();
    if (!s.empty() && s.find_first_not_of("+-0123456789") == std::string::npos) {
      errno = 0;
      char *end = nullptr;
      const long long i = std::strtoll(s.c_str(), &end, 10);
      if (*end == '\0' && errno == 0) return Json::Value(static_cast<Json::Int64>(i));
    }
    if (!s.empty() && s.find_first_not_of("+-0123456789.eE") == std::string::npos) {
      char *end = nullptr;
      const double d = std::strtod(s.c_str(), &end);
      if (*end == '\0') return d;
    }
    return s;
  }
  default: return Json::Value();
  }
}

std::string readFile(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

const Json::Value *resolvePointer(const Json::Value &doc, const std::string &pointer) {
  const Json::Value *at = &doc;
  size_t i = 0;
  while (i < pointer.size()) {
    if (pointer[i] != '/') return nullptr;
    size_t next = pointer.find('/', i + 1);
    if (next == std::string::npos) next = pointer.size();
    std::string token;
    for (size_t k = i + 1; k < next; ++k) {
      if (pointer[k] == '~' && k + 1 < next) {
        token += pointer[++k] == '1' ? '/' : '~';
      } else if (pointer[k] == '%' && k + 2 < next) { // a URI fragment may percent-encode
        token += static_cast<char>(std::stoi(pointer.substr(k + 1, 2), nullptr, 16));
        k += 2;
      } else {
        token += pointer[k];
      }
    }
    if (at->isObject() && at->isMember(token))
      at = &(*at)[token];
    else if (at->isArray() && !token.empty() && token.find_first_not_of("0123456789") == std::string::npos &&
             std::stoul(token) < at->size())
      at = &(*at)[static_cast<Json::ArrayIndex>(std::stoul(token))];
    else
      return nullptr;
    i = next;
  }
  return at;
}

class Spec {
public:
  explicit Spec(const std::string &path) : root_(std::filesystem::absolute(path).lexically_normal().string()) {
    (void)document(root_);
  }

  struct At {
    const Json::Value *node;
    std::string doc;
  };

  At root() const { return {&document(root_), root_}; }

  // Follows $ref: "#/pointer" in the same document, "file#/pointer" in a file
  // beside the document holding the reference.
  At deref(At at) const {
    for (int hops = 0; at.node->isObject() && at.node->isMember("$ref"); ++hops) {
      if (hops > 64) throw std::runtime_error("$ref loop in " + at.doc);
      const std::string ref = (*at.node)["$ref"].asString();
      const size_t hash = ref.find('#');
      const std::string file = ref.substr(0, hash);
      std::string doc = at.doc;
      if (!file.empty()) doc = (std::filesystem::path(at.doc).parent_path() / file).lexically_normal().string();
      const Json::Value *target =
          resolvePointer(document(doc), hash == std::string::npos ? std::string() : ref.substr(hash + 1));
      if (target == nullptr) throw std::runtime_error("unresolvable $ref " + ref + " in " + at.doc);
      at = {target, doc};
    }
    return at;
  }

  // The schema with every $ref replaced by its target and allOf merged.
  Json::Value inlined(At at, int depth = 0) const {
    if (depth > 48) return Json::Value(Json::objectValue); // a recursive schema: anything deeper is free
    at = deref(at);
    const Json::Value &n = *at.node;
    if (n.isArray()) {
      Json::Value a(Json::arrayValue);
      for (const auto &e : n)
        a.append(inlined({&e, at.doc}, depth + 1));
      return a;
    }
    if (!n.isObject()) return n;
    Json::Value out(Json::objectValue);
    for (const std::string &key : n.getMemberNames()) {
      if (key == "allOf") continue;
      if (key == "example" || key == "examples" || key == "enum" || key == "default")
        out[key] = n[key]; // data, not schemas
      else
        out[key] = inlined({&n[key], at.doc}, depth + 1);
    }
    if (n.isMember("allOf"))
      for (const auto &part : n["allOf"])
        merge(out, inlined({&part, at.doc}, depth + 1));
    return out;
  }

  size_t documentsRead() const { return docs_.size(); }

private:
  static void merge(Json::Value &into, const Json::Value &part) {
    for (const std::string &key : part.getMemberNames()) {
      if (key == "properties") {
        for (const std::string &p : part[key].getMemberNames())
          if (!into["properties"].isMember(p)) into["properties"][p] = part[key][p];
      } else if (key == "required") {
        for (const auto &r : part[key]) {
          bool present = false;
          for (const auto &have : into["required"])
            present = present || have == r;
          if (!present) into["required"].append(r);
        }
      } else if (!into.isMember(key)) {
        into[key] = part[key];
      }
    }
  }

  const Json::Value &document(const std::string &path) const {
    auto it = docs_.find(path);
    if (it != docs_.end()) return it->second;
    Json::Value v = path.size() > 5 && path.substr(path.size() - 5) == ".json" ? orders::sdk::parseJson(readFile(path))
                                                                               : yamlToJson(YAML::LoadFile(path));
    return docs_.emplace(path, std::move(v)).first->second;
  }

  std::string root_;
  mutable std::map<std::string, Json::Value> docs_; // node-stable: pointers into them stay valid
};

struct Param {
  std::string name, in;
  bool required = false;
  Json::Value schema;
};

struct Operation {
  std::string method, path, route; // path as the spec writes it (/api/orders/{id}), route as the server (:id)
  std::vector<Param> params;
  bool has_body = false, body_required = false, json_body = false;
  Json::Value body_schema;
  bool is_public = false;
  std::set<int> json_answers; // statuses whose answer is application/json
  std::string name() const { return method + " " + path; }
  bool hook() const { return path.rfind("/hooks/", 0) == 0; }
};

std::string routeOf(const std::string &path) {
  std::string out;
  for (size_t i = 0; i < path.size(); ++i) {
    if (path[i] == '{') {
      const size_t close = path.find('}', i);
      out += ":" + path.substr(i + 1, close - i - 1);
      i = close;
    } else {
      out += path[i];
    }
  }
  return out;
}

Param paramOf(const Spec &spec, Spec::At at) {
  at = spec.deref(at);
  const Json::Value &n = *at.node;
  Param p;
  p.name = n["name"].asString();
  p.in = n["in"].asString();
  p.required = n["required"].asBool();
  if (n.isMember("schema")) p.schema = spec.inlined({&n["schema"], at.doc});
  return p;
}

std::vector<Operation> operationsOf(const Spec &spec) {
  std::vector<Operation> ops;
  const Spec::At root = spec.root();
  const Json::Value &paths = (*root.node)["paths"];
  const Json::Value &default_security = (*root.node)["security"];
  for (const std::string &path : paths.getMemberNames()) {
    const Spec::At item = spec.deref({&paths[path], root.doc});
    std::vector<Param> shared;
    for (const auto &p : (*item.node)["parameters"])
      shared.push_back(paramOf(spec, {&p, item.doc}));
    for (const char *method : {"get", "put", "post", "delete", "patch", "head", "options"}) {
      if (!item.node->isMember(method)) continue;
      const Spec::At op = spec.deref({&(*item.node)[method], item.doc});
      const Json::Value &o = *op.node;
      Operation out;
      out.method = method;
      std::transform(out.method.begin(), out.method.end(), out.method.begin(), ::toupper);
      out.path = path;
      out.route = routeOf(path);
      out.params = shared;
      for (const auto &p : o["parameters"]) {
        Param mine = paramOf(spec, {&p, op.doc});
        auto same = std::find_if(out.params.begin(), out.params.end(),
                                 [&](const Param &q) { return q.name == mine.name && q.in == mine.in; });
        if (same != out.params.end())
          *same = mine;
        else
          out.params.push_back(mine);
      }
      const Json::Value &security = o.isMember("security") ? o["security"] : default_security;
      out.is_public = !security.isArray() || security.empty();
      if (o.isMember("requestBody")) {
        const Spec::At body = spec.deref({&o["requestBody"], op.doc});
        out.has_body = true;
        out.body_required = (*body.node)["required"].asBool();
        const Json::Value &content = (*body.node)["content"];
        const std::string media =
            content.isMember("application/json") ? "application/json" : content.getMemberNames().front();
        out.json_body = media == "application/json";
        out.body_schema = spec.inlined({&content[media]["schema"], body.doc});
      }
      for (const std::string &code : o["responses"].getMemberNames()) {
        const Spec::At answer = spec.deref({&o["responses"][code], op.doc});
        if ((*answer.node)["content"].isMember("application/json")) out.json_answers.insert(std::stoi(code));
      }
      ops.push_back(std::move(out));
    }
  }
  return ops;
}

// ---------------------------------------------------------------------------
// HTTP on a raw socket: the fuzzer decides every byte (bad percent-encoding,
// raw non-UTF-8, any Content-Type), and every exchange has a deadline.

struct Call {
  std::string method, target; // target: path and query, exactly as sent
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  bool send_length = false;
  // What the fuzzer did, for the checks and the report.
  std::string op, who, mutation;
  std::string field;           // the body field it broke (a JSON pointer), when one
  bool surely_invalid = false; // the request schema refuses this body
};

struct Answer {
  int status = 0;
  std::map<std::string, std::string> headers; // lower-case names
  std::string body;
  double seconds = 0;
  std::string error;
};

std::string wire(const Call &c, uint16_t port) {
  std::string out = c.method + " " + c.target + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) + "\r\n";
  for (const auto &[k, v] : c.headers)
    out += k + ": " + v + "\r\n";
  if (c.send_length || !c.body.empty()) out += "Content-Length: " + std::to_string(c.body.size()) + "\r\n";
  out += "Connection: close\r\n\r\n";
  return out + c.body;
}

std::string lower(std::string s) {
  for (char &ch : s)
    ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return s;
}

bool parseAnswer(const std::string &raw, Answer &a) {
  const size_t end = raw.find("\r\n\r\n");
  if (end == std::string::npos || raw.rfind("HTTP/1.", 0) != 0 || raw.size() < 12) {
    a.error = "no complete answer header (" + std::to_string(raw.size()) + " bytes)";
    return false;
  }
  a.status = std::atoi(raw.c_str() + 9);
  std::istringstream head(raw.substr(0, end));
  std::string line;
  std::getline(head, line);
  while (std::getline(head, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string value = line.substr(colon + 1);
    value.erase(0, value.find_first_not_of(' '));
    a.headers[lower(line.substr(0, colon))] = value;
  }
  std::string rest = raw.substr(end + 4);
  if (lower(a.headers["transfer-encoding"]).find("chunked") != std::string::npos) {
    std::string body;
    size_t at = 0;
    for (;;) {
      const size_t eol = rest.find("\r\n", at);
      if (eol == std::string::npos) break;
      const size_t n = std::strtoul(rest.substr(at, eol - at).c_str(), nullptr, 16);
      if (n == 0) break;
      body += rest.substr(eol + 2, n);
      at = eol + 2 + n + 2;
    }
    a.body = body;
  } else if (a.headers.count("content-length")) {
    const size_t n = std::strtoul(a.headers["content-length"].c_str(), nullptr, 10);
    if (rest.size() < n) {
      a.error = "answer body cut short: " + std::to_string(rest.size()) + " of " + std::to_string(n) + " bytes";
      a.body = rest;
      return false;
    }
    a.body = rest.substr(0, n);
  } else {
    a.body = rest;
  }
  return true;
}

Answer exchange(uint16_t port, const std::string &request) {
  Answer a;
  const auto start = std::chrono::steady_clock::now();
  const auto deadline = start + std::chrono::milliseconds(kAnswerTimeoutMs);
  auto left = [&] {
    return static_cast<int>(std::max<int64_t>(
        0, std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count()));
  };
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) != 0) {
    a.error = std::string("connect: ") + std::strerror(errno);
    ::close(fd);
    return a;
  }
  size_t sent = 0;
  while (sent < request.size()) { // the server may answer early (431) and stop reading: then read what it said
    pollfd p{fd, POLLOUT, 0};
    if (::poll(&p, 1, left()) <= 0) break;
    const ssize_t n = ::send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) break;
    sent += static_cast<size_t>(n);
  }
  std::string raw;
  char buf[65536];
  bool timed_out = false;
  for (;;) {
    pollfd p{fd, POLLIN, 0};
    const int ready = ::poll(&p, 1, left());
    if (ready <= 0) {
      timed_out = true;
      break;
    }
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break; // closed (Connection: close) or reset
    raw.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  a.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!parseAnswer(raw, a) && timed_out) a.status = 0; // nothing whole came in time
  if (timed_out)
    a.error =
        "no whole answer within " + std::to_string(kAnswerTimeoutMs) + " ms" + (a.error.empty() ? "" : "; " + a.error);
  return a;
}

// ---------------------------------------------------------------------------
// Checks.

using orders::sdk::validUtf8;

// Printable, with other bytes as \xNN, cut to `max` bytes.
std::string shown(const std::string &s, size_t max) {
  std::string out;
  for (size_t i = 0; i < s.size() && i < max; ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c == '\\')
      out += "\\\\";
    else if (c >= 0x20 && c < 0x7F)
      out += static_cast<char>(c);
    else {
      char hex[8];
      std::snprintf(hex, sizeof hex, "\\x%02x", c);
      out += hex;
    }
  }
  if (s.size() > max) out += "...(" + std::to_string(s.size()) + " bytes in all)";
  return out;
}

std::string describe(const Call &c, const Answer &a) {
  std::string out = "    request: " + c.method + " " + shown(c.target, 200) + "\n";
  out += "    as: " + c.who + "; operation: " + c.op + "; mutation: " + c.mutation +
         (c.field.empty() ? "" : " at " + c.field) + "\n";
  for (const auto &[k, v] : c.headers)
    out += "    header: " + k + ": " + shown(v, 200) + "\n";
  if (c.send_length || !c.body.empty()) out += "    body: " + shown(c.body, 600) + "\n";
  out += "    answer: " + std::to_string(a.status) + " in " + std::to_string(a.seconds) + " s" +
         (a.error.empty() ? "" : " (" + a.error + ")") +
         (a.headers.count("content-type") ? "; Content-Type: " + a.headers.at("content-type") : "") + "\n";
  if (!a.body.empty()) out += "    answer body: " + shown(a.body, 600) + "\n";
  return out;
}

// The last token of a JSON pointer.
std::string lastToken(const std::string &pointer) { return pointer.substr(pointer.rfind('/') + 1); }

bool isAncestor(const std::string &ancestor, const std::string &pointer) {
  const std::string a = ancestor == "/" ? "" : ancestor;
  return pointer.size() > a.size() && pointer.compare(0, a.size(), a) == 0 && pointer[a.size()] == '/';
}

// Does the problem name `field` (the pointer itself, or its parent with the
// member named in the message)?
bool namesField(const Json::Value &problem, const std::string &field) {
  const std::string want = field.empty() ? "/" : field;
  for (const auto &e : problem["errors"]) {
    const std::string p = e["pointer"].asString();
    if (p == want) return true;
    if (isAncestor(p, want) && e["message"].asString().find(lastToken(want)) != std::string::npos) return true;
  }
  return false;
}

// What is wrong with this answer to this call (empty: nothing).
std::vector<std::string> violations(const Call &c, const Answer &a, const Operation *op) {
  std::vector<std::string> out;
  if (a.status == 0) {
    out.push_back("no answer: " + a.error);
    return out;
  }
  if (!a.error.empty()) out.push_back("broken answer: " + a.error);
  if (a.seconds > kAnswerTimeoutMs / 1000.0) out.push_back("answered after " + std::to_string(a.seconds) + " s");
  if (a.status >= 500) out.push_back("answered " + std::to_string(a.status));
  if (a.status >= 400 && a.status < 500) {
    const std::string type = a.headers.count("content-type") ? a.headers.at("content-type") : "";
    if (type.rfind("application/problem+json", 0) != 0)
      out.push_back("a 4xx that is not application/problem+json (Content-Type: '" + type + "')");
    if (!validUtf8(a.body)) out.push_back("a problem body that is not UTF-8");
    Json::Value p;
    try {
      p = orders::sdk::parseJson(a.body);
    } catch (const std::exception &e) {
      out.push_back(std::string("a 4xx body that is not JSON: ") + e.what());
      return out;
    }
    if (!p.isObject()) {
      out.push_back("a 4xx body that is not a JSON object");
      return out;
    }
    if (!p["code"].isString() || p["code"].asString().empty()) out.push_back("a problem without `code`");
    if (!p["title"].isString() || !p["detail"].isString()) out.push_back("a problem without `title` and `detail`");
    if (!p["status"].isInt() || p["status"].asInt() != a.status)
      out.push_back("a problem whose `status` is not the answer's");
    const std::string detail = p["detail"].asString();
    if (detail.rfind("request body is invalid", 0) == 0) {
      bool well_formed = p["errors"].isArray() && !p["errors"].empty();
      for (const auto &e : p["errors"])
        well_formed = well_formed && e["pointer"].isString() && e["pointer"].asString().rfind('/', 0) == 0 &&
                      e["message"].isString();
      if (!well_formed)
        out.push_back("a body validation failure without `errors` [{pointer, message}]");
      else if (c.surely_invalid && !c.field.empty() && !namesField(p, c.field))
        out.push_back("a body validation failure that does not name the broken field " + c.field);
    }
  }
  if (a.status >= 200 && a.status < 300) {
    if (c.surely_invalid) out.push_back("accepted a body the request schema refuses");
    if (op != nullptr && op->json_answers.count(a.status)) {
      try {
        (void)orders::sdk::parseJson(a.body);
      } catch (const std::exception &e) {
        out.push_back(std::string("a JSON answer that does not parse: ") + e.what());
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------------------
// Generation.

struct World { // what exists on the server, so path ids sometimes do
  std::vector<std::string> ids, numbers;
  void add(const Json::Value &order) {
    if (!order["id"].isString() || ids.size() >= 64) return;
    ids.push_back(order["id"].asString());
    numbers.push_back(order["orderNumber"].asString());
  }
};

enum class Who { none, buyer1, buyer2, seller1, seller2, admin, internal, wrong_key, unknown_role };

const char *whoName(Who w) {
  switch (w) {
  case Who::none: return "no credentials";
  case Who::buyer1: return "buyer u1";
  case Who::buyer2: return "buyer u2";
  case Who::seller1: return "seller s1";
  case Who::seller2: return "seller s2";
  case Who::admin: return "admin";
  case Who::internal: return "internal token";
  case Who::wrong_key: return "a wrong gateway key";
  case Who::unknown_role: return "an unknown role";
  }
  return "?";
}

void authenticate(Who w, std::vector<std::pair<std::string, std::string>> &h) {
  auto gateway = [&](const std::string &user, const std::string &role, const std::string &key = "test-gateway-key") {
    h.emplace_back("x-gateway-key", key);
    h.emplace_back("x-user-id", user);
    h.emplace_back("x-user-role", role);
    if (role == "seller") h.emplace_back("x-seller-id", user);
  };
  switch (w) {
  case Who::none: break;
  case Who::buyer1: gateway("u1", "buyer"); break;
  case Who::buyer2: gateway("u2", "buyer"); break;
  case Who::seller1: gateway("s1", "seller"); break;
  case Who::seller2: gateway("s2", "seller"); break;
  case Who::admin: gateway("ops", "admin"); break;
  case Who::internal: h.emplace_back("x-internal-token", "test-internal-token"); break;
  case Who::wrong_key: gateway("u1", "buyer", "not-the-key"); break;
  case Who::unknown_role: gateway("u1", "superuser"); break;
  }
}

std::string percentEncode(const std::string &s) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      char hex[4];
      std::snprintf(hex, sizeof hex, "%%%02X", c);
      out += hex;
    }
  }
  return out;
}

std::string typeOf(const Json::Value &schema) {
  if (schema["type"].isString()) return schema["type"].asString();
  if (schema.isMember("properties") || schema.isMember("additionalProperties")) return "object";
  if (schema.isMember("items")) return "array";
  return "";
}

// Whether a value has the JSON type the schema asks for (no `type`: any).
bool typeAccepts(const Json::Value &schema, const Json::Value &v) {
  const std::string t = typeOf(schema);
  if (t.empty()) return true;
  if (v.isNull()) return schema["nullable"].asBool();
  switch (v.type()) {
  case Json::intValue:
  case Json::uintValue: return t == "integer" || t == "number";
  case Json::realValue: return t == "number" || (t == "integer" && std::floor(v.asDouble()) == v.asDouble());
  case Json::stringValue: return t == "string";
  case Json::booleanValue: return t == "boolean";
  case Json::arrayValue: return t == "array";
  case Json::objectValue: return t == "object";
  default: return true;
  }
}

// A place in a generated body, with its schema.
struct Slot {
  std::string pointer; // "" is the whole body
  Json::Value schema;
  bool required = false;
  bool is_object = false;
};

void collectSlots(const Json::Value &v, const Json::Value &schema, const std::string &at, bool required,
                  std::vector<Slot> &out) {
  out.push_back(Slot{at, schema, required, v.isObject()});
  if (v.isObject()) {
    std::set<std::string> req;
    for (const auto &r : schema["required"])
      req.insert(r.asString());
    for (const std::string &k : v.getMemberNames()) {
      Json::Value child(Json::objectValue);
      if (schema["properties"].isMember(k))
        child = schema["properties"][k];
      else if (schema["additionalProperties"].isObject())
        child = schema["additionalProperties"];
      collectSlots(v[k], child, at + "/" + k, req.count(k) > 0, out);
    }
  } else if (v.isArray()) {
    for (Json::ArrayIndex i = 0; i < v.size(); ++i)
      collectSlots(v[i], schema["items"].isObject() ? schema["items"] : Json::Value(Json::objectValue),
                   at + "/" + std::to_string(i), false, out);
  }
}

std::vector<std::string> tokens(const std::string &pointer) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < pointer.size()) {
    size_t next = pointer.find('/', i + 1);
    if (next == std::string::npos) next = pointer.size();
    out.push_back(pointer.substr(i + 1, next - i - 1));
    i = next;
  }
  return out;
}

Json::Value &valueAt(Json::Value &root, const std::string &pointer) {
  Json::Value *at = &root;
  for (const std::string &t : tokens(pointer))
    at = at->isArray() ? &(*at)[static_cast<Json::ArrayIndex>(std::stoul(t))] : &(*at)[t];
  return *at;
}

void removeAt(Json::Value &root, const std::string &pointer) {
  const size_t slash = pointer.rfind('/');
  Json::Value &parent = valueAt(root, pointer.substr(0, slash));
  const std::string key = pointer.substr(slash + 1);
  if (parent.isArray()) {
    Json::Value removed;
    parent.removeIndex(static_cast<Json::ArrayIndex>(std::stoul(key)), &removed);
  } else {
    parent.removeMember(key);
  }
}

const char *const kRawMark = "@@fuzz-raw@@";

// The body's text with the value at `pointer` replaced by raw JSON text
// (numbers JSON cannot hold, bytes that are not UTF-8, ...).
std::string withRaw(Json::Value body, const std::string &pointer, const std::string &raw) {
  if (pointer.empty()) return raw;
  valueAt(body, pointer) = kRawMark;
  std::string text = orders::sdk::writeJson(body);
  const std::string quoted = std::string("\"") + kRawMark + "\"";
  text.replace(text.find(quoted), quoted.size(), raw);
  return text;
}

std::string nested(int depth, bool objects) {
  std::string out;
  out.reserve(static_cast<size_t>(depth) * 6 + 2);
  for (int i = 0; i < depth; ++i)
    out += objects ? "{\"a\":" : "[";
  out += "1";
  for (int i = 0; i < depth; ++i)
    out += objects ? "}" : "]";
  return out;
}

const std::vector<std::string> kSkus = {"sku-mug", "sku-beans", "sku-tee"};
const std::vector<std::string> kStatuses = {"pending", "awaiting_payment", "payment_failed", "paid",      "processing",
                                            "shipped", "delivered",        "completed",      "cancelled", "refunded"};
const std::vector<std::string> kWords = {"Ana",  "Demo",  "Street", "Dublin",  "gift", "Zoë",      "東京",
                                         "שלום", "مرحبا", "🙂",   "O'Brien", "a&b",  "<b>x</b>", "100%",
                                         "x\ny", "t\tb",  "\"q\"",  "b\\s",    "ß",    "日本語"};
// Raw JSON number tokens: beyond double, beyond 64 bits, negative zero, ...
const std::vector<std::string> kHugeNumbers = {"1e400",
                                               "-1e400",
                                               "18446744073709551616",
                                               "18446744073709551615",
                                               "9223372036854775808",
                                               "-9223372036854775809",
                                               "-0",
                                               "-0.0",
                                               "1e-400",
                                               "123456789012345678901234567890",
                                               "4.9e-324",
                                               "1.7976931348623157e308",
                                               "0.1",
                                               "1.0",
                                               "1E2"};
const std::vector<std::string> kNanLike = {
    "\"NaN\"", "\"Infinity\"", "\"-Infinity\"", "\"1e400\"", "NaN", "Infinity", "-Infinity", "nan", "+1", "0x10", "01",
    ".5",      "1.",           "--1",           "1e"};
// Raw JSON strings: emoji, right-to-left, NUL, lone surrogates, ...
const std::vector<std::string> kUnicode = {
    "\"🙂🚀👍🏽\"", "\"\\u202Eevil\\u202C\"", "\"שלום עולם\"",       "\"مرحبا بالعالم\"",
    "\"\\u0000\"",          "\"a\\u0000b\"",          "\"\\ud800\"",         "\"\\udc00\"",
    "\"x\\ud800\\u0041\"",  "\"\\ud83d\\ude00\"",     "\"\\uFEFF\"",         "\"e\\u0301\\u0301\"",
    "\"\\uFFFF\\uFFFE\"",   "\"\\u001f\\u007f\"",     "\"Z\\u0351\\u0352\"", "\"\\u2028\\u2029\""};
// Raw JSON strings holding bytes that are not UTF-8.
const std::vector<std::string> kBadUtf8 = {"\"\xff\"",
                                           "\"a\xc0\xaf\"",
                                           "\"\xe2\x82\"",
                                           "\"\xed\xa0\x80\"",
                                           "\"\xf8\x88\x80\x80\x80\"",
                                           "\"\xfe\xfe\xff\xff\"",
                                           "\"ok\xc3\"",
                                           "\"ok\x80\""};
const std::vector<std::string> kPathJunk = {"%",
                                            "%z",
                                            "%zz",
                                            "%0",
                                            "%00",
                                            "%ff%fe",
                                            "%C0%AF",
                                            "%ED%A0%80",
                                            "%2F",
                                            "%25",
                                            "%u0041",
                                            "%%%",
                                            "%F0%9F%92%A9",
                                            "%E2%80%AE",
                                            "a%00b",
                                            "..",
                                            ".",
                                            "%2e%2e",
                                            "null",
                                            "-1",
                                            "0",
                                            "99999999999999999999",
                                            "%27%20OR%201%3D1--",
                                            "\xff\xfe",
                                            "\xf0\x9f\x92\xa9",
                                            "%0d%0aX-Injected:%201",
                                            "~!$&'()*+,;=:@"};
const std::vector<std::string> kBadContentTypes = {
    "text/plain", "application/xml",         "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
    "",           "APPLICATION/JSON",        "application/json; charset=utf-16",  "application/jsonx",
    "*/*",        "application/problem+json"};

class Fuzzer {
public:
  Fuzzer(uint64_t seed, World &world) : rng_(seed), world_(world) {}

  Call next(const Operation &op) {
    Call c;
    c.op = op.name();
    c.method = op.method;
    const Who who = pickWho();
    c.who = whoName(who);
    authenticate(who, c.headers);

    std::map<std::string, std::string> path_values, query;
    for (const Param &p : op.params) {
      if (p.in == "path") path_values[p.name] = percentEncode(validParam(p, op));
      if (p.in == "query" && (p.required || chance(0.3))) query[p.name] = validParam(p, op);
      if (p.in == "header" && (p.required || chance(0.25))) c.headers.emplace_back(p.name, validParam(p, op));
    }
    Json::Value body;
    bool with_body = op.has_body && (op.body_required || chance(0.6));
    if (with_body) body = op.hook() ? hookBody(op) : valid(op.body_schema, "", 0);
    if (op.hook() && chance(0.85))
      c.headers.emplace_back(
          "x-webhook-secret",
          chance(0.85) ? (op.path.find("payment") != std::string::npos ? "test-webhook-secret" : "test-shipping-secret")
                       : "wrong-secret");
    c.mutation = "none (valid)";
    std::string body_text = with_body ? orders::sdk::writeJson(body) : "";
    std::string content_type = with_body ? "application/json" : "";

    const double roll = uniform();
    if (roll < 0.30) {
      // valid
    } else if (roll < 0.72) {
      if (!with_body) { // a body where none or an optional one goes: mutate a valid one
        body = op.has_body && !op.hook() ? valid(op.body_schema, "", 0) : Json::Value(Json::objectValue);
        with_body = true;
        content_type = "application/json";
      }
      body_text = mutateBody(op, body, c, content_type);
    } else if (roll < 0.82 && !path_values.empty()) {
      auto it = path_values.begin();
      std::advance(it, static_cast<long>(below(path_values.size())));
      it->second = junkPathValue();
      c.mutation = "path parameter " + it->first + " junk";
    } else if (roll < 0.92) {
      mutateQuery(op, query, c);
    } else {
      mutateHeaders(op, c, content_type);
    }

    std::string path = op.path;
    for (const auto &[name, value] : path_values) {
      const size_t at = path.find("{" + name + "}");
      if (at != std::string::npos) path.replace(at, name.size() + 2, value);
    }
    c.target = path;
    if (!query.empty() || c.mutation.rfind("query", 0) == 0) {
      std::string q;
      for (const auto &[k, v] : query)
        q += (q.empty() ? "" : "&") + (k.rfind("\x01raw:", 0) == 0 ? k.substr(5) : percentEncode(k) + "=" + v);
      c.target += "?" + q;
    }
    if (!content_type.empty()) c.headers.emplace_back("Content-Type", content_type);
    c.body = body_text;
    c.send_length = with_body || op.method == "POST" || op.method == "PUT";
    return c;
  }

  size_t below(size_t n) { return n == 0 ? 0 : std::uniform_int_distribution<size_t>(0, n - 1)(rng_); }
  double uniform() { return std::uniform_real_distribution<double>(0, 1)(rng_); }
  bool chance(double p) { return uniform() < p; }
  template <class T> const T &pick(const std::vector<T> &v) { return v[below(v.size())]; }

private:
  Who pickWho() {
    static const std::vector<std::pair<Who, int>> kWeights = {
        {Who::admin, 25},  {Who::buyer1, 25}, {Who::internal, 15}, {Who::buyer2, 7},      {Who::seller1, 7},
        {Who::seller2, 4}, {Who::none, 8},    {Who::wrong_key, 4}, {Who::unknown_role, 5}};
    size_t roll = below(100);
    for (const auto &[w, weight] : kWeights) {
      if (roll < static_cast<size_t>(weight)) return w;
      roll -= static_cast<size_t>(weight);
    }
    return Who::admin;
  }

  std::string randomText(size_t min_len, size_t max_len) {
    const size_t len = min_len + below(std::max<size_t>(1, std::min<size_t>(max_len, min_len + 16) - min_len + 1));
    std::string s;
    while (s.size() < len) {
      if (chance(0.2)) {
        const std::string &w = pick(kWords);
        if (s.size() + w.size() <= max_len)
          s += w;
        else
          s += 'x';
      } else {
        static const char kAlnum[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 -";
        s += kAlnum[below(sizeof kAlnum - 1)];
      }
    }
    // maxLength counts characters; a word's bytes exceed them, never the reverse
    return s;
  }

  std::string uuid() {
    static const char kHex[] = "0123456789abcdef";
    std::string s = "xxxxxxxx-xxxx-4xxx-8xxx-xxxxxxxxxxxx";
    for (char &ch : s)
      if (ch == 'x') ch = kHex[below(16)];
    return s;
  }

  std::string dateTime() {
    char buf[40];
    std::snprintf(buf, sizeof buf, "%04zu-%02zu-%02zuT%02zu:%02zu:%02zu%sZ", 2020 + below(10), 1 + below(12),
                  1 + below(28), below(24), below(60), below(60), chance(0.5) ? ".123" : "");
    return buf;
  }

  // ^[class]{m,n}$ and ^[class]{m}$: the only patterns the API schemas use.
  std::optional<std::string> fromPattern(const std::string &pattern) {
    if (pattern.size() < 6 || pattern.front() != '^' || pattern[1] != '[' || pattern.back() != '$') return std::nullopt;
    const size_t close = pattern.find(']');
    const size_t brace = pattern.find('{', close);
    if (close == std::string::npos || brace != close + 1) return std::nullopt;
    std::string chars;
    const std::string cls = pattern.substr(2, close - 2);
    for (size_t i = 0; i < cls.size(); ++i) {
      if (i + 2 < cls.size() && cls[i + 1] == '-') {
        for (char ch = cls[i]; ch <= cls[i + 2]; ++ch)
          chars += ch;
        i += 2;
      } else {
        chars += cls[i];
      }
    }
    size_t lo = std::strtoul(pattern.c_str() + brace + 1, nullptr, 10), hi = lo;
    const size_t comma = pattern.find(',', brace);
    if (comma != std::string::npos && comma < pattern.find('}', brace))
      hi = std::strtoul(pattern.c_str() + comma + 1, nullptr, 10);
    hi = std::min(hi, lo + 20);
    std::string s;
    const size_t len = lo + below(hi - lo + 1);
    for (size_t i = 0; i < len; ++i)
      s += chars[below(chars.size())];
    return s;
  }

  Json::Value validString(const Json::Value &s, const std::string &name) {
    if (name == "productId" && chance(0.9)) return pick(kSkus);
    if (name == "country") return pick(std::vector<std::string>{"IE", "US", "DE", "JP"});
    if (name == "currency") return "USD";
    if (name == "email") return pick(std::vector<std::string>{"buyer@example.com", "zoë@例え.jp"});
    if (name == "userId") return pick(std::vector<std::string>{"u1", "u2"});
    if (name == "sellerId") return pick(std::vector<std::string>{"s1", "s2"});
    if (name == "status" || name == "newStatus") return pick(kStatuses);
    if (name == "idempotencyKey" || name == "Idempotency-Key") return "fuzz-" + std::to_string(++keys_) + "-" + uuid();
    if (name == "orderId") return world_.ids.empty() || chance(0.2) ? uuid() : pick(world_.ids);
    if (s["format"].asString() == "date-time") return dateTime();
    if (s["format"].asString() == "uuid") return uuid();
    if (s["pattern"].isString())
      if (auto p = fromPattern(s["pattern"].asString())) return *p;
    const size_t lo = s["minLength"].isIntegral() ? s["minLength"].asUInt() : 0;
    const size_t hi = s["maxLength"].isIntegral() ? s["maxLength"].asUInt() : 40;
    std::string text = randomText(std::max<size_t>(lo, 1), std::max<size_t>(hi, 1));
    if (text.size() > hi) text.resize(hi); // ASCII fill keeps this on a character boundary most of the time
    while (!text.empty() && !validUtf8(text))
      text.pop_back();
    if (text.size() < lo) text.append(lo - text.size(), 'x');
    return text;
  }

  Json::Value valid(const Json::Value &s, const std::string &name, int depth) {
    if (s.isMember("enum") && s["enum"].isArray() && !s["enum"].empty()) {
      Json::Value v;
      for (int i = 0; i < 8 && (v.isNull()); ++i)
        v = s["enum"][static_cast<Json::ArrayIndex>(below(s["enum"].size()))];
      return v;
    }
    const std::string t = typeOf(s);
    if (t == "object" && depth < 8) {
      Json::Value o(Json::objectValue);
      std::set<std::string> req;
      for (const auto &r : s["required"])
        req.insert(r.asString());
      static const std::map<std::string, double> kOptional = {
          {"variantId", 0.03}, {"reservationId", 0.03}, {"idempotencyKey", 0.15}, {"billingAddress", 0.3},
          {"metadata", 0.3},   {"customer", 0.4},       {"shippingAddress", 0.8}, {"payLater", 0.3},
          {"items", 0.95},     {"email", 0.5},          {"status", 0.2},          {"newStatus", 0.9}};
      for (const std::string &k : s["properties"].getMemberNames()) {
        const auto hint = kOptional.find(k);
        if (req.count(k) || chance(hint == kOptional.end() ? 0.4 : hint->second))
          o[k] = valid(s["properties"][k], k, depth + 1);
      }
      if (s["additionalProperties"].isObject() && s["properties"].empty()) {
        const size_t n = below(4);
        for (size_t i = 0; i < n; ++i)
          o["note" + std::to_string(i)] = valid(s["additionalProperties"], "note", depth + 1);
      }
      return o;
    }
    if (t == "array" && depth < 8) {
      Json::Value a(Json::arrayValue);
      const size_t lo = s["minItems"].isIntegral() ? s["minItems"].asUInt() : 0;
      const size_t hi = std::min<size_t>(s["maxItems"].isIntegral() ? s["maxItems"].asUInt() : 3, lo + 3);
      const size_t n = lo + below(hi - lo + 1);
      for (size_t i = 0; i < n; ++i)
        a.append(valid(s["items"], name, depth + 1));
      return a;
    }
    if (t == "integer" || t == "number") {
      if (name == "quantity") return static_cast<Json::Int64>(1 + below(3));
      if (name == "shippingMinor") return static_cast<Json::Int64>(below(5000));
      const int64_t lo = s["minimum"].isNumeric() ? static_cast<int64_t>(s["minimum"].asDouble()) : 0;
      const int64_t hi = s["maximum"].isNumeric() ? static_cast<int64_t>(s["maximum"].asDouble()) : lo + 1000;
      return static_cast<Json::Int64>(
          lo + static_cast<int64_t>(below(static_cast<size_t>(std::min<int64_t>(hi - lo, 1000) + 1))));
    }
    if (t == "boolean") return chance(0.5);
    if (t == "string" || t.empty()) return validString(s, name);
    return Json::Value();
  }

  // A valid parameter value, as text (not yet percent-encoded).
  std::string validParam(const Param &p, const Operation &op) {
    if (p.name == "id") return world_.ids.empty() || chance(0.1) ? uuid() : pick(world_.ids);
    if (p.name == "orderNumber")
      return world_.numbers.empty() || chance(0.1) ? "ORD-20250101-ABCDEFGH" : pick(world_.numbers);
    if (p.name == "instance") {
      if (chance(0.1)) return "no-such-instance";
      return op.path.find("/payment/") != std::string::npos ? "manual" : "ship";
    }
    if (p.name == "X-Request-Id") return "fuzz-" + uuid();
    if (p.name == "cursor") return std::to_string(1700000000000 + below(1000000000)) + "." + uuid();
    const Json::Value v = valid(p.schema, p.name, 0);
    if (v.isString()) return v.asString();
    if (v.isBool()) return v.asBool() ? "true" : "false";
    if (v.isIntegral()) return std::to_string(v.asInt64());
    if (v.isDouble()) return std::to_string(v.asDouble());
    return orders::sdk::writeJson(v);
  }

  Json::Value hookBody(const Operation &op) {
    Json::Value b(Json::objectValue);
    b["eventId"] = "ev-" + uuid();
    b["orderId"] = world_.ids.empty() || chance(0.15) ? uuid() : pick(world_.ids);
    if (op.path.find("/payment/") != std::string::npos) {
      b["status"] = pick(std::vector<std::string>{"paid", "failed", "expired", "refunded", "captured", "bogus"});
      b["amountMinor"] = static_cast<Json::Int64>(pick(std::vector<int>{1299, 2450, 3749, 0, -1, 5}));
      b["currency"] = pick(std::vector<std::string>{"USD", "EUR", ""});
      if (chance(0.3)) b["reference"] = "ref-" + uuid();
    } else {
      b["status"] = pick(std::vector<std::string>{"shipped", "delivered", "returned", ""});
      b["carrier"] = pick(kWords);
      b["trackingNumber"] = "T" + std::to_string(below(1000000));
      if (chance(0.5)) b["reference"] = "ship-" + uuid();
    }
    return b;
  }

  Json::Value wrongTypeFor(const Json::Value &schema) {
    static const std::vector<Json::Value> kValues = [] {
      std::vector<Json::Value> v = {Json::Value("a string"),
                                    Json::Value(12345),
                                    Json::Value(1.5),
                                    Json::Value(true),
                                    Json::Value(),
                                    Json::Value(Json::arrayValue),
                                    Json::Value(Json::objectValue),
                                    Json::Value(-7)};
      Json::Value arr(Json::arrayValue);
      arr.append(1);
      arr.append("x");
      v.push_back(arr);
      Json::Value obj(Json::objectValue);
      obj["a"] = 1;
      v.push_back(obj);
      return v;
    }();
    for (int i = 0; i < 32; ++i) {
      const Json::Value &v = pick(kValues);
      if (!typeAccepts(schema, v)) return v;
    }
    return pick(kValues);
  }

  bool isStringy(const Json::Value &schema) {
    const std::string t = typeOf(schema);
    return t == "string" || t.empty();
  }

  // Mutates the body; returns its text. Sets the call's mutation, field and
  // whether the schema surely refuses the result.
  std::string mutateBody(const Operation &op, Json::Value body, Call &c, std::string &content_type) {
    const bool schema_checked = op.json_body; // hooks: the plugin reads any bytes; no schema to refuse them
    std::vector<Slot> slots;
    collectSlots(body, schema_checked ? op.body_schema : Json::Value(Json::objectValue), "", true, slots);
    std::vector<Slot> fields(slots.begin() + 1, slots.end());
    const Slot &any = fields.empty() || chance(0.1) ? slots.front() : pick(fields);
    auto mark = [&](const std::string &what, const Slot &slot, bool invalid) {
      c.mutation = what;
      c.field = slot.pointer.empty() ? "/" : slot.pointer;
      c.surely_invalid = schema_checked && invalid;
    };
    const Json::Value &schema = any.schema;
    switch (below(17)) {
    case 0: { // wrong type
      const Json::Value v = wrongTypeFor(schema);
      mark("wrong type (" + orders::sdk::writeJson(v) + ")", any, !typeAccepts(schema, v));
      if (any.pointer.empty()) return orders::sdk::writeJson(v);
      valueAt(body, any.pointer) = v;
      return orders::sdk::writeJson(body);
    }
    case 1: { // missing required field
      std::vector<Slot> required;
      for (const Slot &s : fields)
        if (s.required) required.push_back(s);
      if (required.empty()) {
        if (fields.empty()) break;
        const Slot &s = pick(fields);
        removeAt(body, s.pointer);
        c.mutation = "optional field removed";
        c.field = s.pointer;
        return orders::sdk::writeJson(body);
      }
      const Slot &s = pick(required);
      removeAt(body, s.pointer);
      mark("required field missing", s, true);
      return orders::sdk::writeJson(body);
    }
    case 2: { // extra unknown field
      std::vector<Slot> objects;
      for (const Slot &s : slots)
        if (s.is_object) objects.push_back(s);
      if (objects.empty()) break;
      const Slot &s = pick(objects);
      const std::string key = "fuzzExtra" + std::to_string(below(1000));
      const Json::Value v = chance(0.5) ? Json::Value("extra") : Json::Value(42);
      valueAt(body, s.pointer)[key] = v;
      const Json::Value &extra = s.schema["additionalProperties"];
      const bool refused = (extra.isBool() && !extra.asBool()) || (extra.isObject() && !typeAccepts(extra, v));
      Slot at = s;
      at.pointer = s.pointer + "/" + key;
      mark("unknown field", at, refused && !s.schema["properties"].isMember(key));
      return orders::sdk::writeJson(body);
    }
    case 3: { // numbers JSON cannot hold, or at the edges
      const std::string n = pick(kHugeNumbers);
      const std::string t = typeOf(schema);
      mark("huge number " + n, any, !t.empty() && t != "integer" && t != "number");
      return withRaw(body, any.pointer, n);
    }
    case 4: { // NaN-like
      const std::string n = pick(kNanLike);
      const bool quoted = n.front() == '"';
      const std::string t = typeOf(schema);
      mark("NaN-like " + n, any, !quoted || (!t.empty() && t != "string") || schema.isMember("enum"));
      return withRaw(body, any.pointer, n);
    }
    case 5: { // a very long string
      std::string unit = pick(std::vector<std::string>{"a", "é", "🙂", "\\u0000", "\\\"", "<"});
      std::string s = "\"";
      while (s.size() < kLong)
        s += unit;
      s += "\"";
      const bool refused = !isStringy(schema) || schema.isMember("enum") || schema.isMember("pattern") ||
                           (schema["maxLength"].isIntegral() && schema["maxLength"].asUInt() < kLong / 8);
      mark("64 KiB string of '" + unit + "'", any, unit == "\\u0000" || (refused && !typeOf(schema).empty()));
      return withRaw(body, any.pointer, s);
    }
    case 6: { // unicode
      const std::string u = pick(kUnicode);
      const bool lone_high = u.find("\\ud800\"") != std::string::npos || u == "\"x\\ud800\\u0041\"";
      const bool surrogate = lone_high || u == "\"\\udc00\"";
      const bool nul = u.find("\\u0000") != std::string::npos; // refused in any string (valijson cannot measure it)
      const bool refused = surrogate || nul || (!typeOf(schema).empty() && !isStringy(schema)) ||
                           schema.isMember("enum") || schema.isMember("pattern");
      mark("unicode " + u, any, refused);
      return withRaw(body, any.pointer, u);
    }
    case 7: { // bytes that are not UTF-8
      mark("invalid UTF-8", any, true);
      return withRaw(body, any.pointer, pick(kBadUtf8));
    }
    case 8: { // deep nesting
      const bool objects = chance(0.3);
      mark(std::to_string(kNesting) + " levels of nested " + (objects ? "objects" : "arrays"), any, true);
      return withRaw(body, any.pointer, nested(kNesting, objects));
    }
    case 9: { // duplicate key
      std::vector<Slot> objects;
      for (const Slot &s : slots)
        if (s.is_object && !valueAt(body, s.pointer).empty()) objects.push_back(s);
      if (objects.empty()) break;
      const Slot &s = pick(objects);
      const Json::Value &obj = valueAt(body, s.pointer);
      const std::string key = obj.getMemberNames().front();
      std::string text = orders::sdk::writeJson(obj);
      text.pop_back();
      text += ",\"" + key + "\":" + orders::sdk::writeJson(wrongTypeFor(Json::Value(Json::objectValue))) + "}";
      mark("duplicate key " + key, s, true);
      return withRaw(body, s.pointer, text);
    }
    case 10: { // empty body
      c.mutation = "empty body";
      c.surely_invalid = schema_checked && op.body_required;
      return "";
    }
    case 11: { // not JSON
      static const std::vector<std::string> kNotJson = {"hello",
                                                        "<order><id>1</id></order>",
                                                        "items=1&x=2",
                                                        "{",
                                                        "{\"items\":",
                                                        "[1,2",
                                                        "{'items': []}",
                                                        "{\"a\":1} trailing",
                                                        "\xef\xbb\xbf{}",
                                                        "{/*c*/}",
                                                        std::string("\x00\x01\x02\x03", 4),
                                                        "{\"a\":1}{\"b\":2}",
                                                        "true",
                                                        "null",
                                                        "\"just a string\"",
                                                        "1e400"};
      const std::string t = pick(kNotJson);
      c.mutation = "not a JSON object: " + shown(t, 40);
      // RFC 8259 lets a parser ignore a leading byte order mark ("\xef\xbb\xbf{}" may be read as {}).
      c.surely_invalid = schema_checked && t.rfind("\xef\xbb\xbf", 0) != 0;
      return t;
    }
    case 12: { // wrong Content-Type
      content_type = pick(kBadContentTypes);
      c.mutation = "Content-Type '" + content_type + "'";
      c.surely_invalid = false; // a valid body: refused (415) or read, either is right
      return orders::sdk::writeJson(body);
    }
    case 13: { // trailing garbage after a valid body
      c.mutation = "trailing data";
      c.surely_invalid = schema_checked;
      return orders::sdk::writeJson(body) + pick(std::vector<std::string>{" x", "}", ",", std::string(1, '\0'), "{}"});
    }
    case 14: { // a string where an object or array is, a number as a string, ...
      if (fields.empty()) break;
      const Slot &s = pick(fields);
      const Json::Value &v = valueAt(body, s.pointer);
      Json::Value other = v.isString() ? Json::Value(chance(0.5) ? "" : " ") : Json::Value(orders::sdk::writeJson(v));
      const bool refused = !typeAccepts(s.schema, other) ||
                           (other.asString().empty() && s.schema["minLength"].asUInt() > 0) ||
                           s.schema.isMember("enum") || s.schema.isMember("pattern");
      valueAt(body, s.pointer) = other;
      mark(v.isString() ? "blank string" : "value as a string", s, refused && !typeOf(s.schema).empty());
      return orders::sdk::writeJson(body);
    }
    case 15: { // array of too many items or an empty one
      std::vector<Slot> arrays;
      for (const Slot &s : slots)
        if (typeOf(s.schema) == "array") arrays.push_back(s);
      if (arrays.empty()) break;
      const Slot &s = pick(arrays);
      Json::Value &a = valueAt(body, s.pointer);
      const bool empty = chance(0.5);
      if (empty) {
        a = Json::Value(Json::arrayValue);
      } else {
        const Json::Value item = a.empty() ? Json::Value(1) : a[0];
        while (a.size() < 1000)
          a.append(item);
      }
      const bool refused = empty ? s.schema["minItems"].asUInt() > 0
                                 : (s.schema["maxItems"].isIntegral() && s.schema["maxItems"].asUInt() < 1000);
      mark(empty ? "empty array" : "1000 items", s, refused);
      return orders::sdk::writeJson(body);
    }
    default: { // the whole body replaced by deep nesting or a scalar
      const std::string raw = chance(0.5) ? nested(kNesting, chance(0.5)) : pick(kHugeNumbers);
      c.mutation = "body replaced by " + shown(raw, 24);
      c.field = "/";
      c.surely_invalid = schema_checked;
      return raw;
    }
    }
    c.mutation = "none (no place to mutate)";
    return orders::sdk::writeJson(body);
  }

  std::string junkPathValue() {
    switch (below(4)) {
    case 0: return std::string(chance(0.5) ? kLong : 8 * 1024, 'a'); // 64 KiB: beyond the header limit
    case 1: {
      std::string s;
      const size_t n = 1 + below(40);
      static const char kChars[] = "abcXYZ019-._~!$&'()*+,;=:@%";
      for (size_t i = 0; i < n; ++i)
        s += kChars[below(sizeof kChars - 1)];
      return s;
    }
    default: return pick(kPathJunk);
    }
  }

  void mutateQuery(const Operation &op, std::map<std::string, std::string> &query, Call &c) {
    std::vector<const Param *> params;
    for (const Param &p : op.params)
      if (p.in == "query") params.push_back(&p);
    static const std::vector<std::string> kWrongInts = {
        "abc",      "1.5", "1e400", "-1",   "0",   "18446744073709551616", "-0",  "NaN",
        "Infinity", "",    " 1",    "0x10", "%zz", "9223372036854775808",  "%00", "1%00"};
    static const std::vector<std::string> kWrongDates = {"yesterday",
                                                         "2025-13-45T99:99:99Z",
                                                         "99999-01-01T00:00:00Z",
                                                         "-0001-01-01T00:00:00Z",
                                                         "2025-02-30T00:00:00Z",
                                                         "%zz",
                                                         "0000-00-00T00:00:00Z",
                                                         "2025-01-01T00:00:00+99:99",
                                                         "%ff"};
    if (params.empty() || chance(0.25)) {
      const std::string kind = pick(std::vector<std::string>{"unknown", "junk", "long", "repeat"});
      if (kind == "unknown")
        query["fuzzUnknown"] = "1";
      else if (kind == "junk")
        query["\x01raw:" +
              pick(std::vector<std::string>{"%zz=1", "=", "&&&", "a=%", "%ff=%fe", "x", "a=b=c", "%00=%00"})] = "";
      else if (kind == "long")
        query["fuzzLong"] = std::string(chance(0.5) ? kLong : 8 * 1024, 'q');
      else
        query["\x01raw:limit=1&limit=abc"] = "";
      c.mutation = "query " + kind;
      return;
    }
    const Param &p = *pick(params);
    const std::string t = typeOf(p.schema);
    std::string v;
    if (t == "integer")
      v = pick(kWrongInts);
    else if (p.schema["format"].asString() == "date-time")
      v = pick(kWrongDates);
    else if (t == "boolean")
      v = pick(std::vector<std::string>{"maybe", "1", "TRUE", "", "%ff"});
    else
      v = pick(std::vector<std::string>{"unknown-value", "%zz", "%00", "%ff%fe", std::string(8 * 1024, 'v'),
                                        "%F0%9F%92%A9", "'; DROP TABLE orders; --"});
    query[p.name] = v.find('%') != std::string::npos ? v : percentEncode(v);
    c.mutation = "query " + p.name + "='" + shown(v, 40) + "'";
  }

  void mutateHeaders(const Operation &op, Call &c, std::string &content_type) {
    auto set = [&](const std::string &name, const std::string &value) {
      c.headers.erase(std::remove_if(c.headers.begin(), c.headers.end(),
                                     [&](const auto &h) { return lower(h.first) == lower(name); }),
                      c.headers.end());
      c.headers.emplace_back(name, value);
    };
    switch (below(5)) {
    case 0: {
      const std::string v =
          pick(std::vector<std::string>{"", std::string(201, 'k'), std::string(9000, 'k'), std::string(kLong, 'k'),
                                        "key with spaces", "\xff\xfe", "🙂", "k\x01"});
      set("Idempotency-Key", v);
      c.mutation = "Idempotency-Key of " + std::to_string(v.size()) + " bytes: " + shown(v, 24);
      break;
    }
    case 1: {
      const std::string v =
          pick(std::vector<std::string>{std::string(129, 'r'), "<script>", "\xff", "a b", std::string(9000, 'r'), ""});
      set("X-Request-Id", v);
      c.mutation = "X-Request-Id " + shown(v, 24);
      break;
    }
    case 2: {
      content_type = pick(kBadContentTypes);
      c.mutation = "Content-Type '" + content_type + "'";
      break;
    }
    case 3: {
      const std::string role = pick(std::vector<std::string>{"ADMIN", "Admin ", "", "buyer,admin", "\xff", "internal",
                                                             "buyer", "admin", "seller"});
      const std::string user = pick(std::vector<std::string>{"", "u1", std::string(9000, 'u'), "\xff\xfe", "🙂",
                                                             "u\xc0\xaf", std::string(300, 'u')});
      set("x-gateway-key", "test-gateway-key");
      set("x-user-role", role);
      set("x-user-id", user);
      if (chance(0.5)) set("x-seller-id", pick(std::vector<std::string>{"s1", "\xff", ""}));
      if (chance(0.5)) set("Idempotency-Key", "fuzz-" + uuid());
      c.mutation = "gateway headers: role '" + shown(role, 16) + "', user '" + shown(user, 16) + "'";
      break;
    }
    default: {
      set("Authorization", pick(std::vector<std::string>{"Bearer", "Bearer x.y.z",
                                                         "Basic Zm9vOmJhcg==", "Bearer " + std::string(9000, 'a')}));
      c.mutation = "Authorization junk";
      break;
    }
    }
    (void)op;
  }

  std::mt19937_64 rng_;
  World &world_;
  uint64_t keys_ = 0;
};

// A request given exactly, for the regression checks.
struct Fixed {
  std::string name, method, target, content_type, body;
  Who who;
  std::set<int> expect; // the statuses allowed (empty: any the invariants allow)
  std::vector<std::pair<std::string, std::string>> headers = {};
};

std::string repeated(const std::string &unit, int times) {
  std::string out;
  for (int i = 0; i < times; ++i)
    out += unit;
  return out;
}

// A mutation's kind for the summary: its first word, and the second when
// that is a word too (not the value tried).
std::string kindOf(const std::string &mutation) {
  std::istringstream words(mutation);
  std::string first, second;
  words >> first >> second;
  const bool word = !second.empty() && std::all_of(second.begin(), second.end(), [](char ch) {
    return std::isalpha(static_cast<unsigned char>(ch)) || ch == '-';
  });
  return word ? first + "_" + second : first;
}

int64_t rssKb(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(in, line);)
    if (line.rfind("VmRSS:", 0) == 0) return std::atoll(line.c_str() + 6);
  return -1;
}

std::vector<std::string> servedRoutes(const ServerProcess &server) {
  const std::string command =
      std::string(ORDERS_SERVER_BINARY) + " --list-routes --config '" + server.configPath() + "' 2>/dev/null";
  FILE *p = ::popen(command.c_str(), "r");
  if (p == nullptr) return {};
  std::string out;
  char buf[4096];
  for (size_t n; (n = std::fread(buf, 1, sizeof buf, p)) > 0;)
    out.append(buf, n);
  ::pclose(p);
  std::vector<std::string> lines;
  std::istringstream in(out);
  for (std::string line; std::getline(in, line);)
    if (!line.empty() && line[0] != '{' && line.find(" /") != std::string::npos) lines.push_back(line);
  return lines;
}

} // namespace

class ApiFuzzTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(ApiFuzzTest);
  CPPUNIT_TEST(specReferencesAcrossFiles);
  CPPUNIT_TEST(sqlite);
  CPPUNIT_TEST(postgres);
  CPPUNIT_TEST_SUITE_END();

public:
  // schemas/openapi.yaml refers only within itself today; a spec that refers
  // into a file beside it (whose own refs are relative to that file) must
  // generate the same way.
  void specReferencesAcrossFiles() {
    char tmpl[] = "/tmp/orders-apifuzz-spec-XXXXXX";
    const std::string dir = ::mkdtemp(tmpl);
    std::filesystem::create_directories(dir + "/parts");
    std::ofstream(dir + "/parts/body.json") << R"({"definitions": {
      "Body": {"type": "object", "additionalProperties": false, "required": ["note"],
               "properties": {"note": {"$ref": "#/definitions/Note"}, "count": {"$ref": "../spec.yaml#/components/schemas/Count"}}},
      "Note": {"type": "string", "maxLength": 3}}})";
    std::ofstream(dir + "/spec.yaml")
        << "openapi: 3.0.3\n"
           "paths:\n"
           "  /things/{id}:\n"
           "    parameters: [{$ref: '#/components/parameters/Id'}]\n"
           "    post:\n"
           "      requestBody:\n"
           "        required: true\n"
           "        content:\n"
           "          application/json:\n"
           "            schema: {$ref: 'parts/body.json#/definitions/Body'}\n"
           "      responses: {'201': {description: made, content: {application/json: {}}}}\n"
           "components:\n"
           "  parameters:\n"
           "    Id: {name: id, in: path, required: true, schema: {type: string}}\n"
           "  schemas:\n"
           "    Count: {type: integer, minimum: 1, maximum: 9}\n";
    const std::vector<Operation> ops = operationsOf(Spec(dir + "/spec.yaml"));
    std::filesystem::remove_all(dir);
    CPPUNIT_ASSERT_EQUAL(size_t(1), ops.size());
    const Operation &op = ops[0];
    CPPUNIT_ASSERT_EQUAL(std::string("POST /things/{id}"), op.name());
    CPPUNIT_ASSERT_EQUAL(std::string("/things/:id"), op.route);
    CPPUNIT_ASSERT_EQUAL(size_t(1), op.params.size());
    CPPUNIT_ASSERT_EQUAL(std::string("path"), op.params[0].in);
    CPPUNIT_ASSERT(op.json_body && op.body_required && op.json_answers.count(201));
    const Json::Value &props = op.body_schema["properties"];
    CPPUNIT_ASSERT_EQUAL(3u, props["note"]["maxLength"].asUInt());   // a ref inside the other file
    CPPUNIT_ASSERT_EQUAL(9, props["count"]["maximum"].asInt());      // a ref from it back into the spec
    CPPUNIT_ASSERT(op.body_schema["additionalProperties"].isBool()); // YAML/JSON scalars keep their types
    World world;
    Fuzzer fuzz(1, world);
    for (int i = 0; i < 50; ++i) {
      const Call c = fuzz.next(op);
      if (c.mutation != "none (valid)") continue;
      const Json::Value body = orders::sdk::parseJson(c.body);
      CPPUNIT_ASSERT_MESSAGE(c.body, body["note"].isString() && body["note"].asString().size() <= 3 * 4);
      if (body.isMember("count"))
        CPPUNIT_ASSERT_MESSAGE(c.body, body["count"].asInt() >= 1 && body["count"].asInt() <= 9);
    }
  }

  void sqlite() { run(Engine::sqlite); }
  void postgres() {
    if (orders::testing::needPostgres()) return;
    run(Engine::postgres);
  }

private:
  static uint64_t seed() {
    static const uint64_t s =
        envNumber("ORDERS_API_FUZZ_SEED", std::random_device{}() ^ (uint64_t{std::random_device{}()} << 32));
    return s;
  }

  void run(Engine engine) {
    const char *engine_name = engine == Engine::sqlite ? "sqlite" : "postgres";
    const uint64_t requests = envNumber("ORDERS_API_FUZZ_REQUESTS", 30000);
    std::cerr << "\napi fuzz (" << engine_name << "): ORDERS_API_FUZZ_SEED=" << seed()
              << " ORDERS_API_FUZZ_REQUESTS=" << requests << "\n";

    TestDatabase db(engine);
    ServerOptions o;
    o.stock_mug = 1000000;
    o.stock_beans = 1000000;
    o.extra_yaml = "  invoice:\n    - name: pdf\n      id: pdf\n      config: { seller_name: \"Fuzz & Co\" }\n";
    ServerProcess server(db, o);
    CPPUNIT_ASSERT_MESSAGE(server.log(), server.waitReady());

    // The operations of the spec that this server serves.
    const Spec spec(ORDERS_OPENAPI_PATH);
    const std::vector<Operation> all = operationsOf(spec);
    const std::vector<std::string> routes = servedRoutes(server);
    CPPUNIT_ASSERT_MESSAGE("--list-routes printed no routes", routes.size() >= 10);
    std::vector<Operation> ops;
    std::string not_served;
    for (const Operation &op : all) {
      if (std::find(routes.begin(), routes.end(), op.method + " " + op.route) != routes.end())
        ops.push_back(op);
      else
        not_served += " " + op.name();
    }
    std::cerr << "  " << ops.size() << " of the spec's " << all.size() << " operations are served"
              << (not_served.empty() ? "" : "; not served:" + not_served) << "\n";
    CPPUNIT_ASSERT_MESSAGE("too few operations of the spec are served", ops.size() >= 15);

    World world = seedOrders(server);
    CPPUNIT_ASSERT_MESSAGE("could not create the orders the fuzzer starts from:\n" + server.log(),
                           world.ids.size() >= 4);

    const int pid = server.pid();
    const int64_t rss_start = rssKb(pid);
    int64_t rss_peak = rss_start;
    std::vector<std::string> found;
    const size_t shown_at_most = envNumber("ORDERS_API_FUZZ_SHOW", 20);
    size_t violating = 0; // answers with a violation; the first shown_at_most are described
    auto report = [&](const Call &c, const Answer &a, const std::vector<std::string> &problems,
                      const std::string &what) {
      ++violating;
      if (found.size() >= shown_at_most) return;
      std::string s = "  " + what + ":";
      for (const std::string &p : problems)
        s += " [" + p + "]";
      found.push_back(s + "\n" + describe(c, a));
    };

    // Regression checks: the exact inputs of the defects this fuzzer found.
    for (const Fixed &f : regressions(world)) {
      Call c;
      c.method = f.method;
      c.target = f.target;
      authenticate(f.who, c.headers);
      for (const auto &h : f.headers)
        c.headers.push_back(h);
      if (!f.content_type.empty()) c.headers.emplace_back("Content-Type", f.content_type);
      c.body = f.body;
      c.send_length = f.method == "POST" || f.method == "PUT";
      c.op = "regression";
      c.who = whoName(f.who);
      c.mutation = f.name;
      const Answer a = exchange(server.port(), wire(c, server.port()));
      std::vector<std::string> problems = violations(c, a, nullptr);
      if (!f.expect.empty() && !f.expect.count(a.status))
        problems.push_back("expected one of the statuses this regression allows");
      if (!problems.empty()) report(c, a, problems, "regression '" + f.name + "'");
      CPPUNIT_ASSERT_MESSAGE("the server died on regression '" + f.name + "':\n" + describe(c, a) + server.log(),
                             server.alive());
    }

    Fuzzer fuzz(seed() ^ (engine == Engine::sqlite ? 0 : 0x9e3779b97f4a7c15ull), world);
    std::map<int, int> statuses;
    std::map<std::string, int> per_mutation;
    size_t refusable = 0, field_checked = 0;
    std::map<std::string, int> per_op;
    const auto started = std::chrono::steady_clock::now();
    uint64_t sent = 0;
    double slowest = 0;
    for (; sent < requests; ++sent) {
      const Operation &op = ops[fuzz.below(ops.size())];
      const Call c = fuzz.next(op);
      const Answer a = exchange(server.port(), wire(c, server.port()));
      ++statuses[a.status];
      ++per_op[op.name()];
      if (c.surely_invalid) ++refusable;
      if (c.surely_invalid && !c.field.empty() && a.status == 400 &&
          a.body.find("\"detail\":\"request body is invalid") != std::string::npos)
        ++field_checked; // the answer had to name c.field
      ++per_mutation[kindOf(c.mutation)];
      slowest = std::max(slowest, a.seconds);
      const std::vector<std::string> problems = violations(c, a, &op);
      if (!problems.empty()) report(c, a, problems, "request #" + std::to_string(sent));
      if (a.status == 201 && op.method == "POST") {
        try {
          const Json::Value answer = orders::sdk::parseJson(a.body);
          for (const auto &order : answer["orders"])
            world.add(order);
        } catch (...) {
        }
      }
      if (!server.alive()) {
        ++violating;
        found.push_back("  the server died after request #" + std::to_string(sent) + " (wait status " +
                        std::to_string(server.exitStatus()) + "):\n" + describe(c, a) + "  server log (end):\n" +
                        server.log().substr(server.log().size() > 4000 ? server.log().size() - 4000 : 0));
        break;
      }
      if (sent % 100 == 0) rss_peak = std::max(rss_peak, rssKb(pid));
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    const int64_t rss_end = server.alive() ? rssKb(pid) : -1;
    rss_peak = std::max(rss_peak, rss_end);

    std::ostringstream summary;
    summary << "  " << sent << " requests in " << seconds << " s (" << (seconds > 0 ? sent / seconds : 0)
            << "/s), slowest answer " << slowest << " s; RSS " << rss_start << " kB at the start, " << rss_end
            << " kB at the end, " << rss_peak << " kB at most\n  statuses:";
    for (const auto &[status, n] : statuses)
      summary << " " << status << "x" << n;
    const auto [least, most] = std::minmax_element(per_op.begin(), per_op.end(),
                                                   [](const auto &x, const auto &y) { return x.second < y.second; });
    summary << "\n  " << per_op.size() << " operations, each " << (per_op.empty() ? 0 : least->second) << " to "
            << (per_op.empty() ? 0 : most->second) << " times; " << refusable << " bodies the schema surely refuses, "
            << field_checked << " of them refused naming the broken field's pointer\n  mutations:";
    for (const auto &[kind, n] : per_mutation)
      summary << " " << kind << "x" << n;
    summary << "\n";
    std::cerr << summary.str();

    if (rss_end >= 0 && rss_end > rss_start + kRssGrowthLimitKb)
      ++violating,
          found.push_back("  RSS grew from " + std::to_string(rss_start) + " kB to " + std::to_string(rss_end) + " kB");
    int answered_5xx = 0;
    for (const auto &[status, n] : statuses)
      if (status >= 500) answered_5xx += n;
    const std::string engine_label = engine == Engine::sqlite ? "SQLite" : "PostgreSQL";
    orders::testing::reliabilityRow(
        "API fuzzing (`e2e_api_fuzz_tests`)",
        engine_label + ": " + std::to_string(sent) + " requests over the " + std::to_string(per_op.size()) +
            " served operations of `schemas/openapi.yaml` (" + std::to_string(per_op.empty() ? 0 : least->second) +
            "–" + std::to_string(per_op.empty() ? 0 : most->second) + " each) in " +
            std::to_string(static_cast<int>(seconds + 0.5)) + " s, " + std::to_string(refusable) +
            " bodies the schema surely refuses (seed " + std::to_string(seed()) + ")",
        engine_label + ": 5xx " + std::to_string(answered_5xx) + ", violations " + std::to_string(violating) +
            ", server " + (server.alive() ? "up" : "DIED") + "; slowest answer " +
            orders::testing::msText(slowest * 1000) + "; RSS " + std::to_string(rss_start / 1024) +
            " MB at the start, " + std::to_string(rss_end / 1024) + " MB at the end; " + std::to_string(field_checked) +
            " refused bodies answered 400 naming the field");
    std::string message =
        std::string("api fuzz on ") + engine_name + " (ORDERS_API_FUZZ_SEED=" + std::to_string(seed()) + "), " +
        std::to_string(violating) + " answer(s) in violation" +
        (violating > found.size() ? " (the first " + std::to_string(found.size()) + " shown)" : "") + ":\n";
    for (const std::string &f : found)
      message += f;
    CPPUNIT_ASSERT_MESSAGE(message + summary.str(), found.empty());
  }

  // A few real orders (two buyers, two sellers, paid, pay-later, cancelled) so path ids sometimes exist.
  static World seedOrders(ServerProcess &server) {
    World world;
    auto made = [&](const Reply &r) {
      if (r.status != 201) {
        std::cerr << "  seeding an order: " << r.status << " " << r.body.substr(0, 300) << "\n";
        return;
      }
      const Json::Value answer = r.json();
      for (const auto &order : answer["orders"])
        world.add(order);
    };
    made(server.as("u1", "buyer", "POST", "/api/orders", checkoutBody({{"sku-mug", 1}})));
    made(server.as("u1", "buyer", "POST", "/api/orders", checkoutBody({{"sku-mug", 1}, {"sku-beans", 2}})));
    made(server.as("u2", "buyer", "POST", "/api/orders", checkoutBody({{"sku-tee", 1}})));
    Json::Value later = orders::sdk::parseJson(checkoutBody({{"sku-beans", 1}}));
    later["payLater"] = true;
    made(server.as("u1", "buyer", "POST", "/api/orders", orders::sdk::writeJson(later)));
    Json::Value internal = orders::sdk::parseJson(checkoutBody({{"sku-mug", 2}}));
    internal["userId"] = "u2";
    made(server.request("POST", "/internal/orders", orders::sdk::writeJson(internal),
                        {{"x-internal-token", "test-internal-token"}, {"content-type", "application/json"}}));
    if (world.ids.size() >= 2) {
      // The first order paid (its invoice exists), the second cancelled.
      const Reply first = server.as("ops", "admin", "GET", "/api/orders/" + world.ids[0]);
      Json::Value event(Json::objectValue);
      event["eventId"] = "seed-paid";
      event["orderId"] = world.ids[0];
      event["status"] = "paid";
      event["amountMinor"] = first.json()["totalMinor"];
      event["currency"] = "USD";
      server.request("POST", "/hooks/payment/manual", orders::sdk::writeJson(event),
                     {{"x-webhook-secret", "test-webhook-secret"}, {"content-type", "application/json"}});
      server.as("u1", "buyer", "POST", "/api/orders/" + world.ids[1] + "/cancel", "{\"reason\":\"seed\"}");
    }
    return world;
  }

  // The exact inputs of the defects this fuzzer found, checked first on every engine.
  static std::vector<Fixed> regressions(const World &world) {
    const std::string id = world.ids.empty() ? "none" : world.ids.back();
    const std::string json = "application/json";
    const std::vector<std::pair<std::string, std::string>> hook = {{"x-webhook-secret", "test-webhook-secret"}};
    auto notice = [&](const std::string &currency, const std::string &status) {
      return "{\"eventId\":\"regression-1\",\"orderId\":\"" + id + "\",\"status\":\"" + status +
             "\",\"amountMinor\":1299,\"currency\":\"" + currency + "\"}";
    };
    std::vector<std::pair<std::string, std::string>> many_fields;
    for (int i = 0; i < 120; ++i)
      many_fields.emplace_back("x-field-" + std::to_string(i), "1");
    return {
        // 500: JsonCpp's stack-limit exception escaped sdk::parseJson (not a DecodeError).
        {"10,000 nested arrays as a checkout body",
         "POST",
         "/api/orders",
         json,
         nested(kNesting, false),
         Who::buyer1,
         {400}},
        {"10,000 nested objects in a payment webhook",
         "POST",
         "/hooks/payment/manual",
         json,
         nested(kNesting, true),
         Who::none,
         {400},
         hook},
        // 500: Poco::URI threw on a '%' without two hex digits.
        {"bad percent-encoding in a path", "GET", "/api/orders/%zz", "", "", Who::admin, {400}},
        {"bad percent-encoding in a query", "GET", "/api/orders?a=%", "", "", Who::admin, {400}},
        // 500 on PostgreSQL (invalid byte sequence for encoding UTF8); on SQLite a 404 echoing the bytes.
        {"a path that is not UTF-8 once decoded", "GET", "/api/orders/%ff%fe", "", "", Who::admin, {400}},
        {"a query value that is not UTF-8 once decoded",
         "GET",
         "/api/admin/orders?userId=%ff%fe",
         "",
         "",
         Who::admin,
         {400}},
        {"an Idempotency-Key that is not UTF-8",
         "PUT",
         "/api/orders/" + id + "/status",
         json,
         "{\"newStatus\":\"cancelled\"}",
         Who::admin,
         {400},
         {{"Idempotency-Key", "\xff\xfe"}}},
        {"a gateway user id that is not UTF-8",
         "GET",
         "/api/orders",
         "",
         "",
         Who::none,
         {401},
         {{"x-gateway-key", "test-gateway-key"}, {"x-user-id", "\xff\xfe"}, {"x-user-role", "buyer"}}},
        // 431 from the front door without `code`.
        {"a 64 KiB path", "GET", "/api/orders/" + std::string(kLong, 'a'), "", "", Who::admin, {431}},
        // An empty 400 from Poco (no problem document) for a header line beyond its limits or too many fields.
        {"a 9,000-byte header value",
         "GET",
         "/health",
         "",
         "",
         Who::none,
         {400},
         {{"X-Request-Id", std::string(9000, 'r')}}},
        {"120 header fields", "GET", "/health", "", "", Who::none, {400}, many_fields},
        // Accepted: JsonCpp stops at a NUL byte (trailing data unseen); valijson measures strings up to a U+0000.
        {"trailing data after a NUL byte",
         "POST",
         "/api/orders/" + id + "/cancel",
         json,
         std::string("{\"reason\":\"x\"}") + std::string(1, '\0') + "garbage",
         Who::admin,
         {400}},
        {"a 10,000-character reason of U+0000 (maxLength 500)",
         "POST",
         "/api/orders/" + id + "/cancel",
         json,
         "{\"reason\":\"" + repeated("\\u0000", 10000) + "\"}",
         Who::admin,
         {400}},
        // Accepted: JsonCpp's strict mode lets comments in objects and loose numbers ("-" read as 0, "+1") through.
        {"a lone minus as a number",
         "PUT",
         "/api/orders/" + id + "/shipping-cost",
         json,
         "{\"shippingMinor\":-}",
         Who::admin,
         {400}},
        {"a number with a leading plus",
         "PUT",
         "/api/orders/" + id + "/shipping-cost",
         json,
         "{\"shippingMinor\":+1}",
         Who::admin,
         {400}},
        {"a high surrogate escape joined with a letter",
         "POST",
         "/api/orders/" + id + "/cancel",
         json,
         "{\"reason\":\"x\\ud800\\u0041\"}",
         Who::admin,
         {400}},
        {"a comment inside an object",
         "POST",
         "/api/orders/" + id + "/cancel",
         json,
         "{\"reason\":\"x\"/*c*/}",
         Who::admin,
         {400}},
        // 500: the manual payment and shipping plugins passed on what the contract refuses (an internal error).
        {"a payment webhook with an empty currency",
         "POST",
         "/hooks/payment/manual",
         json,
         notice("", "paid"),
         Who::none,
         {400},
         hook},
        {"a payment webhook whose status is not UTF-8",
         "POST",
         "/hooks/payment/manual",
         json,
         notice("USD", "ok\x80"),
         Who::none,
         {400},
         hook},
        {"a shipping webhook whose orderId is not UTF-8",
         "POST",
         "/hooks/shipping/ship",
         json,
         "{\"eventId\":\"r-2\",\"reference\":\"ship-1\",\"orderId\":\"\xfe\xfe\xff\xff\",\"status\":\"shipped\"}",
         Who::none,
         {400},
         {{"x-webhook-secret", "test-shipping-secret"}}},
    };
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ApiFuzzTest);
