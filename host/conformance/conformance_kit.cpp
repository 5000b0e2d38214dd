#include "conformance/conformance_kit.hpp"

#include <atomic>
#include <chrono>
#include <ctime>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "config/config_loader.hpp"
#include "config/env_subst.hpp"
#include "conformance/conformance_peer.hpp"
#include "conformance/conformance_samples.hpp"
#include "conformance/standalone_plugin.hpp"
#include "orders/sdk/client.hpp"
#include "orders/sdk/crypto.hpp"
#include "orders/sdk/json.hpp"
#include "plugins/plugin_library.hpp"

namespace orders::host::conformance {

// A request sent as given (JSON or not): sdk::invoke encodes requests with
// an unqualified encode(), which finds this overload by argument-dependent
// lookup, so malformed requests reach the plugin byte for byte.
struct RawRequest {
  std::string text;
};
inline std::string encode(const RawRequest &r) { return r.text; }

namespace {

using testing::HttpPeer;
using testing::PeerReply;
using testing::PeerRequest;
using testing::RedisFault;
using testing::RedisPeer;
using testing::SmtpFault;
using testing::SmtpPeer;

struct Outcome {
  bool ok = false;
  sdk::Error error;
  std::string result; // the answer as JSON text (metadata for documents and dialect answers)
  std::chrono::milliseconds took{0};
};

using Caller = std::function<Outcome(plugins::PluginInstance &, const std::string &request, std::string_view payload)>;

template <class T> std::string resultText(const T &value) { return sdk::encode(value); }
std::string resultText(const sdk::Document &d) {
  return sdk::encode(d) + " + " + std::to_string(d.bytes.size()) + " bytes";
}
std::string resultText(const sdk::DialectResponse &r) { return sdk::encode(r) + " + " + r.body; }
std::string resultText(const sdk::EncodedEvent &e) { return sdk::encode(e) + " + " + e.value; }

template <class Table, class Resp> Caller caller(orders_method_fn Table::*slot, const char *label) {
  return [slot, label](plugins::PluginInstance &p, const std::string &request, std::string_view payload) {
    Outcome o;
    const auto started = std::chrono::steady_clock::now();
    auto r = p.call<Resp>(label, p.methods<Table>().*slot, RawRequest{request}, payload);
    o.took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
    if (r.ok()) {
      o.ok = true;
      o.result = resultText(r.value());
    } else {
      o.error = r.error();
    }
    return o;
  };
}

template <class Table> bool offered(const plugins::PluginInstance &p, orders_method_fn Table::*slot) {
  return p.methods<Table>().*slot != nullptr;
}

std::string describe(const Outcome &o) {
  if (o.ok) return "ok: " + (o.result.size() > 200 ? o.result.substr(0, 200) + "..." : o.result);
  return std::string(sdk::errorCodeName(o.error.code)) + (o.error.retryable ? " (retryable)" : "") + ": " +
         o.error.message;
}

// An exception the SDK's trampoline caught: a plugin bug whatever the input.
bool escaped(const Outcome &o) {
  return !o.ok && o.error.code == sdk::ErrorCode::internal && o.error.message.find("plugin threw") != std::string::npos;
}

// ---- the run ----------------------------------------------------------------

struct Method {
  std::string name;    // the slot, e.g. "create_payment"
  Json::Value request; // sample merged with the spec's override
  bool idempotent;     // a retry sends the same request and gets the same answer
  bool reads_answer;   // an answer it cannot read must be an error
  Caller call;
};

class Run {
public:
  Run(const Options &options, std::ostream &out) : options_(options), out_(out) {}

