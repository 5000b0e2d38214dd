/*
 * orders/sdk/abi.h - the binary contract between the Order Service host and
 * its plugins.
 *
 * This header is the whole ABI. It is plain C (C99 and C++17 compatible) so a
 * plugin built with any compiler version, or in another language, can talk to
 * any host of the same ABI major version. Integrators normally do not use it
 * directly: the header-only C++ layer (orders/sdk/plugin.hpp) implements it.
 *
 * Rules of the contract
 * - Only C types cross: fixed-width integers, explicit-valued constants,
 *   opaque handles, {ptr,len} byte views and function pointers. No exception
 *   may cross a function pointer in either direction.
 * - Every struct begins with `struct_size` and only ever grows at the end
 *   (append-only). A reader touches a field only if the writer's struct_size
 *   covers it. Adding a field or a function slot bumps ORDERS_ABI_MINOR;
 *   anything else bumps ORDERS_ABI_MAJOR. tests/abi pins a SHA-256 of this
 *   file so that no edit happens by accident.
 * - The host accepts a plugin when abi_major equals its own and abi_minor is
 *   not newer than its own.
 * - Ownership: nobody frees memory the other side allocated. Byte views are
 *   borrowed for the duration of the call that receives them. Results are
 *   copied into a sink owned by the caller (see orders_sink_t).
 * - Rich payloads (orders, payments, shipments...) cross as UTF-8 JSON whose
 *   shapes are fixed by schemas/data/ *.v1.schema.json.
 *
 * Thread-safety: the host may call one instance's methods from several threads
 * at once; plugins must be thread-safe per instance. Host services may be
 * called from any thread.
 */
#ifndef ORDERS_SDK_ABI_H
#define ORDERS_SDK_ABI_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Version of this header. Minor history:
 *   1.0  descriptor, host services, seven plugin kinds.
 *   1.1  descriptor gains `description` and `ready` (readiness probe).
 *   1.2  eighth kind: ORDERS_KIND_CUSTOMER (orders_customer_v1_t). A plugin
 *        of a kind newer than the minor it was built for is rejected.
 *   1.3  inventory table gains `restock` (return committed units) and the
 *        ORDERS_INVENTORY_CAN_RESTOCK flag; ORDERS_HAS_MEMBER moves here.
 *        The host copies every method table into a zero-filled table of its
 *        own size, so a slot a plugin's older table lacks reads as NULL
 *        ("not offered": ORDERS_ERR_UNSUPPORTED) and older plugins load.
 *   1.4  ninth kind: ORDERS_KIND_DIALECT (orders_dialect_v1_t), an existing
 *        service's HTTP API and event formats spoken over the order core;
 *        host services gain `core` (order-core operations for dialects).
 *   1.5  dialect table gains `parse_event`: the payment messages of the
 *        replaced service's neighbours (events.consume[].dialect).
 *   1.6  descriptor gains `abi_hash` (the SHA-256 of the abi.h the plugin was
 *        built against, ORDERS_ABI_HASH from orders/sdk/abi_hash.h; required
 *        from 1.6 on: the host refuses a plugin whose header is not the one
 *        its declared minor was released with) and `build_info` (compiler,
 *        language standard, build type, for diagnostics). */
#define ORDERS_ABI_MAJOR 1
#define ORDERS_ABI_MINOR 6

/* True when `table` (a struct of type T written by the other side, which
 * starts with its struct_size) is large enough to hold `member`. Check it
 * before touching any field added after the struct first appeared. */
#define ORDERS_HAS_MEMBER(T, table, member)                                                                            \
  ((table) != NULL && (table)->struct_size >= offsetof(T, member) + sizeof(((T *)NULL)->member))

/* Name of the one symbol every plugin exports (see orders_entry_fn). */
#define ORDERS_PLUGIN_ENTRY_SYMBOL "orders_plugin_descriptor_v1"

/* ---- status codes (explicit values, never renumbered) ------------------ */
typedef int32_t orders_status_t;
#define ORDERS_OK 0
#define ORDERS_ERR_INVALID_ARGUMENT 1
#define ORDERS_ERR_NOT_FOUND 2
#define ORDERS_ERR_CONFLICT 3
#define ORDERS_ERR_REJECTED 4
#define ORDERS_ERR_UNAVAILABLE 5
#define ORDERS_ERR_TIMEOUT 6
#define ORDERS_ERR_UNAUTHENTICATED 7
#define ORDERS_ERR_INTERNAL 8
#define ORDERS_ERR_UNSUPPORTED 9 /* the method slot is absent or not offered */

