#include "product_mapping.hpp"

#include <charconv>
#include <system_error>

namespace orders::plugins::catalog {

using namespace orders::sdk;

namespace {

bool isDigit(char c) { return c >= '0' && c <= '9'; }

bool absent(const Json::Value *v) { return v == nullptr || v->isNull(); }

const std::string &bodyOf(const ProductDoc &doc) {
  static const std::string none;
  return doc.body ? *doc.body : none;
}

bool isNumber(const Json::Value &v) {
  return v.type() == Json::intValue || v.type() == Json::uintValue || v.type() == Json::realValue;
}

std::string upper(std::string s) {
  for (char &c : s)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  return s;
}

bool isCurrencyCode(const std::string &s) {
  if (s.size() != 3) return false;
  for (char c : s)
    if (c < 'A' || c > 'Z') return false;
  return true;
}

// Errors about one product, naming the response pointer of the bad field.
struct Reporter {
  const ProductDoc &doc;
  const std::string &productId;

  std::string at(const std::string &relative) const { return doc.pointer + relative; }
  Error invalid(const std::string &pointer, const std::string &what) const {
    return invalidArgument("product " + productId + ": " + (pointer.empty() ? std::string("/") : pointer) + ": " +
                           what);
  }
};

// A price (number or decimal string) at `pointer`, in minor units of `currency`.
Result<int64_t> readPrice(const Reporter &r, const std::string &pointer, const Json::Value *value,
                          const PriceRules &rules, const std::string &currency) {
  if (absent(value)) return r.invalid(pointer, "missing");
  std::string text;
  if (value->isString())
    text = value->asString();
  else if (isNumber(*value))
    text = numberText(*value, bodyOf(r.doc));
  else
    return r.invalid(pointer, "expected a number or a decimal string");
  int exponent = 0;
  if (rules.major) {
    auto it = rules.exponents.find(currency);
    if (it == rules.exponents.end())
      return r.invalid(pointer, "no decimal places known for currency " + currency + "; add it to currency_exponents");
    exponent = it->second;
  }
  int64_t minor = 0;
  switch (decimalToMinor(text, exponent, minor)) {
  case DecimalError::none: return minor;
  case DecimalError::malformed: return r.invalid(pointer, "'" + text + "' is not a decimal number");
  case DecimalError::negative: return r.invalid(pointer, "'" + text + "' is negative");
  case DecimalError::too_large: return r.invalid(pointer, "'" + text + "' is too large");
  case DecimalError::too_precise:
    if (rules.major)
      return r.invalid(pointer, "'" + text + "' has more decimal places than " + currency + " allows (" +
                                    std::to_string(exponent) + ")");
    return r.invalid(pointer, "'" + text + "' is not a whole number of minor units");
  }
  return r.invalid(pointer, "unreadable price '" + text + "'");
}

// An optional identifier (seller, variant): absent/null -> nullopt; "" -> nullopt.
Result<std::optional<std::string>> optionalId(const Reporter &r, const std::string &pointer, const Json::Value *value) {
  if (absent(value)) return std::optional<std::string>();
  auto text = idText(*value);
  if (!text) return r.invalid(pointer, "expected string, integer or null");
  if (text->empty()) return std::optional<std::string>();
  return text;
}

} // namespace

std::map<std::string, int> defaultCurrencyExponents() {
  std::map<std::string, int> out;
  for (const char *code : {"USD", "EUR", "GBP", "AUD", "CAD", "CHF", "CNY", "HKD", "INR", "MYR", "NZD", "PHP", "SGD",
                           "THB", "TWD", "SEK", "NOK", "DKK", "PLN", "CZK", "MXN", "BRL", "ZAR", "AED", "SAR"})
    out[code] = 2;
  // IDR is formally 2 in ISO 4217, but its minor unit is not used in practice
  // (and is not used by this service: Money for IDR 150000 is 150000).
  for (const char *code : {"IDR", "JPY", "KRW", "VND", "CLP", "ISK", "UGX", "PYG"})
    out[code] = 0;
  for (const char *code : {"BHD", "KWD", "OMR", "JOD", "TND", "IQD", "LYD"})
    out[code] = 3;
  return out;
}

DecimalError decimalToMinor(std::string_view text, int exponent, int64_t &out) {
  size_t i = 0;
  bool negative = false;
  if (i < text.size() && (text[i] == '-' || text[i] == '+')) negative = text[i++] == '-';
  std::string digits; // integer and fraction digits, without the point
  int64_t fraction_digits = 0;
  while (i < text.size() && isDigit(text[i]))
    digits += text[i++];
  if (i < text.size() && text[i] == '.') {
    ++i;
    while (i < text.size() && isDigit(text[i])) {
      digits += text[i++];
      ++fraction_digits;
    }
  }
  if (digits.empty()) return DecimalError::malformed;
  int64_t power = 0;
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    bool power_negative = false;
    if (i < text.size() && (text[i] == '-' || text[i] == '+')) power_negative = text[i++] == '-';
    const size_t first = i;
    while (i < text.size() && isDigit(text[i])) {
      if (power < 100000) power = power * 10 + (text[i] - '0');
      ++i;
    }
    if (i == first) return DecimalError::malformed;
    if (power_negative) power = -power;
  }
  if (i != text.size()) return DecimalError::malformed;