  int go() {
    if (!loadSpec()) return 2;
    auto library = plugins::PluginLibrary::open(options_.plugin_file, "plugin");
    if (!library.ok()) {
      out_ << "cannot load " << options_.plugin_file << ": " << library.error().message << "\n";
      return 2;
    }
    name_ = library.value()->name();
    kind_ = library.value()->kindName();
    out_ << "conformance of " << kind_ << "/" << name_ << " " << library.value()->version() << " ("
         << options_.plugin_file << ")\n";
    if (spec_["kind"].isString() && spec_["kind"].asString() != kind_) {
      out_ << "the spec is for kind '" << spec_["kind"].asString() << "', the plugin is a " << kind_ << "\n";
      return 2;
    }
    std::string why;
    peer_ = Neighbour::start(spec_, why);
    if (!peer_) {
      out_ << "spec " << options_.spec_file << ": " << why << "\n";
      return 2;
    }

    checkConfig();
    if (!plugin_) return finish();
    check("lifecycle.ready_answers", [&]() -> std::string {
      const sdk::Status s = plugin_->instance().ready();
      if (!s.ok() && s.error().message.find("plugin threw") != std::string::npos)
        return "ready() threw: " + s.error().message;
      return "";
    });
    for (Method &m : methodsOfKind())
      checkMethod(m);
    kindChecks();
    return finish();
  }

private:
  bool loadSpec() {
    std::ifstream in(options_.spec_file, std::ios::binary);
    if (!in) {
      out_ << "spec " << options_.spec_file << ": cannot be read\n";
      return false;
    }
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto spec = config::parseConfigText(text, options_.spec_file, config::processEnv());
    if (!spec.ok()) {
      out_ << "spec " << options_.spec_file << ": " << spec.error().message << "\n";
      return false;
    }
    spec_ = spec.value();
    if (!spec_.isObject()) {
      out_ << "spec " << options_.spec_file << ": must be a mapping\n";
      return false;
    }
    static const std::set<std::string> known = {"kind", "config",   "secrets", "instance", "peer_protocol",
                                                "peer", "requests", "webhook", "event",    "skip"};
    for (const std::string &k : spec_.getMemberNames())
      if (!known.count(k)) {
        out_ << "spec " << options_.spec_file << ": unknown key '" << k << "'\n";
        return false;
      }
    return true;
  }

  // ---- the faults the neighbour plays ----

  // A fault the peer plays for one check: `set(true)` before the call,
  // `set(false)` after it; `judge` says what is wrong with the answer.
  struct Fault {
    std::string name;
    std::function<void(bool)> set;
    std::function<std::string(const Outcome &)> judge;
  };

  std::vector<Fault> faults(const Method &m) {
    std::vector<Fault> out;
    auto http = [this](PeerReply reply) {
      return [this, reply](bool on) { peer_->http()->answerAll(on ? std::optional<PeerReply>(reply) : std::nullopt); };
    };
    auto redis = [this](RedisFault fault) {
      return [this, fault](bool on) { peer_->redis()->failWith(on ? std::optional<RedisFault>(fault) : std::nullopt); };
    };
    auto smtp = [this](SmtpFault fault) {
      return [this, fault](bool on) { peer_->smtp()->failWith(on ? std::optional<SmtpFault>(fault) : std::nullopt); };
    };
    const auto late = std::chrono::milliseconds(timeoutMs() + 1500);
    auto timeout = [this](const Outcome &o) -> std::string {
      if (o.ok || !o.error.retryable) return "a peer slower than the call budget answered " + describe(o);
      if (o.took.count() > timeoutMs() + 1000)
        return "the call took " + std::to_string(o.took.count()) + " ms, past its budget of " +
               std::to_string(timeoutMs()) + " ms";
      return "";
    };
    auto not_taken = [](const Outcome &o) { return o.ok ? "an unreadable answer was taken as " + describe(o) : ""; };
    if (peer_->http()) {
      out.push_back(
          {"upstream_5xx_is_retryable", http(PeerReply{503, R"({"error":"unavailable"})"}), [](const Outcome &o) {
             return !o.ok && o.error.retryable ? "" : "a 503 from the peer answered " + describe(o);
           }});
      PeerReply slow{200, "{}"};
      slow.delay = late;
      out.push_back({"upstream_timeout_is_retryable", http(slow), timeout});
      out.push_back({"upstream_4xx_is_final", http(PeerReply{400, R"({"error":"bad request"})"}), [](const Outcome &o) {
                       return o.ok || !o.error.retryable
                                  ? ""
                                  : "a 400 from the peer answered " + describe(o) + " (a retry cannot help)";
                     }});
      if (m.reads_answer) {
        PeerReply garbage{200, "<html>surprise</html>"};
        garbage.content_type = "text/html";
        out.push_back({"upstream_garbage_is_an_error", http(garbage), not_taken});
      }
    } else if (peer_->redis()) {
      // Redis: LOADING (a restart reading its dataset) is worth a retry; a
      // WRONGTYPE error is not; neither is an answer.
      out.push_back({"upstream_transient_is_retryable",
                     redis(RedisFault{"-LOADING Redis is loading the dataset in memory", {}}), [](const Outcome &o) {
                       return !o.ok && o.error.retryable ? "" : "a -LOADING reply answered " + describe(o);
                     }});
      out.push_back({"upstream_timeout_is_retryable", redis(RedisFault{"", late}), timeout});
      out.push_back({"upstream_permanent_is_final",
                     redis(RedisFault{"-WRONGTYPE Operation against a key holding the wrong kind of value", {}}),
                     [](const Outcome &o) -> std::string {
                       if (o.ok) return "a -WRONGTYPE reply was taken as " + describe(o);
                       if (o.error.retryable)
                         return "a -WRONGTYPE reply answered " + describe(o) + " (a retry cannot help)";
                       return "";
                     }});
      out.push_back({"upstream_garbage_is_an_error", redis(RedisFault{"HTTP/1.1 400 Bad Request", {}}), not_taken});
    } else {
      // SMTP: a 4xx reply is "try again later" (greylisting, a full queue),
      // a 5xx one is "never" (no such mailbox).
      out.push_back({"upstream_transient_is_retryable", smtp(SmtpFault{"MAIL", "451 4.3.0 try again later", {}}),
                     [](const Outcome &o) {
                       return !o.ok && o.error.retryable ? "" : "a 451 reply to MAIL answered " + describe(o);
                     }});
      out.push_back({"upstream_timeout_is_retryable", smtp(SmtpFault{"greeting", "", late}), timeout});
      out.push_back({"upstream_permanent_is_final", smtp(SmtpFault{"RCPT", "550 5.1.1 no such mailbox", {}}),
                     [](const Outcome &o) {
                       return o.ok || !o.error.retryable
                                  ? ""
                                  : "a 550 reply to RCPT answered " + describe(o) + " (a retry cannot help)";
                     }});
      // Whatever the call reads, a peer that does not speak SMTP sent nothing.
      out.push_back(
          {"upstream_garbage_is_an_error", smtp(SmtpFault{"greeting", "HTTP/1.1 400 Bad Request", {}}), not_taken});
    }
    return out;
  }