/* ---- plugin kinds (explicit values) ------------------------------------ */
typedef int32_t orders_kind_t;
#define ORDERS_KIND_INVENTORY 1
#define ORDERS_KIND_CATALOG 2
#define ORDERS_KIND_CART 3
#define ORDERS_KIND_PAYMENT 4
#define ORDERS_KIND_SHIPPING 5
#define ORDERS_KIND_INVOICE 6
#define ORDERS_KIND_NOTIFIER 7
#define ORDERS_KIND_CUSTOMER 8 /* since 1.2 */
#define ORDERS_KIND_DIALECT 9  /* since 1.4 */

/* ---- log levels, metric types, sink parts ------------------------------ */
#define ORDERS_LOG_DEBUG 10
#define ORDERS_LOG_INFO 20
#define ORDERS_LOG_WARN 30
#define ORDERS_LOG_ERROR 40

#define ORDERS_METRIC_COUNTER 1   /* value is added */
#define ORDERS_METRIC_GAUGE 2     /* value replaces */
#define ORDERS_METRIC_HISTOGRAM 3 /* value is observed (seconds for latency) */

/* A sink receives up to two parts: BODY (payload bytes, e.g. result JSON, a
 * PDF, an HTTP response body) and META (a small JSON object describing the
 * body, e.g. {"status":200,"headers":{...}} or {"contentType":...}). */
#define ORDERS_PART_BODY 0
#define ORDERS_PART_META 1

/* HTTP request flags for orders_host_services_t.http. */
#define ORDERS_HTTP_IDEMPOTENT 1u /* safe to retry on transport failure */

/* A borrowed byte view. `data` need not be NUL-terminated; it may be NULL
 * only when `len` is 0. Valid until the function receiving it returns. */
typedef struct orders_bytes {
  const char *data;
  size_t len;
} orders_bytes_t;

/* Where a callee writes its result. Owned by the caller, who also owns
 * everything written into it; the callee copies nothing out of it. `append`
 * may be called several times per part and concatenates. `fail` records an
 * error (code from the status list, retryable 0/1, UTF-8 message); the callee
 * still returns the same code. A sink is valid only during the call it is
 * passed to and must not be used from another thread. */
typedef struct orders_sink {
  uint32_t struct_size;
  void *ctx; /* opaque to the callee */
  void (*append)(void *ctx, int32_t part, orders_bytes_t bytes);
  void (*fail)(void *ctx, orders_status_t code, int32_t retryable, orders_bytes_t message);
} orders_sink_t;

/* An instance created by a plugin. Opaque to the host; destroyed with the
 * descriptor's destroy(). */
typedef struct orders_instance orders_instance_t;

/* Every plugin method and the HTTP host service share one shape:
 * `request` is a JSON document (may be empty when documented so), `payload`
 * raw bytes that must not be re-encoded (a webhook body, a Kafka value,
 * an HTTP request body); the result goes to `out`. Returns ORDERS_OK or an
 * error code (then `out->fail` should have been called with details). */
typedef orders_status_t (*orders_method_fn)(orders_instance_t *self, orders_bytes_t request, orders_bytes_t payload,
                                            const orders_sink_t *out);

/* ---- host services ------------------------------------------------------
 * A table the host gives each instance at create(). The table and `ctx` stay
 * valid until that instance's destroy() returns. All functions are
 * thread-safe. */
