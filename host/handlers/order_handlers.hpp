// The canonical order API (DESIGN.md section 7). One function per route;
// http/routes.cpp is the table that mounts them.
#pragma once

#include "handlers/app_context.hpp"
#include "http/request.hpp"

namespace orders::host::handlers {

http::Response checkout(app::AppContext &ctx, http::Request &req);
http::Response internalCreateOrder(app::AppContext &ctx, http::Request &req);
http::Response listOrders(app::AppContext &ctx, http::Request &req);
// listOrders for dialects: also offset, search and total=true (page numbers).
http::Response listOrdersPaged(app::AppContext &ctx, http::Request &req);
http::Response adminListOrders(app::AppContext &ctx, http::Request &req);
http::Response getOrder(app::AppContext &ctx, http::Request &req);
http::Response adminGetOrder(app::AppContext &ctx, http::Request &req);
http::Response getOrderByNumber(app::AppContext &ctx, http::Request &req);
http::Response getOrderByNumericId(app::AppContext &ctx, http::Request &req);
http::Response refreshPayment(app::AppContext &ctx, http::Request &req);
http::Response orderHistory(app::AppContext &ctx, http::Request &req);
http::Response orderInvoice(app::AppContext &ctx, http::Request &req);
http::Response retryPayment(app::AppContext &ctx, http::Request &req);
http::Response cancelOrder(app::AppContext &ctx, http::Request &req);
http::Response setStatus(app::AppContext &ctx, http::Request &req);
// PUT /api/admin/orders/:id/status: setStatus for admins only.
http::Response adminSetStatus(app::AppContext &ctx, http::Request &req);
http::Response setShippingCost(app::AppContext &ctx, http::Request &req);
http::Response paymentWebhook(app::AppContext &ctx, http::Request &req);
http::Response shippingWebhook(app::AppContext &ctx, http::Request &req);
http::Response adminOutbox(app::AppContext &ctx, http::Request &req);
// POST /api/admin/reload: re-reads the config (handlers/config_reload.hpp); admin only.
http::Response adminReload(app::AppContext &ctx, http::Request &req);
http::Response apiDocsPage(app::AppContext &ctx, http::Request &req);
http::Response apiDocsSpec(app::AppContext &ctx, http::Request &req);
http::Response apiDocsSpecJson(app::AppContext &ctx, http::Request &req);
http::Response apiDocsRenderer(app::AppContext &ctx, http::Request &req);

} // namespace orders::host::handlers
