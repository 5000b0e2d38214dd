// The smallest useful dialect: one route, one core call, its own body
// shape, its own error words. Built out of tree against the installed SDK
// (C++17) by tests/cli/out_of_tree_plugin.sh.
#include "dialect_hello_config_schema.hpp"
#include "orders/sdk/plugin.hpp"

using namespace orders::sdk;

class HelloDialect final : public Dialect {
public:
  static Result<std::unique_ptr<HelloDialect>> create(PluginContext ctx) {
    auto d = std::make_unique<HelloDialect>(ctx.host);
    d->greeting_ = ctx.config["greeting"].asString();
    return d;
  }
  explicit HelloDialect(Host host) : host_(host) {}

  Result<DialectSpec> spec() override {
    DialectSpec s;
    s.routes.push_back(DialectRoute{"GET", "/orders/:id", "user", {}});
    return s;
  }

  Result<DialectResponse> handle(const DialectRequest &request, std::string_view) override {
    if (request.authError) return answer(401, "who are you?");
    CoreCall call;
    call.op = "get";
    call.call = request.callId; // the core acts as the caller the host authenticated
    call.params["id"] = request.params.at("id");
    auto got = host_.core(call);
    if (!got.ok()) return got.error();
    if (!got->isSuccess()) return answer(got->status, "no such order");
    const Json::Value order = got->json();
    Json::Value out(Json::objectValue);
    out["greeting"] = greeting_;
    out["orderId"] = order["id"];
    out["state"] = order["status"];
    DialectResponse r;
    r.body = writeJson(out);
    return r;
  }

private:
  DialectResponse answer(int64_t status, const std::string &why) const {
    Json::Value out(Json::objectValue);
    out["greeting"] = greeting_;
    out["problem"] = why;
    DialectResponse r;
    r.status = status;
    r.body = writeJson(out);
    return r;
  }

  Host host_;
  std::string greeting_;
};

ORDERS_PLUGIN(HelloDialect, "hello", "0.1.0", "Example dialect: GET /orders/:id as {orderId, state}", kConfigSchema)