  int64_t timeoutMs() const { return spec_["instance"].get("timeout_ms", 2000).asInt64(); }

  Json::Value instanceEntry(const PeerAddress &peer, const Json::Value &extra_config) const {
    Json::Value entry(Json::objectValue);
    entry["timeout_ms"] = static_cast<Json::Int64>(timeoutMs());
    entry["breaker"]["failure_threshold"] = 1000000; // the kit provokes failures on purpose
    mergeInto(entry, spec_["instance"]);
    entry["name"] = name_;
    entry["id"] = "conformance";
    entry["path"] = options_.plugin_file;
    Json::Value config = spec_.isMember("config") ? spec_["config"] : Json::Value(Json::objectValue);
    mergeInto(config, extra_config);
    substitute(config, peer);
    entry["config"] = config;
    return entry;
  }

  Json::Value secrets() const {
    Json::Value out(Json::objectValue);
    for (const std::string &k : spec_["secrets"].getMemberNames())
      out[k]["value"] = spec_["secrets"][k].asString();
    return out;
  }

  sdk::Result<std::unique_ptr<StandalonePlugin>> load(const PeerAddress &peer,
                                                      const Json::Value &extra = Json::Value(Json::objectValue)) {
    return StandalonePlugin::load(kind_, instanceEntry(peer, extra), secrets(), {});
  }

  void checkConfig() {
    auto loaded = load(peer_->address());
    check("config.accepted", [&]() -> std::string { return loaded.ok() ? "" : loaded.error().message; });
    if (loaded.ok()) plugin_ = std::move(loaded).value();
    check("config.rejects_unknown_keys", [&]() -> std::string {
      Json::Value extra;
      extra["conformance_unknown_key"] = true;
      auto wrong = load(peer_->address(), extra);
      if (wrong.ok()) return "a config with the unknown key 'conformance_unknown_key' was accepted";
      if (wrong.error().message.find("conformance_unknown_key") == std::string::npos)
        return "refused, but the error does not name the key: " + wrong.error().message;
      return "";
    });
  }