  const size_t nonzero = digits.find_first_not_of('0');
  if (nonzero == std::string::npos) {
    out = 0;
    return DecimalError::none;
  }
  if (negative) return DecimalError::negative;
  digits.erase(0, nonzero);
  // The amount in minor units is digits * 10^scale.
  const int64_t scale = power - fraction_digits + exponent;
  if (scale < 0) {
    const size_t drop = static_cast<size_t>(-scale);
    if (drop >= digits.size() || digits.find_first_not_of('0', digits.size() - drop) != std::string::npos)
      return DecimalError::too_precise;
    digits.resize(digits.size() - drop);
  } else {
    if (static_cast<uint64_t>(scale) + digits.size() > 18) return DecimalError::too_large;
    digits.append(static_cast<size_t>(scale), '0');
  }
  if (digits.size() > 18) return DecimalError::too_large; // 18 digits always fit in int64
  int64_t value = 0;
  for (char c : digits)
    value = value * 10 + (c - '0');
  out = value;
  return DecimalError::none;
}

std::string numberText(const Json::Value &number, const std::string &body) {
  const ptrdiff_t start = number.getOffsetStart();
  const ptrdiff_t limit = number.getOffsetLimit();
  if (start >= 0 && limit > start && static_cast<size_t>(limit) <= body.size()) {
    const std::string text = body.substr(static_cast<size_t>(start), static_cast<size_t>(limit - start));
    double parsed = 0;
    const auto result = std::from_chars(text.data(), text.data() + text.size(), parsed);
    if (result.ec == std::errc() && result.ptr == text.data() + text.size() && parsed == number.asDouble()) return text;
  }
  if (number.type() == Json::intValue) return std::to_string(number.asLargestInt());
  if (number.type() == Json::uintValue) return std::to_string(number.asLargestUInt());
  char buffer[64];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, number.asDouble());
  return result.ec == std::errc() ? std::string(buffer, result.ptr) : std::string("NaN");
}

std::optional<std::string> idText(const Json::Value &value) {
  if (value.isString()) return value.asString();
  if (value.type() == Json::intValue) return std::to_string(value.asLargestInt());
  if (value.type() == Json::uintValue) return std::to_string(value.asLargestUInt());
  return std::nullopt;
}

