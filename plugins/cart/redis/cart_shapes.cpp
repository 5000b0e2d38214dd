#include "cart_shapes.hpp"

#include <cstdint>
#include <limits>
#include <memory>

#include "orders/sdk/json.hpp"
#include "orders/sdk/wire.hpp"

namespace orders::plugins::cart_redis {

using namespace orders::sdk;
using orders::sdk::wire::idText;

namespace {

bool absent(const Json::Value *v) { return v == nullptr || v->isNull(); }

// An identifier: a string as is, an integer in decimal; nullopt otherwise.

std::string label(const std::string &pointer) { return pointer.empty() ? std::string("/") : pointer; }

// A strict base-10 int64: optional '-', digits only, no blanks.
std::optional<int64_t> parseInteger(const std::string &text) {
  size_t i = 0;
  const bool negative = !text.empty() && text[0] == '-';
  if (negative) i = 1;
  if (i >= text.size() || text.size() - i > 19) return std::nullopt;
  uint64_t value = 0;
  for (; i < text.size(); ++i) {
    const char c = text[i];
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<uint64_t>(c - '0');
  }
  const uint64_t limit = static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) + (negative ? 1 : 0);
  if (value > limit) return std::nullopt;
  if (negative) return value == limit ? std::numeric_limits<int64_t>::min() : -static_cast<int64_t>(value);
  return static_cast<int64_t>(value);
}

// Strict JSON, but any value at the root: a stored `null` is an empty cart
// and a stored scalar gets a message about the expected shape.
Json::Value parseAnyRoot(std::string_view text) {
  Json::CharReaderBuilder builder;
  Json::CharReaderBuilder::strictMode(&builder.settings_);
  builder["strictRoot"] = false;
  builder["rejectDupKeys"] = true;
  builder["failIfExtra"] = true;
  std::unique_ptr<Json::CharReader> reader(builder.newCharReader());
  Json::Value root;
  std::string errors;
  if (!reader->parse(text.data(), text.data() + text.size(), &root, &errors)) {
    while (!errors.empty() && (errors.back() == '\n' || errors.back() == ' '))
      errors.pop_back();
    throw DecodeError("malformed JSON: " + errors);
  }
  return root;
}

Result<StockLine> lineFromJson(const Json::Value &item, const JsonShape &shape, const std::string &at) {
  auto bad = [&](const JsonPointer &field, const std::string &why) {
    return invalidArgument(at + field.text() + ": " + why);
  };
  if (!item.isObject()) return invalidArgument(at + ": expected object");
  StockLine line;

  const Json::Value *product = shape.productId.find(item);
  if (absent(product)) return bad(shape.productId, "missing");
  std::optional<std::string> product_id = idText(*product);
  if (!product_id) return bad(shape.productId, "expected string or integer");
  if (product_id->empty()) return bad(shape.productId, "must not be empty");
  line.productId = std::move(*product_id);

  const Json::Value *quantity = shape.quantity.find(item);
  if (absent(quantity)) return bad(shape.quantity, "missing");
  if (!quantity->isIntegral() || !quantity->isInt64()) return bad(shape.quantity, "expected integer");
  line.quantity = quantity->asInt64();
  if (line.quantity <= 0) return bad(shape.quantity, "must be > 0, got " + std::to_string(line.quantity));

  // Optional identifiers: null, "" or absent leave the field unset.
  auto optionalId = [&](const JsonPointer &field, std::optional<std::string> &out) -> Status {
    const Json::Value *value = field.find(item);
    if (absent(value)) return Status();
    std::optional<std::string> id = idText(*value);
    if (!id) return bad(field, "expected string, integer or null");
    if (!id->empty()) out = std::move(id);
    return Status();
  };
  if (Status st = optionalId(shape.variantId, line.variantId); !st.ok()) return st.error();
  if (shape.sellerId) {
    if (Status st = optionalId(*shape.sellerId, line.sellerId); !st.ok()) return st.error();
  }
  return line;
}

} // namespace

Result<Cart> cartFromJson(std::string_view text, const JsonShape &shape, const std::string &what) {
  Json::Value root;
  try {
    root = parseAnyRoot(text);
  } catch (const DecodeError &e) {
    return invalidArgument(what + ": " + e.what());
  }
  Cart cart;
  if (root.isNull()) return cart;

  std::string lines_at; // pointer of the lines array from the value's root
  const Json::Value *lines = &root;
  if (root.isObject()) {
    lines_at = shape.lines.text();
    lines = shape.lines.find(root);
    if (lines == nullptr) return invalidArgument(what + ": " + label(lines_at) + ": missing");
    if (lines->isNull()) return cart;
    if (!lines->isArray()) return invalidArgument(what + ": " + label(lines_at) + ": expected array");
  } else if (!root.isArray()) {
    return invalidArgument(what + ": expected a JSON array of lines or an object with " + label(shape.lines.text()));
  }

  for (Json::ArrayIndex i = 0; i < lines->size(); ++i) {
    auto line = lineFromJson((*lines)[i], shape, what + ": " + lines_at + "/" + std::to_string(i));
    if (!line.ok()) return line.error();
    cart.lines.push_back(std::move(line).value());
  }
  return cart;
}

Result<Cart> cartFromHash(const std::vector<std::pair<std::string, std::string>> &fields, const HashShape &shape,
                          const std::string &what) {
  Cart cart;
  for (const auto &[field, value] : fields) {
    const std::string at = what + ": field '" + field + "'";
    StockLine line;
    const size_t split = shape.separator.empty() ? std::string::npos : field.find(shape.separator);
    line.productId = field.substr(0, split);
    if (split != std::string::npos) {
      std::string variant = field.substr(split + shape.separator.size());
      if (!variant.empty()) line.variantId = std::move(variant);
    }
    if (line.productId.empty()) return invalidArgument(at + ": empty product id");
    const bool json_value =
        shape.values == HashValues::json ||
        (shape.values == HashValues::detect && value.find_first_not_of(" \t\r\n") != std::string::npos &&
         value[value.find_first_not_of(" \t\r\n")] == '{');
    if (json_value) { // seed 002: the line's own document; the field is only its key
      Json::Value doc;
      try {
        doc = parseAnyRoot(value);
      } catch (const DecodeError &e) {
        return invalidArgument(at + ": " + e.what());
      }
      if (!doc.isObject()) return invalidArgument(at + ": value: expected a JSON object");
      auto parsed = lineFromJson(doc, shape.lines, at + ": value ");
      if (!parsed.ok()) return parsed.error();
      cart.lines.push_back(std::move(parsed).value());
      continue;
    }
    const std::optional<int64_t> quantity = parseInteger(value);
    if (!quantity) return invalidArgument(at + ": quantity '" + value.substr(0, 40) + "' is not an integer");
    if (*quantity <= 0) return invalidArgument(at + ": quantity must be > 0, got " + std::to_string(*quantity));
    line.quantity = *quantity;
    cart.lines.push_back(std::move(line));
  }
  return cart;
}

} // namespace orders::plugins::cart_redis