  std::vector<Method> methodsOfKind() {
    std::vector<Method> out;
    plugins::PluginInstance &p = plugin_->instance();
    auto add = [&](const std::string &name, const std::string &sample, bool idempotent, bool reads, Caller call) {
      Json::Value request = sampleRequest(sample);
      if (spec_["requests"].isMember(name)) mergeInto(request, spec_["requests"][name]);
      out.push_back(Method{name, request, idempotent, reads, std::move(call)});
    };
    auto skipped = [&](const std::string &name) { report("SKIP", name + ".*", "the plugin does not offer " + name); };
    // A method whose slot may be NULL: checked when the plugin offers it.
    auto addIfOffered = [&](bool is_offered, const std::string &name, const std::string &sample, bool idempotent,
                            bool reads, Caller call) {
      if (is_offered)
        add(name, sample, idempotent, reads, std::move(call));
      else
        skipped(name);
    };
    if (kind_ == "inventory") {
      add("reserve", "reserve", true, true,
          caller<orders_inventory_v1_t, sdk::ReserveOutcome>(&orders_inventory_v1_t::reserve, "reserve"));
    } else if (kind_ == "catalog") {
      add("lookup", "lookup", true, true,
          caller<orders_catalog_v1_t, sdk::LookupResult>(&orders_catalog_v1_t::lookup, "lookup"));
    } else if (kind_ == "cart") {
      add("load", "load", true, true, caller<orders_cart_v1_t, sdk::Cart>(&orders_cart_v1_t::load, "load"));
    } else if (kind_ == "customer") {
      add("lookup", "customer_lookup", true, true,
          caller<orders_customer_v1_t, sdk::Party>(&orders_customer_v1_t::lookup, "lookup"));
    } else if (kind_ == "payment") {
      using T = orders_payment_v1_t;
      add("create_payment", "create_payment", true, true,
          caller<T, sdk::PaymentResult>(&T::create_payment, "create_payment"));
      // A refund is idempotent per idempotencyKey, a cancel repeated cancels
      // once, a status is a read. A cancel's HTTP status may be its whole
      // answer (2xx done, 404 nothing to cancel): its body need not be read.
      addIfOffered(offered(p, &T::refund), "refund", "refund", true, true,
                   caller<T, sdk::PaymentResult>(&T::refund, "refund"));
      addIfOffered(offered(p, &T::cancel), "cancel", "cancel", true, false,
                   caller<T, sdk::PaymentResult>(&T::cancel, "cancel"));
      addIfOffered(offered(p, &T::status), "status", "status", true, true,
                   caller<T, sdk::PaymentResult>(&T::status, "status"));
    } else if (kind_ == "shipping") {
      using T = orders_shipping_v1_t;
      addIfOffered(offered(p, &T::quote), "quote", "quote", true, true, caller<T, sdk::Quote>(&T::quote, "quote"));
      add("create_shipment", "create_shipment", true, true,
          caller<T, sdk::Shipment>(&T::create_shipment, "create_shipment"));
      // Confirming or cancelling again answers the same shipment; as for a
      // payment's cancel, a shipment's cancel need not read the answer's body.
      addIfOffered(offered(p, &T::confirm_shipment), "confirm_shipment", "confirm_shipment", true, true,
                   caller<T, sdk::Shipment>(&T::confirm_shipment, "confirm_shipment"));
      addIfOffered(offered(p, &T::cancel_shipment), "cancel_shipment", "cancel_shipment", true, false,
                   caller<T, sdk::Shipment>(&T::cancel_shipment, "cancel_shipment"));
    } else if (kind_ == "invoice") {
      add("render", "render", false, false,
          caller<orders_invoice_v1_t, sdk::Document>(&orders_invoice_v1_t::render, "render"));
    } else if (kind_ == "notifier") {
      add("notify", "notify", true, false,
          caller<orders_notifier_v1_t, sdk::Empty>(&orders_notifier_v1_t::notify, "notify"));
    }
    return out;
  }

  // ---- per-method checks ----

