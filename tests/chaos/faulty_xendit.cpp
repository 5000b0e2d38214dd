#include "faulty_xendit.hpp"

#include <Poco/Base64Encoder.h>
#include <Poco/URI.h>

#include <sstream>

namespace orders::chaos {

namespace {
std::string basicAuth(const std::string &user) {
  std::ostringstream out;
  Poco::Base64Encoder encoder(out);
  encoder << user << ":";
  encoder.close();
  return "Basic " + out.str();
}

std::string text(const Json::Value &v) {
  Json::StreamWriterBuilder writer;
  writer["indentation"] = "";
  return Json::writeString(writer, v);
}
} // namespace

FaultyXendit::FaultyXendit()
    : peer_("Authorization", basicAuth(kSecretKey), std::chrono::milliseconds(1500), 20261207,
            [this](const PeerCall &call) { return apply(call); }) {}

std::vector<Invoice> FaultyXendit::invoices() const {
  std::lock_guard lock(mutex_);
  return invoices_;
}

Invoice *FaultyXendit::find(const std::string &id) {
  for (Invoice &i : invoices_)
    if (i.id == id) return &i;
  return nullptr;
}

PeerAnswer FaultyXendit::apply(const PeerCall &call) {
  const Poco::URI uri(call.uri);
  const std::string path = uri.getPath();
  const std::string v2 = "/v2/invoices";
  std::lock_guard lock(mutex_);
  if (call.method == "POST" && path == v2) {
    const Json::Value body = call.json();
    if (!body["external_id"].isString())
      return {400, "{\"error_code\":\"API_VALIDATION_ERROR\",\"message\":\"external_id is required\"}"};
    Json::Value invoice(Json::objectValue);
    invoice["id"] = "inv-" + std::to_string(invoices_.size() + 1);
    invoice["external_id"] = body["external_id"];
    invoice["status"] = "PENDING";
    invoice["invoice_url"] = "https://checkout.xendit.co/web/" + invoice["id"].asString();
    invoice["expiry_date"] = "2099-01-01T00:00:00.000Z";
    invoice["amount"] = body["amount"];
    invoice["currency"] = body["currency"];
    invoices_.push_back({invoice["id"].asString(), body["external_id"].asString(), "PENDING", invoice});
    return {200, text(invoice)};
  }
  if (call.method == "GET" && path == v2) { // ?external_id=
    std::string external_id;
    for (const auto &[k, v] : uri.getQueryParameters())
      if (k == "external_id") external_id = v;
    std::string list = "[";
    for (const Invoice &i : invoices_)
      if (i.external_id == external_id) list += (list.size() > 1 ? "," : "") + text(i.json);
    return {200, list + "]"};
  }
  if (call.method == "GET" && path.rfind(v2 + "/", 0) == 0) {
    const Invoice *i = find(path.substr(v2.size() + 1));
    return i != nullptr ? PeerAnswer{200, text(i->json)}
                        : PeerAnswer{404, "{\"error_code\":\"INVOICE_NOT_FOUND_ERROR\"}"};
  }
  const std::string expire = "/expire!";
  if (call.method == "POST" && path.rfind("/invoices/", 0) == 0 && path.size() > expire.size() &&
      path.compare(path.size() - expire.size(), expire.size(), expire) == 0) {
    Invoice *i = find(path.substr(10, path.size() - 10 - expire.size()));
    if (i == nullptr) return {404, "{\"error_code\":\"INVOICE_NOT_FOUND_ERROR\"}"};
    if (i->status == "PENDING") {
      i->status = "EXPIRED";
      i->json["status"] = "EXPIRED";
    }
    return {200, text(i->json)};
  }
  return {404, "{\"error_code\":\"NOT_FOUND\"}"};
}

} // namespace orders::chaos
