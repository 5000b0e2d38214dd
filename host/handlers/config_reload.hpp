// Live reload: SIGHUP and POST /api/admin/reload re-read the config file.
//
// What a reload applies without a restart: plugin instances of every kind
// but dialect whose config entry changed (created anew from the new entry,
// asked ready(), then swapped in: later calls go to the new instance,
// calls already running finish on the old one, PluginInstance::replaceWith);
// every such instance again when the value of a secret named in `secrets:`
// changed (plugins read secrets when created); and `log.level`. Anything
// else changed (the listener, the database, the saga's settings, Kafka,
// dialects, instances added or removed...) is refused with the section
// named: that needs a restart. A config that does not load is refused with
// the same messages as --check-config, and so is a plugin that does not
// create or is not ready: the running set is kept as it was.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "orders/sdk/result.hpp"

namespace orders::host::app {
struct AppContext;
}

namespace orders::host::handlers {

struct ReloadOutcome {
  uint64_t generation = 0;
  std::vector<std::string> replaced; // "kind/id" of each instance swapped in
  bool log_level_changed = false;
};

// Notes what start-up applied (the config and the secrets' values), the
// baseline the first reload compares with.
void rememberLoadedConfig(app::AppContext &ctx);

// Re-reads ctx.config_path and applies what it may. Errors: `rejected`
// (the file, a plugin's config or its create() failed, with the messages of
// --check-config; or a section that needs a restart changed, named),
// `unavailable` (a new instance is not ready). Nothing changes on error.
sdk::Result<ReloadOutcome> reloadConfig(app::AppContext &ctx);

} // namespace orders::host::handlers