  void checkMethod(Method &m) {
    plugins::PluginInstance &p = plugin_->instance();
    const std::string request = sdk::writeJson(m.request);
    peer_->clearRequests();
    Outcome first;
    const bool answered = check(m.name + ".answers", [&]() -> std::string {
      first = m.call(p, request, {});
      // An answer outside the contract's words fails in the host's own
      // check (PluginInstance::call, orders/sdk/contract.hpp).
      return first.ok ? "" : "the sample request failed: " + describe(first);
    });
    const std::vector<PeerRequest> first_requests = peer_->requests();
    const bool uses_peer = !first_requests.empty();
    const std::string needs = "needs " + m.name + ".answers to pass";

    if (m.idempotent)
      check(m.name + ".retry_is_identical", answered ? "" : needs, [&]() -> std::string {
        peer_->clearRequests();
        const Outcome again = m.call(p, request, {});
        if (!again.ok) return "the retry failed: " + describe(again);
        if (withoutClockFields(again.result) != withoutClockFields(first.result))
          return "the retry answered differently:\n      first: " + first.result + "\n      retry: " + again.result;
        return sameRequests(first_requests, peer_->requests());
      });

    check(m.name + ".malformed_request_is_invalid_argument", [&]() -> std::string {
      for (const char *bad : {"{", "[]", "\"text\""}) {
        const Outcome o = m.call(p, bad, {});
        if (o.ok || o.error.code != sdk::ErrorCode::invalid_argument)
          return std::string("request ") + bad + " answered " + describe(o);
      }
      return "";
    });

    const std::string no_peer = "the plugin sent the peer nothing for the sample request";
    for (const Fault &f : faults(m))
      check(m.name + "." + f.name,
            !answered    ? needs
            : !uses_peer ? no_peer
                         : "",
            [&]() -> std::string {
              // A fresh idempotency key: a plugin may answer a key it has
              // seen from its own memory without asking the peer.
              Json::Value fresh = m.request;
              makeDistinct(fresh, "-" + f.name);
              f.set(true);
              const Outcome o = m.call(p, sdk::writeJson(fresh), {});
              f.set(false);
              if (escaped(o)) return "an exception escaped the plugin: " + o.error.message;
              return f.judge(o);
            });
    check(m.name + ".upstream_unreachable_is_retryable",
          !answered    ? needs
          : !uses_peer ? no_peer
                       : "",
          [&]() -> std::string {
            auto cut_off = load(peer_->addressAt(testing::unusedPort()));
            if (!cut_off.ok()) return "could not load a second instance: " + cut_off.error().message;
            Json::Value fresh = m.request;
            makeDistinct(fresh, "-unreachable");
            const Outcome o = m.call(cut_off.value()->instance(), sdk::writeJson(fresh), {});
            if (escaped(o)) return "an exception escaped the plugin: " + o.error.message;
            return !o.ok && o.error.retryable ? "" : "a peer nobody listens on answered " + describe(o);
          });
    check(m.name + ".concurrent_calls", answered ? "" : needs, [&]() -> std::string {
      constexpr int kThreads = 8, kCalls = 12;
      std::atomic<int> failures{0};
      std::string first_failure;
      std::mutex mutex;
      std::vector<std::thread> threads;
      for (int t = 0; t < kThreads; ++t)
        threads.emplace_back([&, t] {
          for (int i = 0; i < kCalls; ++i) {
            Json::Value r = m.request;
            makeDistinct(r, "-c" + std::to_string(t) + "-" + std::to_string(i));
            const Outcome o = m.call(p, sdk::writeJson(r), {});
            if (!o.ok && failures.fetch_add(1) == 0) {
              std::lock_guard lock(mutex);
              first_failure = describe(o);
            }
          }
        });
      for (std::thread &t : threads)
        t.join();
      if (failures > 0)
        return std::to_string(failures.load()) + " of " + std::to_string(kThreads * kCalls) +
               " concurrent calls failed, first: " + first_failure;
      return "";
    });
  }

  // An answer without the fields a stateless plugin derives from the clock
  // (a pending payment's expiresAt is "now + window" on every call).
  static std::string withoutClockFields(const std::string &result) {
    const size_t split = result.find(" + ");
    Json::Value r;
    try {
      r = sdk::parseJson(result.substr(0, split));
    } catch (const std::exception &) {
      return result;
    }
    if (r.isObject()) r.removeMember("expiresAt");
    return sdk::writeJson(r) + (split == std::string::npos ? "" : result.substr(split));
  }

