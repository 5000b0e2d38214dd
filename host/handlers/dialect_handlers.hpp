// Dialect plugins on the HTTP side (ABI 1.4): mounting their routes, and the
// `core` host service through which they act.
//
// A dialect route is served like this: the host authenticates the request
// with the schemes the instance's `auth` maps the route's group to (tried in
// order, falling through), registers the principal under a fresh call id,
// and hands the dialect the request (declared headers only). While handle()
// runs, the dialect's core calls carrying that call id run the canonical
// handlers themselves, with that principal: authorization stays in the core
// and a dialect can never widen it. When authentication failed, the dialect
// is told (authError) so that it answers 401 in its own words; an answer
// below 400 is then replaced by the host's 401.
//
// Thread-safety: mounting happens at start-up; serving and core calls may
// run concurrently (the call table locks).
#pragma once

#include <string_view>

#include "handlers/app_context.hpp"
#include "http/router.hpp"
#include "orders/sdk/abi.h"
#include "orders/sdk/result.hpp"

namespace orders::host::handlers {

// Adds every route of every dialect instance to `router`. invalid_argument
// naming the instance and route when a route clashes with one already
// mounted, its path is malformed, or its auth group names a scheme the auth
// section does not enable.
sdk::Status mountDialects(app::AppContext &ctx, http::Router &router);

// The `core` host service (CoreGateway of the plugin registry).
orders_status_t dialectCoreCall(app::AppContext &ctx, std::string_view request, std::string_view payload,
                                const orders_sink_t *out);

} // namespace orders::host::handlers
