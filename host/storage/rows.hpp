// Typed reading of query results (Poco RecordSet) with NULL handling.
#pragma once

#include <Poco/Data/RecordSet.h>
#include <Poco/Data/Statement.h>
#include <json/value.h>

#include <optional>
#include <string>

namespace orders::host::storage {

class Rows {
public:
  explicit Rows(Poco::Data::Statement &statement) : rs_(statement) { valid_ = rs_.moveFirst(); }
  bool valid() const { return valid_; }
  bool next() { return valid_ = rs_.moveNext(); }
  size_t count() const { return rs_.rowCount(); }

  std::string str(const std::string &c) { return rs_.isNull(c) ? std::string() : rs_[c].convert<std::string>(); }
  std::optional<std::string> optStr(const std::string &c) {
    if (rs_.isNull(c)) return std::nullopt;
    return rs_[c].convert<std::string>();
  }
  int64_t i64(const std::string &c) { return rs_.isNull(c) ? 0 : rs_[c].convert<Poco::Int64>(); }

private:
  Poco::Data::RecordSet rs_;
  bool valid_ = false;
};

// One row given as a JSON object of column -> value (the aggregates of
// OrderViewQuery): the same reading interface as Rows.
class JsonRow {
public:
  explicit JsonRow(const Json::Value &row) : row_(row) {}
  std::string str(const std::string &c) const { return optStr(c).value_or(std::string()); }
  std::optional<std::string> optStr(const std::string &c) const {
    const Json::Value &v = row_[c];
    if (v.isNull()) return std::nullopt;
    if (v.isString()) return v.asString();
    if (v.isInt64()) return std::to_string(v.asInt64());
    return v.toStyledString();
  }
  int64_t i64(const std::string &c) const {
    const Json::Value &v = row_[c];
    if (v.isInt64()) return v.asInt64();
    if (v.isString()) return std::stoll(v.asString());
    if (v.isBool()) return v.asBool() ? 1 : 0;
    return 0;
  }

private:
  const Json::Value &row_;
};

} // namespace orders::host::storage