typedef struct orders_host_services {
  uint32_t struct_size;
  void *ctx; /* identifies the calling instance; pass it back unchanged */

  /* Structured log line, tagged by the host with the instance id. */
  void (*log)(void *ctx, int32_t level, orders_bytes_t message);

  /* Records a metric sample. `name` is a Prometheus metric name (the host
   * prefixes it with "orders_plugin_"); `labels` is a JSON object of string
   * values or empty. */
  void (*metric)(void *ctx, int32_t type, orders_bytes_t name, double value, orders_bytes_t labels);

  /* Outbound HTTP done by the host (timeouts, retries with backoff when
   * flagged idempotent, connection reuse, TLS, outbound auth configured for
   * the instance). `request` JSON: {"method","url","headers":{...},
   * "timeoutMs"?, "idempotent"?}; `payload` is the request body. On success
   * `out` gets META {"status":int,"headers":{...}} and BODY (any HTTP status
   * is success; transport failures are UNAVAILABLE or TIMEOUT). */
  orders_status_t (*http)(void *ctx, orders_bytes_t request, orders_bytes_t payload, const orders_sink_t *out);

  /* Wall-clock time, milliseconds since the Unix epoch (UTC). */
  int64_t (*now_unix_ms)(void *ctx);

  /* Looks up a secret by name (configured in the host's `secrets` section,
   * else the environment variable of that name). The value goes to `out`'s
   * BODY. NOT_FOUND when absent. Never logged by the host. */
  orders_status_t (*secret)(void *ctx, orders_bytes_t name, const orders_sink_t *out);

  /* ---- since 1.4 (check with ORDERS_HAS_MEMBER) ---- */
  /* Runs one order-core operation (the same the host's own API runs) as the
   * principal the host authenticated for a dialect request in progress.
   * `request` JSON CoreCall: {"op", "call" (the DialectRequest's callId),
   * "params":{...}, "query":{...}, "headers":{...}}; `payload` the canonical
   * JSON body. `out` gets META {"status":int,"headers":{...}} and BODY (the
   * canonical JSON answer, or an RFC 9457 problem for an error status): any
   * status is success. UNAUTHENTICATED when `call` names no request in
   * progress; INVALID_ARGUMENT for an unknown op; UNSUPPORTED for plugins
   * of other kinds. */
  orders_status_t (*core)(void *ctx, orders_bytes_t request, orders_bytes_t payload, const orders_sink_t *out);
} orders_host_services_t;

/* ---- per-kind method tables ---------------------------------------------
 * Each table starts with struct_size; a NULL slot means "not offered" and the
 * host answers ORDERS_ERR_UNSUPPORTED. Request/response JSON shapes are
 * named after each slot and fixed in schemas/data/. */

#define ORDERS_INVENTORY_THREE_PHASE 1u /* reserve -> allocate -> confirm */
#define ORDERS_INVENTORY_CAN_RELEASE 2u
#define ORDERS_INVENTORY_CAN_RESTOCK 4u /* since 1.3: restock returns committed units */

typedef struct orders_inventory_v1 {
  uint32_t struct_size;
  uint32_t capabilities;    /* ORDERS_INVENTORY_* flags */
  orders_method_fn reserve; /* ReserveRequest -> ReserveOutcome */
  orders_method_fn commit;  /* ReservationRef -> {} */
  orders_method_fn release; /* ReservationRef -> {} */
  /* ---- since 1.3 ---- */
  /* RestockRequest -> {}: puts units a commit took back on sale (a paid
   * order cancelled or refunded). Idempotent per idempotencyKey. */
  orders_method_fn restock;
} orders_inventory_v1_t;

/* The inventory table as ABI 1.0-1.2 defined it (up to `release`). */
#define ORDERS_INVENTORY_V1_0_SIZE (offsetof(orders_inventory_v1_t, release) + sizeof(orders_method_fn))

typedef struct orders_catalog_v1 {
  uint32_t struct_size;
  orders_method_fn lookup; /* LookupRequest -> LookupResult */
} orders_catalog_v1_t;

typedef struct orders_cart_v1 {
  uint32_t struct_size;
  orders_method_fn load;  /* CartRef -> Cart */
  orders_method_fn clear; /* CartRef -> {} */
} orders_cart_v1_t;

typedef struct orders_payment_v1 {
  uint32_t struct_size;
  orders_method_fn create_payment; /* PaymentRequest -> PaymentResult */
  orders_method_fn refund;         /* RefundRequest -> PaymentResult */
  orders_method_fn cancel;         /* PaymentRef -> PaymentResult */
  orders_method_fn parse_webhook;  /* InboundMessage + payload -> ParsedEvent */
  orders_method_fn parse_event;    /* InboundMessage + payload -> ParsedEvent */
  orders_method_fn status;         /* PaymentRef -> PaymentResult */
} orders_payment_v1_t;

typedef struct orders_shipping_v1 {
  uint32_t struct_size;
  orders_method_fn create_shipment;  /* ShipmentRequest -> Shipment */
  orders_method_fn confirm_shipment; /* ShipmentRef -> Shipment */
  orders_method_fn cancel_shipment;  /* ShipmentRef -> Shipment */
  orders_method_fn quote;            /* ShipmentRequest -> Quote */
  orders_method_fn parse_webhook;    /* InboundMessage + payload -> ShipmentUpdate */
} orders_shipping_v1_t;

typedef struct orders_invoice_v1 {
  uint32_t struct_size;
  orders_method_fn render; /* InvoiceRequest -> META Document, BODY bytes */
} orders_invoice_v1_t;

