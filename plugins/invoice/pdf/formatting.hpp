// invoice/pdf: money and date text for invoices. Pure functions of their
// arguments (no cairo, no Pango), so they are tested directly.
//
// Money is exact: amounts are int64 minor units and are split into whole and
// fractional digits with integer arithmetic, never through a double.
#ifndef ORDERS_PLUGINS_INVOICE_PDF_FORMATTING_HPP
#define ORDERS_PLUGINS_INVOICE_PDF_FORMATTING_HPP

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

namespace orders::plugins::invoice {

enum class CurrencyDisplay {
  code,   // "USD 12.99", "IDR 150,000"
  symbol, // "$12.99", "Rp 150,000"; the ISO code when no symbol is known
};

// Decimal places of `currency` as this service stores it: 0 for IDR, JPY,
// KRW, VND, CLP... (Money for IDR 150000 is 150000, although ISO 4217 says 2
// for IDR), 3 for BHD, KWD, OMR, JOD, TND, IQD, LYD, 4 for CLF and UYW, and 2
// for every other code, known or not.
int defaultCurrencyExponent(std::string_view currency);

// A short symbol for common currencies ("$", "€", "Rp"), or "" when none is
// known.
std::string_view currencySymbol(std::string_view currency);

// The digits of `value` with ',' between groups of three: 1234567 ->
// "1,234,567".
std::string groupThousands(uint64_t value);

// `amountMinor` at `exponent` decimal places (clamped to 0..18), exactly:
// (1299, 2) -> "12.99", (150000, 0) -> "150,000", (1250, 3) -> "1.250",
// (-5, 2) -> "-0.05".
std::string formatDecimal(int64_t amountMinor, int exponent);

// Formats amounts for one renderer instance. Thread-safe (immutable).
class MoneyFormatter {
public:
  MoneyFormatter() = default;
  // `exponentOverrides`: decimal places by ISO code, replacing the defaults.
  MoneyFormatter(CurrencyDisplay display, std::map<std::string, int> exponentOverrides);

  int exponentOf(const std::string &currency) const;

  // "USD 12.99", "IDR 150,000", "USD -5.00" (code); "$12.99", "Rp 150,000",
  // "-$5.00" (symbol). An empty currency gives the number alone.
  std::string format(int64_t amountMinor, const std::string &currency) const;

private:
  CurrencyDisplay display_ = CurrencyDisplay::code;
  std::map<std::string, int> overrides_;
};

// The calendar date of an RFC 3339 timestamp: "2026-11-22T10:00:00Z" ->
// "2026-11-22" (the date as written, no time zone conversion). Other text is
// returned unchanged.
std::string displayDate(const std::string &timestamp);

} // namespace orders::plugins::invoice

#endif
