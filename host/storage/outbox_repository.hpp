// Reading service_outbox (rows are written by OrderRepository in the same
// transaction as the change they announce).
#pragma once

#include <Poco/Data/Session.h>

#include <optional>
#include <string>
#include <vector>

namespace orders::host::storage {

struct OutboxRow {
  int64_t id = 0;
  std::string event_id;
  std::string event_type;
  std::string aggregate_id;
  std::string payload;
  int64_t created_at_ms = 0;
  std::optional<int64_t> published_at_ms;
};

class OutboxRepository {
public:
  // Rows with id > after_id, oldest first.
  std::vector<OutboxRow> page(Poco::Data::Session &s, int64_t after_id, int limit, bool unpublished_only,
                              const std::optional<std::string> &aggregate_id = std::nullopt);
};

} // namespace orders::host::storage