typedef struct orders_notifier_v1 {
  uint32_t struct_size;
  orders_method_fn notify; /* Notification -> {} */
} orders_notifier_v1_t;

/* since 1.2 */
typedef struct orders_customer_v1 {
  uint32_t struct_size;
  orders_method_fn lookup; /* CustomerRef -> Party (the order's customer snapshot) */
} orders_customer_v1_t;

/* since 1.4: a dialect speaks an existing service's API over the core. The
 * host asks `routes` once at start-up and mounts them; `handle` answers one
 * request (the host has authenticated it as the route's auth group says);
 * `encode_event` turns a canonical order event into one of the dialect's
 * message formats for events.publish[].format "<instance-id>/<format>". */
typedef struct orders_dialect_v1 {
  uint32_t struct_size;
  orders_method_fn routes;       /* {} -> DialectSpec */
  orders_method_fn handle;       /* DialectRequest + raw body -> META DialectResponse, BODY bytes */
  orders_method_fn encode_event; /* EventToEncode -> META EncodedEvent, BODY message value */
  /* ---- since 1.5 ---- */
  /* InboundMessage + payload -> ParsedEvent: a payment message in the
   * replaced service's words, for events.consume[].dialect. An event
   * without an id gets one the host derives from the message. */
  orders_method_fn parse_event;
} orders_dialect_v1_t;

/* ---- the descriptor -----------------------------------------------------
 * Returned by the entry symbol; static storage in the plugin, valid while the
 * library stays loaded. All strings are NUL-terminated UTF-8. */
typedef struct orders_plugin_descriptor {
  uint32_t struct_size;
  uint16_t abi_major; /* ORDERS_ABI_MAJOR the plugin was built against */
  uint16_t abi_minor; /* ORDERS_ABI_MINOR the plugin was built against */
  orders_kind_t kind;
  const char *name;          /* e.g. "xendit"; [a-z0-9_-]+ */
  const char *version;       /* plugin version, e.g. "1.4.0" */
  const char *config_schema; /* JSON Schema of the instance config */

  /* Creates an instance. `host` and its ctx outlive the instance.
   * `instance_id` is the unique id from the config; `config` the instance
   * config JSON, validated against config_schema with the schema's
   * `default`s filled in by the host. On success stores the
   * handle in *out_instance and returns ORDERS_OK; on failure calls
   * err->fail and returns its code. */
  orders_status_t (*create)(const orders_host_services_t *host, orders_bytes_t instance_id, orders_bytes_t config,
                            orders_instance_t **out_instance, const orders_sink_t *err);
  /* Destroys an instance; no method of it is called afterwards. */
  void (*destroy)(orders_instance_t *self);
  /* The kind's method table (orders_<kind>_v1_t), static storage. */
  const void *methods;

  /* ---- since 1.1 ---- */
  const char *description; /* one line for --list-plugins; may be NULL */
  /* Readiness probe for /health/ready: ORDERS_OK when ready; may be NULL. */
  orders_status_t (*ready)(orders_instance_t *self, const orders_sink_t *out);

  /* ---- since 1.6 ---- */
  /* ORDERS_ABI_HASH (orders/sdk/abi_hash.h): lowercase hex SHA-256 of the
   * abi.h the plugin was compiled with. The host compares it with the hash
   * it knows for the declared abi_minor and refuses a mismatch (an edited
   * or foreign header), like Envoy's ABI version handshake. Not NULL. */
  const char *abi_hash;
  /* Free text naming how the plugin was built (compiler and version,
   * language standard, optimisation, sanitizers, SDK version), shown by
   * --list-plugins, /v1/_info and load errors; may be NULL. */
  const char *build_info;
} orders_plugin_descriptor_t;

/* Smallest descriptor a 1.0 plugin can have (up to and including methods). */
#define ORDERS_DESCRIPTOR_V1_0_SIZE (offsetof(orders_plugin_descriptor_t, methods) + sizeof(const void *))
/* The descriptor of a 1.1 to 1.5 plugin (up to and including ready). */
#define ORDERS_DESCRIPTOR_V1_1_SIZE (offsetof(orders_plugin_descriptor_t, ready) + sizeof(void (*)(void)))

/* The entry symbol's type. Must return the same pointer on every call. */
typedef const orders_plugin_descriptor_t *(*orders_entry_fn)(void);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* ORDERS_SDK_ABI_H */