  static std::string sameRequests(const std::vector<PeerRequest> &first, const std::vector<PeerRequest> &retry) {
    // A retry answered from the plugin's own memory of the key sends nothing
    // (its answer was compared already); every request it does send must
    // repeat one of the first call's (a token fetched once and cached may be
    // missing from the retry).
    for (const PeerRequest &r : retry) {
      bool found = false;
      for (const PeerRequest &f : first) {
        bool same = f.method == r.method && f.uri == r.uri && f.body == r.body;
        for (const auto &[name, value] : f.headers)
          if (name.find("idempotency") != std::string::npos) {
            auto it = r.headers.find(name);
            same = same && it != r.headers.end() && it->second == value;
          }
        found = found || same;
      }
      if (!found)
        return "the retry sent " + r.method + " " + r.uri +
               " with a body or idempotency key the first call did "
               "not: a retry must repeat the request exactly (body: " +
               r.body.substr(0, 300) + ")";
    }
    return "";
  }

  // ---- checks of one kind ----

  void kindChecks() {
    plugins::PluginInstance &p = plugin_->instance();
    if (kind_ == "inventory") inventoryChecks(p);
    if (kind_ == "payment") {
      const Caller webhook =
          caller<orders_payment_v1_t, sdk::ParsedEvent>(&orders_payment_v1_t::parse_webhook, "parse_webhook");
      const Caller event =
          caller<orders_payment_v1_t, sdk::ParsedEvent>(&orders_payment_v1_t::parse_event, "parse_event");
      if (offered(p, &orders_payment_v1_t::parse_webhook))
        inboundChecks(p, "parse_webhook", "webhook", webhook);
      else
        report("SKIP", "parse_webhook.*", "the plugin does not offer parse_webhook");
      if (offered(p, &orders_payment_v1_t::parse_event))
        inboundChecks(p, "parse_event", "event", event);
      else
        report("SKIP", "parse_event.*", "the plugin does not offer parse_event");
    }
    if (kind_ == "shipping" && offered(p, &orders_shipping_v1_t::parse_webhook))
      inboundChecks(
          p, "parse_webhook", "webhook",
          caller<orders_shipping_v1_t, sdk::ShipmentUpdate>(&orders_shipping_v1_t::parse_webhook, "parse_webhook"));
    else if (kind_ == "shipping")
      report("SKIP", "parse_webhook.*", "the plugin does not offer parse_webhook");
    if (kind_ == "dialect") dialectChecks(p);
  }

  void inventoryChecks(plugins::PluginInstance &p) {
    const auto &t = p.methods<orders_inventory_v1_t>();
    const Caller reserve =
        caller<orders_inventory_v1_t, sdk::ReserveOutcome>(&orders_inventory_v1_t::reserve, "reserve");
    const Caller commit = caller<orders_inventory_v1_t, sdk::Empty>(&orders_inventory_v1_t::commit, "commit");
    const Caller release = caller<orders_inventory_v1_t, sdk::Empty>(&orders_inventory_v1_t::release, "release");
    const bool can_release = (t.capabilities & ORDERS_INVENTORY_CAN_RELEASE) != 0;
    check("inventory.release_after_commit_is_conflict", can_release ? "" : "the plugin cannot release",
          [&]() -> std::string {
            Json::Value r = sampleRequest("reserve");
            if (spec_["requests"].isMember("reserve")) mergeInto(r, spec_["requests"]["reserve"]);
            makeDistinct(r, "-commit");
            r["reference"] = r["reference"].asString() + "-commit";
            const Outcome reserved = reserve(p, sdk::writeJson(r), {});
            if (!reserved.ok) return "reserve failed: " + describe(reserved);
            const Json::Value outcome = sdk::parseJson(reserved.result);
            if (!outcome["reserved"].asBool()) return "the sample reservation was refused: " + reserved.result;
            Json::Value ref(Json::objectValue);
            ref["reservationId"] = outcome["reservationId"];
            ref["reference"] = r["reference"];
            ref["lines"] = r["lines"];
            const Outcome committed = commit(p, sdk::writeJson(ref), {});
            if (!committed.ok) return "commit failed: " + describe(committed);
            const Outcome again = commit(p, sdk::writeJson(ref), {});
            if (!again.ok) return "a repeated commit failed (commit must be idempotent): " + describe(again);
            const Outcome released = release(p, sdk::writeJson(ref), {});
            if (released.ok || released.error.code != sdk::ErrorCode::conflict)
              return "release after commit answered " + describe(released) + ", not conflict";
            return "";
          });
  }

