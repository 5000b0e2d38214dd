// What checking a plugin's answer costs (PluginInstance::call, after the
// decode): re-encoding the decoded struct and validating it against its
// definition in schemas/data/plugin-messages.v1. Prints, per answer type,
// the mean microseconds per check over N rounds on one thread:
//   answer-bench [rounds]   ->  "<Type> <us per check>" lines, then "total <us>"
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "orders/sdk/json.hpp"
#include "plugins/answer_schema.hpp"

namespace {

using namespace orders;

template <class T> double perCheckUs(const T &answer, int rounds) {
  using Clock = std::chrono::steady_clock;
  const char *name = host::plugins::answerSchemaName<T>();
  if (host::plugins::answerProblem(name, sdk::toJson(answer))) { // warm-up, and the sample must conform
    std::fprintf(stderr, "%s sample does not conform\n", name);
    std::exit(1);
  }
  const auto start = Clock::now();
  for (int i = 0; i < rounds; ++i)
    if (host::plugins::answerProblem(name, sdk::toJson(answer))) std::abort();
  return std::chrono::duration<double, std::micro>(Clock::now() - start).count() / rounds;
}

} // namespace

int main(int argc, char **argv) {
  const int rounds = argc > 1 ? std::atoi(argv[1]) : 20000;
  sdk::PaymentResult payment;
  payment.reference = "inv-1";
  payment.status = "pending";
  payment.redirectUrl = "https://checkout.example/inv-1";
  payment.expiresAt = "2026-12-07T10:00:00Z";
  sdk::ReserveOutcome reserve;
  reserve.reserved = true;
  reserve.reservationId = "res-1";
  reserve.expiresAt = "2026-12-06T10:15:00Z";
  sdk::LookupResult lookup;
  for (int i = 0; i < 3; ++i) {
    sdk::Product p;
    p.productId = "sku-" + std::to_string(i);
    p.title = "Mug";
    p.unitPrice = sdk::Money{1299, "USD"};
    lookup.products.push_back(p);
  }
  sdk::Shipment shipment;
  shipment.reference = "shp-1";
  shipment.status = "draft";
  const double a = perCheckUs(payment, rounds), b = perCheckUs(reserve, rounds), c = perCheckUs(lookup, rounds),
               d = perCheckUs(shipment, rounds), e = perCheckUs(sdk::Empty{}, rounds);
  std::printf("PaymentResult %.1f\nReserveOutcome %.1f\nLookupResult(3 products) %.1f\nShipment %.1f\nEmpty %.1f\n", a,
              b, c, d, e);
  // A checkout's plugin answers: lookup, reserve, create_payment (commit is Empty).
  std::printf("checkout %.1f\n", c + b + a + e);
  return 0;
}
