// RFC 6901 pointers (orders/sdk/json_pointer.hpp): parsing and resolving any
// text never crashes, and an escaped key is read back as itself.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "orders/sdk/json.hpp"
#include "orders/sdk/json_pointer.hpp"

using namespace orders::sdk;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const std::string text(reinterpret_cast<const char *>(data), size);
  static const Json::Value doc = parseJson(R"({"a":{"b":[1,{"c~d/e":true}],"":0},"x":[[],[2]]})");
  if (auto pointer = JsonPointer::parse(text)) (void)pointer->find(doc);
  // Any key, escaped, is one token that resolves to that key's member.
  Json::Value holder(Json::objectValue);
  holder[text] = 42;
  auto pointer = JsonPointer::parse("/" + JsonPointer::escape(text));
  if (!pointer) std::abort();
  const Json::Value *found = pointer->find(holder);
  if (found == nullptr || found->asInt() != 42) std::abort();
  return 0;
}