  // Webhooks and Kafka messages: garbage refused, the genuine one accepted,
  // a tampered one refused.
  void inboundChecks(plugins::PluginInstance &p, const std::string &method, const std::string &spec_key,
                     const Caller &parse) {
    const std::string source = spec_key == "event" ? "kafka" : "webhook";
    auto message = [&](const Json::Value &headers) {
      Json::Value m(Json::objectValue);
      m["source"] = source;
      if (source == "kafka") m["topic"] = spec_[spec_key].get("topic", "payments").asString();
      m["headers"] = headers.isObject() ? headers : Json::Value(Json::objectValue);
      return sdk::writeJson(m);
    };
    const Json::Value genuine = timely(spec_[spec_key]);
    check(method + ".garbage_is_refused", [&]() -> std::string {
      for (const std::string &garbage :
           {std::string("\x00\xff{not json", 11), std::string("{}"), std::string("[1,2]")}) {
        const Outcome o = parse(p, message(genuine["headers"]), garbage);
        if (escaped(o)) return "an exception escaped the plugin: " + o.error.message;
        const bool refused = !o.ok && (o.error.code == sdk::ErrorCode::invalid_argument ||
                                       o.error.code == sdk::ErrorCode::unauthenticated);
        if (!refused) return "the body " + sdk::writeJson(Json::Value(garbage)) + " answered " + describe(o);
      }
      return "";
    });
    const std::string no_sample = "the spec has no `" + spec_key + "` (a genuine message) to start from";
    const std::string body = genuine.isMember("body") ? textOf(genuine["body"]) : std::string();
    check(method + ".genuine_is_accepted", genuine.isObject() ? "" : no_sample, [&]() -> std::string {
      const Outcome o = parse(p, message(genuine["headers"]), body);
      if (!o.ok) return "the genuine message answered " + describe(o);
      // Its words (outcome, event type) were checked by the host's own
      // contract check (orders/sdk/contract.hpp) on the way.
      return "";
    });
    if (source == "webhook") {
      check(method + ".tampered_body_is_refused",
            !genuine.isObject()                ? no_sample
            : !genuine["signed_body"].asBool() ? "the spec says the signature does not cover the body (signed_body)"
                                               : "",
            [&]() -> std::string {
              std::string tampered = body;
              const size_t at = tampered.find_first_of("0123456789");
              if (at == std::string::npos) return "the genuine body has no digit to change";
              tampered[at] = tampered[at] == '9' ? '8' : static_cast<char>(tampered[at] + 1);
              const Outcome o = parse(p, message(genuine["headers"]), tampered);
              return !o.ok && o.error.code == sdk::ErrorCode::unauthenticated
                         ? ""
                         : "a body with one digit changed answered " + describe(o);
            });
      check(method + ".bad_credentials_are_refused",
            !genuine.isObject()               ? no_sample
            : genuine["auth_headers"].empty() ? "the spec names no auth_headers"
                                              : "",
            [&]() -> std::string {
              for (const Json::Value &name : genuine["auth_headers"]) {
                Json::Value without = genuine["headers"];
                without.removeMember(name.asString());
                Outcome o = parse(p, message(without), body);
                if (o.ok || o.error.code != sdk::ErrorCode::unauthenticated)
                  return "without " + name.asString() + " the message answered " + describe(o);
                Json::Value wrong = genuine["headers"];
                std::string value = wrong[name.asString()].asString();
                value = value.empty() ? "x" : value.substr(0, value.size() - 1) + (value.back() == 'a' ? "b" : "a");
                wrong[name.asString()] = value;
                o = parse(p, message(wrong), body);
                if (o.ok || o.error.code != sdk::ErrorCode::unauthenticated)
                  return "with a wrong " + name.asString() + " the message answered " + describe(o);
              }
              return "";
            });
    }
  }

