// A cart as cart/redis finds it in Redis, turned into cart lines without a
// server (plugins/cart/redis/cart_shapes: cartFromJson for a GET value,
// cartFromHash for HGETALL's pairs). The first byte:
//   bit 0     0: the rest is a JSON value; 1: lines alternating hash field and value
//   bits 1-2  the line pointers: seed 002's (/items, /product_id, /qty, /variant_id),
//             camelCase with a seller (/cart/lines, /productId, /quantity, /variantId, /sellerId),
//             nested (/data/items, /product/id, /qty, /variant, /seller/id)
//   bits 3-4  hash values: detect, quantity, json
//   bits 5-6  hash variant separator: ":", none, "::"
// Never a crash or an exception; a refusal is invalid_argument starting with
// the key's name; every line has a product id and a quantity > 0, a hash
// line's product id is its field (up to the separator), and the cart
// survives the wire codec unchanged.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

#include "cart_shapes.hpp"
#include "orders/sdk/json.hpp"
#include "orders/sdk/messages.hpp"

using namespace orders::plugins::cart_redis;
using orders::sdk::JsonPointer;

namespace {

const std::string kWhat = "redis key 'cart:ana@example.com'";

JsonPointer pointer(const char *text) {
  auto parsed = JsonPointer::parse(text);
  if (!parsed) std::abort();
  return *parsed;
}

JsonShape jsonShape(int which) {
  JsonShape s;
  switch (which) {
  case 0: s = {pointer("/items"), pointer("/product_id"), pointer("/qty"), pointer("/variant_id"), std::nullopt}; break;
  case 1:
    s = {pointer("/cart/lines"), pointer("/productId"), pointer("/quantity"), pointer("/variantId"),
         pointer("/sellerId")};
    break;
  default:
    s = {pointer("/data/items"), pointer("/product/id"), pointer("/qty"), pointer("/variant"), pointer("/seller/id")};
    break;
  }
  return s;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1) return 0;
  const bool hash = (data[0] & 1) != 0;
  const JsonShape shape = jsonShape((data[0] >> 1) % 4 % 3);
  const std::string rest(reinterpret_cast<const char *>(data + 1), size - 1);

  std::vector<std::pair<std::string, std::string>> fields;
  orders::sdk::Result<orders::sdk::Cart> cart = orders::sdk::invalidArgument("");
  HashShape hash_shape;
  if (!hash) {
    cart = cartFromJson(rest, shape, kWhat);
  } else {
    const HashValues values[] = {HashValues::detect, HashValues::quantity, HashValues::json};
    const char *separators[] = {":", "", "::"};
    hash_shape.values = values[(data[0] >> 3) % 4 % 3];
    hash_shape.separator = separators[(data[0] >> 5) % 4 % 3];
    hash_shape.lines = shape;
    std::vector<std::string> parts;
    for (size_t start = 0;;) {
      const size_t newline = rest.find('\n', start);
      parts.push_back(rest.substr(start, newline == std::string::npos ? std::string::npos : newline - start));
      if (newline == std::string::npos) break;
      start = newline + 1;
    }
    for (size_t i = 0; i + 1 < parts.size(); i += 2)
      fields.emplace_back(parts[i], parts[i + 1]);
    cart = cartFromHash(fields, hash_shape, kWhat);
  }

  if (!cart.ok()) {
    if (cart.error().code != orders::sdk::ErrorCode::invalid_argument) std::abort();
    if (cart.error().message.rfind(kWhat + ": ", 0) != 0) std::abort();
    return 0;
  }
  const auto &lines = cart.value().lines;
  if (hash && lines.size() != fields.size()) std::abort(); // every field is a line, or the hash is refused
  for (size_t i = 0; i < lines.size(); ++i) {
    const orders::sdk::StockLine &line = lines[i];
    if (line.productId.empty() || line.quantity <= 0) std::abort();
    if (hash && hash_shape.values != HashValues::json && fields[i].second.find('{') == std::string::npos) {
      const std::string &field = fields[i].first;
      const size_t split = hash_shape.separator.empty() ? std::string::npos : field.find(hash_shape.separator);
      if (line.productId != field.substr(0, split)) std::abort();
    }
  }
  const std::string wire = orders::sdk::encode(cart.value());
  auto back = orders::sdk::decode<orders::sdk::Cart>(wire);
  if (!back.ok() || orders::sdk::encode(back.value()) != wire) std::abort();
  return 0;
}
