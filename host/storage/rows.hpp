// Typed reading of query results (Poco RecordSet) with NULL handling.
#pragma once

#include <Poco/Data/RecordSet.h>
#include <Poco/Data/Statement.h>

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

} // namespace orders::host::storage
