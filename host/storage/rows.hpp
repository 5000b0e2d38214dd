// Typed reading of query results with NULL handling: a Poco RecordSet
// (SQLite, and one-off Poco statements) or the text rows libpq answered
// (Database::query on PostgreSQL).
#pragma once

#include <Poco/Data/RecordSet.h>
#include <Poco/Data/Statement.h>
#include <json/value.h>

#include <memory>
#include <optional>
#include <stdexcept>
#include <string>

#include "storage/pg_pipeline.hpp"

namespace orders::host::storage {

// What Database::query() answers: the prepared Poco statement it executed
// (SQLite), or the rows libpq read (PostgreSQL). Read it with Rows.
struct QueryResult {
  Poco::Data::Statement *statement = nullptr;
  std::shared_ptr<const pg::ResultSet> pg;
};

class Rows {
public:
  explicit Rows(Poco::Data::Statement &statement) : rs_(std::make_unique<Poco::Data::RecordSet>(statement)) {
    valid_ = rs_->moveFirst();
  }
  explicit Rows(const QueryResult &result) : pg_(result.pg) {
    if (pg_) {
      valid_ = !pg_->rows.empty();
      return;
    }
    rs_ = std::make_unique<Poco::Data::RecordSet>(*result.statement);
    valid_ = rs_->moveFirst();
  }
  bool valid() const { return valid_; }
  bool next() {
    if (pg_) return valid_ = ++row_ < pg_->rows.size();
    return valid_ = rs_->moveNext();
  }
  size_t count() const { return pg_ ? pg_->rows.size() : rs_->rowCount(); }

  std::string str(const std::string &c) {
    if (pg_) return cell(c).value_or(std::string());
    return rs_->isNull(c) ? std::string() : (*rs_)[c].convert<std::string>();
  }
  std::optional<std::string> optStr(const std::string &c) {
    if (pg_) return cell(c);
    if (rs_->isNull(c)) return std::nullopt;
    return (*rs_)[c].convert<std::string>();
  }
  int64_t i64(const std::string &c) {
    if (pg_) {
      const std::optional<std::string> &v = cell(c);
      if (!v || v->empty()) return 0;
      if (*v == "t" || *v == "f") return *v == "t" ? 1 : 0; // a boolean, as Poco converts it
      return std::stoll(*v);
    }
    return rs_->isNull(c) ? 0 : (*rs_)[c].convert<Poco::Int64>();
  }

private:
  const std::optional<std::string> &cell(const std::string &c) const {
    for (size_t i = 0; i < pg_->columns.size(); ++i)
      if (pg_->columns[i] == c) return pg_->rows.at(row_).at(i);
    throw std::out_of_range("no column " + c + " in the query's answer");
  }

  std::unique_ptr<Poco::Data::RecordSet> rs_;
  std::shared_ptr<const pg::ResultSet> pg_;
  size_t row_ = 0;
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
