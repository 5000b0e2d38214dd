// Plugin answers checked against schemas/data/plugin-messages.v1.schema.json.
//
// PluginInstance::call decodes an answer into its SDK struct (types and
// required fields) and checks its words (orders/sdk/contract.hpp); this
// adds the rest of the published schema, re-encoded from what the host will
// use: patterns (RFC 3339 timestamps, ISO 4217 currencies), bounds and
// enums. A violation is a plugin contract error (internal, logged, counted),
// never a value the core acts on.
//
// Thread-safety: the validators compile on first use under a lock and are
// immutable afterwards; answerProblem may run concurrently.
#pragma once

#include <json/json.h>

#include <optional>
#include <string>
#include <type_traits>

#include "orders/sdk/messages.hpp"

namespace orders::host::plugins {

// The definition in plugin-messages.v1.schema.json a method's answer has,
// or nullptr for answers that have none (dialect specs and responses).
template <class Resp> constexpr const char *answerSchemaName() {
  if constexpr (std::is_same_v<Resp, sdk::ReserveOutcome>)
    return "ReserveOutcome";
  else if constexpr (std::is_same_v<Resp, sdk::LookupResult>)
    return "LookupResult";
  else if constexpr (std::is_same_v<Resp, sdk::Cart>)
    return "Cart";
  else if constexpr (std::is_same_v<Resp, sdk::Party>)
    return "Party";
  else if constexpr (std::is_same_v<Resp, sdk::PaymentResult>)
    return "PaymentResult";
  else if constexpr (std::is_same_v<Resp, sdk::ParsedEvent>)
    return "ParsedEvent";
  else if constexpr (std::is_same_v<Resp, sdk::Shipment>)
    return "Shipment";
  else if constexpr (std::is_same_v<Resp, sdk::Quote>)
    return "Quote";
  else if constexpr (std::is_same_v<Resp, sdk::ShipmentUpdate>)
    return "ShipmentUpdate";
  else if constexpr (std::is_same_v<Resp, sdk::Document>)
    return "Document";
  else if constexpr (std::is_same_v<Resp, sdk::Empty>)
    return "Empty";
  else
    return nullptr;
}

// The first violations of `answer` against definition `name`, as
// "/pointer: rule; ..." (at most three), or nullopt when it conforms.
std::optional<std::string> answerProblem(const char *name, const Json::Value &answer);

} // namespace orders::host::plugins
