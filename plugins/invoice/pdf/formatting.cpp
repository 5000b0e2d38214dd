// invoice/pdf: money and date text (see formatting.hpp).
#include "formatting.hpp"

#include <utility>

namespace orders::plugins::invoice {

namespace {

// ISO 4217 minor units that differ from 2 (IDR: as this service uses it).
constexpr std::string_view kNoDecimals[] = {"BIF", "CLP", "DJF", "GNF", "IDR", "ISK", "JPY", "KMF", "KRW",
                                            "PYG", "RWF", "UGX", "UYI", "VND", "VUV", "XAF", "XOF", "XPF"};
constexpr std::string_view kThreeDecimals[] = {"BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"};
constexpr std::string_view kFourDecimals[] = {"CLF", "UYW"};

struct Symbol {
  std::string_view code;
  std::string_view symbol;
};

constexpr Symbol kSymbols[] = {
    {"AUD", "A$"},  {"BRL", "R$"},  {"CAD", "CA$"}, {"CHF", "CHF"}, {"CNY", "CN¥"}, {"EUR", "€"},  {"GBP", "£"},
    {"HKD", "HK$"}, {"IDR", "Rp"},  {"ILS", "₪"},   {"INR", "₹"},   {"JPY", "¥"},   {"KRW", "₩"},  {"MXN", "MX$"},
    {"MYR", "RM"},  {"NGN", "₦"},   {"NZD", "NZ$"}, {"PHP", "₱"},   {"RUB", "₽"}, {"SGD", "S$"}, {"THB", "฿"},
    {"TRY", "₺"},   {"TWD", "NT$"}, {"UAH", "₴"},   {"USD", "$"},   {"VND", "₫"},
};

template <class List> bool listed(const List &list, std::string_view code) {
  for (std::string_view c : list)
    if (c == code) return true;
  return false;
}

// "Rp 150,000" and "CHF 5.00" but "$12.99" and "€5.00".
bool endsWithLetter(std::string_view s) {
  if (s.empty()) return false;
  const char c = s.back();
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

// |v| without overflow for INT64_MIN.
uint64_t magnitude(int64_t v) { return v < 0 ? static_cast<uint64_t>(-(v + 1)) + 1 : static_cast<uint64_t>(v); }

bool isDigit(char c) { return c >= '0' && c <= '9'; }

} // namespace

int defaultCurrencyExponent(std::string_view currency) {
  if (listed(kNoDecimals, currency)) return 0;
  if (listed(kThreeDecimals, currency)) return 3;
  if (listed(kFourDecimals, currency)) return 4;
  return 2;
}

std::string_view currencySymbol(std::string_view currency) {
  for (const Symbol &s : kSymbols)
    if (s.code == currency) return s.symbol;
  return {};
}

std::string groupThousands(uint64_t value) {
  const std::string digits = std::to_string(value);
  std::string out;
  out.reserve(digits.size() + digits.size() / 3);
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string formatDecimal(int64_t amountMinor, int exponent) {
  if (exponent < 0) exponent = 0;
  if (exponent > 18) exponent = 18;
  uint64_t scale = 1;
  for (int i = 0; i < exponent; ++i)
    scale *= 10;
  const uint64_t mag = magnitude(amountMinor);
  std::string out = amountMinor < 0 ? "-" : "";
  out += groupThousands(mag / scale);
  if (exponent > 0) {
    const std::string fraction = std::to_string(mag % scale);
    out += '.';
    out.append(static_cast<size_t>(exponent) - fraction.size(), '0');
    out += fraction;
  }
  return out;
}

MoneyFormatter::MoneyFormatter(CurrencyDisplay display, std::map<std::string, int> exponentOverrides)
    : display_(display), overrides_(std::move(exponentOverrides)) {}

int MoneyFormatter::exponentOf(const std::string &currency) const {
  auto it = overrides_.find(currency);
  return it != overrides_.end() ? it->second : defaultCurrencyExponent(currency);
}

std::string MoneyFormatter::format(int64_t amountMinor, const std::string &currency) const {
  const std::string number = formatDecimal(amountMinor, exponentOf(currency));
  if (currency.empty()) return number;
  if (display_ == CurrencyDisplay::symbol) {
    const std::string_view symbol = currencySymbol(currency);
    if (!symbol.empty()) {
      std::string out = amountMinor < 0 ? "-" : "";
      out += symbol;
      if (endsWithLetter(symbol)) out += ' ';
      out += amountMinor < 0 ? number.substr(1) : number;
      return out;
    }
  }
  return currency + " " + number;
}

std::string displayDate(const std::string &timestamp) {
  const std::string &t = timestamp;
  const bool date = t.size() >= 10 && isDigit(t[0]) && isDigit(t[1]) && isDigit(t[2]) && isDigit(t[3]) && t[4] == '-' &&
                    isDigit(t[5]) && isDigit(t[6]) && t[7] == '-' && isDigit(t[8]) && isDigit(t[9]);
  if (date && (t.size() == 10 || t[10] == 'T' || t[10] == 't' || t[10] == ' ')) return t.substr(0, 10);
  return t;
}

} // namespace orders::plugins::invoice
