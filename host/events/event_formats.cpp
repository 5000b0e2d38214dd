#include "events/event_formats.hpp"

#include <array>

namespace orders::host::events {

namespace {

struct FormatEntry {
  EventFormat format;
  const char *name;
};
constexpr std::array<FormatEntry, 1> kFormats{{{EventFormat::canonical, "canonical"}}};

} // namespace

std::optional<EventFormat> parseEventFormat(std::string_view name) {
  for (const FormatEntry &f : kFormats)
    if (name == f.name) return f.format;
  return std::nullopt;
}

const char *formatName(EventFormat format) {
  for (const FormatEntry &f : kFormats)
    if (f.format == format) return f.name;
  return "unknown";
}

std::vector<std::string> formatNames() {
  std::vector<std::string> out;
  for (const FormatEntry &f : kFormats)
    out.emplace_back(f.name);
  return out;
}

sdk::Result<std::optional<EncodedEvent>> encodeEvent(EventFormat format, const std::string &type,
                                                     const std::string &canonical_payload) {
  (void)format; // canonical is the host's only format
  return std::optional<EncodedEvent>(EncodedEvent{type, canonical_payload});
}

} // namespace orders::host::events
