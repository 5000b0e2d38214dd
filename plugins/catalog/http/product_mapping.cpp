#include "product_mapping.hpp"

#include <charconv>
#include <system_error>

#include "orders/sdk/money.hpp"

namespace orders::plugins::catalog {

using namespace orders::sdk;
using orders::sdk::wire::upperAscii;

namespace {

bool absent(const Json::Value *v) { return v == nullptr || v->isNull(); }

const std::string &bodyOf(const ProductDoc &doc) {
  static const std::string none;
  return doc.body ? *doc.body : none;
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
  else if (value->isNumeric())
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

namespace {

// Title, currency and seller: what every product must say.
Status readHeader(Product &p, const FieldMapping &fields, const PriceRules &prices, const Reporter &r,
                  const Json::Value &object) {
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
    p.unitPrice.currency = upperAscii(currency->asString());
    if (!isCurrencyCode(p.unitPrice.currency))
      return r.invalid(r.at(fields.currency.text()), "'" + currency->asString() + "' is not an ISO 4217 code");
  }

  auto seller = optionalId(r, r.at(fields.sellerId.text()), fields.sellerId.find(object));
  if (!seller.ok()) return seller.error();
  p.sellerId = seller.value(); // null or absent: house brand
  return Status();
}

// Image and attributes, both optional.
Status readExtras(Product &p, const FieldMapping &fields, const Reporter &r, const ProductDoc &doc) {
  const Json::Value &object = doc.value;
  const Json::Value *image = fields.imageUrl.find(object);
  if (!absent(image)) {
    if (!image->isString()) return r.invalid(r.at(fields.imageUrl.text()), "expected string or null");
    if (!image->asString().empty()) p.imageUrl = image->asString();
  }
  const Json::Value *attributes = fields.attributes.find(object);
  if (absent(attributes)) return Status();
  if (!attributes->isObject()) return r.invalid(r.at(fields.attributes.text()), "expected object or null");
  for (auto it = attributes->begin(); it != attributes->end(); ++it) {
    const Json::Value &a = *it;
    if (a.isNull()) continue;
    if (a.isString())
      p.attributes[it.name()] = a.asString();
    else if (a.isNumeric())
      p.attributes[it.name()] = numberText(a, bodyOf(doc));
    else
      p.attributes[it.name()] = writeJson(a); // booleans, nested objects and arrays as JSON text
  }
  return Status();
}

// The variant `ref` names: its price (when it has its own) replaces `price`
// (found at `price_at`), and its name is added to the title.
Status applyVariant(Product &p, const Json::Value *&price, std::string &price_at, const FieldMapping &fields,
                    const Reporter &r, const Json::Value &object, const ProductRef &ref) {
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
  return Status();
}

} // namespace

Result<Product> mapProduct(const FieldMapping &fields, const PriceRules &prices, const ProductDoc &doc,
                           const ProductRef &ref) {
  const Reporter r{doc, ref.productId};
  const Json::Value &object = doc.value;
  Product p;
  p.productId = ref.productId;
  p.variantId = ref.variantId;
  if (Status st = readHeader(p, fields, prices, r, object); !st.ok()) return st.error();
  if (Status st = readExtras(p, fields, r, doc); !st.ok()) return st.error();
  // The price: the variant's own when it has one, else the product's.
  const Json::Value *price = fields.price.find(object);
  std::string price_at = r.at(fields.price.text());
  if (ref.variantId)
    if (Status st = applyVariant(p, price, price_at, fields, r, object, ref); !st.ok()) return st.error();
  auto amount = readPrice(r, price_at, price, prices, p.unitPrice.currency);
  if (!amount.ok()) return amount.error();
  p.unitPrice.amountMinor = amount.value();
  return p;
}

} // namespace orders::plugins::catalog
