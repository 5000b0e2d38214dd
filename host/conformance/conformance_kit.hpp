// The conformance kit: checks a built plugin library against the contract
// of its kind, loaded through the server's real loader and host services,
// with a peer standing in for the plugin's neighbour: a scriptable HTTP
// peer, or a real SMTP or Redis server (`peer_protocol`).
//
// The integrator describes the peer and the instance config in a spec file
// (YAML or JSON; see README "Conformance kit"):
//
//   kind: payment
//   config: { base_url: "{{peer}}", api_key_secret: acme_key }   # {{peer}}: the peer's base URL
//   secrets: { acme_key: sk_test }
//   peer:                      # the neighbour's happy-path answers (method + path, query ignored)
//     - { method: POST, path: /v1/charges, status: 200, body: { id: ch_1, status: succeeded } }
//   requests: { create_payment: { amount: { amountMinor: 500 } } }   # merged over the kit's samples
//   webhook: { headers: {...}, body: "...", signed_body: true, auth_headers: [x-acme-signature] }
//   event: { headers: {...}, body: "..." }            # a genuine Kafka payment message
//   skip: { create_payment.upstream_garbage_is_an_error: "why this check does not apply" }
//
// Each check prints one line, PASS / FAIL / SKIP with the reason; the run
// fails when any check fails. Thread-safety: one run at a time per process.
#pragma once

#include <iosfwd>
#include <string>

namespace orders::host::conformance {

struct Options {
  std::string plugin_file; // the built orders-<kind>-<name>.so
  std::string spec_file;   // YAML or JSON
  std::string only;        // run only checks whose name contains this ("" = all)
};

// Runs every check; returns the process exit code (0: all passed, 1: a
// check failed, 2: the spec or the plugin could not be loaded at all).
int run(const Options &options, std::ostream &out);

} // namespace orders::host::conformance