Result<Product> mapProduct(const FieldMapping &fields, const PriceRules &prices, const ProductDoc &doc,
                           const ProductRef &ref) {
  const Reporter r{doc, ref.productId};
  const Json::Value &object = doc.value;
  Product p;
  p.productId = ref.productId;
  p.variantId = ref.variantId;

  const Json::Value *title = fields.title.find(object);
  if (absent(title)) return r.invalid(r.at(fields.title.text()), "missing");
  if (!title->isString()) return r.invalid(r.at(fields.title.text()), "expected string");
  p.title = title->asString();

  const Json::Value *currency = fields.currency.find(object);
  if (absent(currency)) {
    if (!prices.defaultCurrency)
      return r.invalid(r.at(fields.currency.text()), "missing (set default_currency if the catalog sends none)");
    p.unitPrice.currency = *prices.defaultCurrency;
  } else {
    if (!currency->isString()) return r.invalid(r.at(fields.currency.text()), "expected string");
    p.unitPrice.currency = upper(currency->asString());
    if (!isCurrencyCode(p.unitPrice.currency))
      return r.invalid(r.at(fields.currency.text()), "'" + currency->asString() + "' is not an ISO 4217 code");
  }

  auto seller = optionalId(r, r.at(fields.sellerId.text()), fields.sellerId.find(object));
  if (!seller.ok()) return seller.error();
  p.sellerId = seller.value(); // null or absent: house brand

  const Json::Value *image = fields.imageUrl.find(object);
  if (!absent(image)) {
    if (!image->isString()) return r.invalid(r.at(fields.imageUrl.text()), "expected string or null");
    if (!image->asString().empty()) p.imageUrl = image->asString();
  }

  const Json::Value *attributes = fields.attributes.find(object);
  if (!absent(attributes)) {
    if (!attributes->isObject()) return r.invalid(r.at(fields.attributes.text()), "expected object or null");
    for (auto it = attributes->begin(); it != attributes->end(); ++it) {
      const Json::Value &a = *it;
      if (a.isNull()) continue;
      if (a.isString())
        p.attributes[it.name()] = a.asString();
      else if (isNumber(a))
        p.attributes[it.name()] = numberText(a, bodyOf(doc));
      else
        p.attributes[it.name()] = writeJson(a); // booleans, nested objects and arrays as JSON text
    }
  }

  // The price: the variant's own when it has one, else the product's.
  const Json::Value *price = fields.price.find(object);
  std::string price_at = r.at(fields.price.text());
  if (ref.variantId) {
    const std::string variants_at = r.at(fields.variants.text());
    const Json::Value *variants = fields.variants.find(object);
    if (absent(variants)) return notFound("product " + ref.productId + " has no variants");
    if (!variants->isArray()) return r.invalid(variants_at, "expected array or null");
    const Json::Value *variant = nullptr;
    std::string variant_at;
    for (Json::ArrayIndex i = 0; i < variants->size() && variant == nullptr; ++i) {
      const Json::Value &candidate = (*variants)[i];
      const std::string at = variants_at + "/" + std::to_string(i);
      const Json::Value *id = fields.variantId.find(candidate);
      if (absent(id)) return r.invalid(at + fields.variantId.text(), "missing");
      auto id_text = idText(*id);
      if (!id_text) return r.invalid(at + fields.variantId.text(), "expected string or integer");
      if (*id_text == *ref.variantId) {
        variant = &candidate;
        variant_at = at;
      }
    }
    if (variant == nullptr) return notFound("product " + ref.productId + " has no variant " + *ref.variantId);
    const Json::Value *variant_price = fields.variantPrice.find(*variant);
    if (!absent(variant_price)) {
      price = variant_price;
      price_at = variant_at + fields.variantPrice.text();
    }
    if (fields.variantTitle) {
      const Json::Value *name = fields.variantTitle->find(*variant);
      if (!absent(name)) {
        if (!name->isString()) return r.invalid(variant_at + fields.variantTitle->text(), "expected string or null");
        if (!name->asString().empty()) p.title += " (" + name->asString() + ")";
      }
    }
  }
  auto amount = readPrice(r, price_at, price, prices, p.unitPrice.currency);
  if (!amount.ok()) return amount.error();
  p.unitPrice.amountMinor = amount.value();
  return p;
}

} // namespace orders::plugins::catalog