  void dialectChecks(plugins::PluginInstance &p) {
    const Caller routes = caller<orders_dialect_v1_t, sdk::DialectSpec>(&orders_dialect_v1_t::routes, "routes");
    const Caller handle = caller<orders_dialect_v1_t, sdk::DialectResponse>(&orders_dialect_v1_t::handle, "handle");
    const Caller encode_event =
        caller<orders_dialect_v1_t, sdk::EncodedEvent>(&orders_dialect_v1_t::encode_event, "encode_event");
    Json::Value spec;
    check("routes.answers", [&]() -> std::string {
      const Outcome o = routes(p, "{}", {});
      if (!o.ok) return "routes() answered " + describe(o);
      spec = sdk::parseJson(o.result);
      return spec["routes"].empty() ? "the dialect declares no route" : "";
    });
    check("handle.garbage_is_answered", spec["routes"].empty() ? "needs routes.answers to pass" : "",
          [&]() -> std::string {
            for (const Json::Value &route : spec["routes"]) {
              std::string path = route["path"].asString();
              Json::Value request(Json::objectValue);
              request["callId"] = "conformance";
              request["method"] = route["method"];
              request["route"] = route["path"];
              for (size_t at = path.find(':'); at != std::string::npos; at = path.find(':', at)) {
                const size_t end = path.find('/', at);
                const std::string param = path.substr(at + 1, end == std::string::npos ? end : end - at - 1);
                request["params"][param] = "conformance-x";
                path.replace(at, param.size() + 1, "conformance-x");
              }
              request["path"] = path;
              request["query"] = "";
              request["requestId"] = "conformance";
              for (const std::string &body : {std::string("\x00\xff{not json", 11), std::string("[]")}) {
                const Outcome o = handle(p, sdk::writeJson(request), body);
                if (escaped(o))
                  return route["method"].asString() + " " + route["path"].asString() + ": " + o.error.message;
                if (!o.ok && o.error.code == sdk::ErrorCode::internal)
                  return route["method"].asString() + " " + route["path"].asString() + " answered " + describe(o);
              }
            }
            return "";
          });
    check("encode_event.malformed_is_invalid_argument",
          offered(p, &orders_dialect_v1_t::encode_event) ? "" : "the dialect encodes no events", [&]() -> std::string {
            const Outcome o = encode_event(p, "{", {});
            return !o.ok && o.error.code == sdk::ErrorCode::invalid_argument ? "" : "'{' answered " + describe(o);
          });
    if (offered(p, &orders_dialect_v1_t::parse_event))
      inboundChecks(p, "parse_event", "event",
                    caller<orders_dialect_v1_t, sdk::ParsedEvent>(&orders_dialect_v1_t::parse_event, "parse_event"));
    else
      report("SKIP", "parse_event.*", "the dialect does not offer parse_event");
  }

  // ---- reporting ----

  bool check(const std::string &name, const std::function<std::string()> &body) { return check(name, "", body); }

  // Runs `body` unless the spec skips the check or `unmet` says why it cannot
  // run; "" from body is a pass, anything else the failure's reason.
  bool check(const std::string &name, const std::string &unmet, const std::function<std::string()> &body) {
    if (!options_.only.empty() && name.find(options_.only) == std::string::npos) return false;
    if (spec_["skip"].isMember(name)) {
      report("SKIP", name, "the spec says: " + spec_["skip"][name].asString());
      return false;
    }
    if (!unmet.empty()) {
      report("SKIP", name, unmet);
      return false;
    }
    std::string why;
    try {
      why = body();
    } catch (const std::exception &e) {
      why = std::string("the check itself failed: ") + e.what();
    }
    report(why.empty() ? "PASS" : "FAIL", name, why);
    return why.empty();
  }

  void report(const std::string &verdict, const std::string &name, const std::string &why) {
    if (verdict == "FAIL") ++failed_;
    if (verdict == "PASS") ++passed_;
    if (verdict == "SKIP") ++skipped_;
    out_ << verdict << " " << kind_ << "." << name << (why.empty() ? "" : "\n      " + why) << "\n";
    out_.flush();
  }

  int finish() {
    out_ << passed_ << " passed, " << failed_ << " failed, " << skipped_ << " skipped\n";
    return failed_ == 0 ? 0 : 1;
  }

  const Options &options_;
  std::ostream &out_;
  Json::Value spec_;
  std::string name_;
  std::string kind_;
  std::unique_ptr<Neighbour> peer_;
  std::unique_ptr<StandalonePlugin> plugin_; // declared after the peers: destroyed before them
  int passed_ = 0, failed_ = 0, skipped_ = 0;
};

} // namespace

int run(const Options &options, std::ostream &out) { return Run(options, out).go(); }

} // namespace orders::host::conformance
