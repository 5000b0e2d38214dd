#include "storage/pg_pipeline.hpp"

#include <libpq-fe.h>

#include <cstdlib>

#include "storage/db_error.hpp"

namespace orders::host::storage::pg {

namespace {

// A failure without a server result (sending, a dropped connection) is
// "connection failure" (08006) when the connection is gone.
[[noreturn]] void fail(PGconn *conn, const std::string &message, std::string sqlstate = {}) {
  if (sqlstate.empty() && PQstatus(conn) != CONNECTION_OK) sqlstate = "08006";
  throw DbError(failureOfSqlstate(sqlstate), sqlstate, message);
}

std::string connectionError(PGconn *conn) {
  const char *text = PQerrorMessage(conn);
  return text != nullptr && *text != '\0' ? std::string(text) : std::string("connection lost");
}

struct Sent {
  enum Kind { other, prepare, execute } kind;
  const std::string *sql;
  std::string name;
};

} // namespace

size_t run(PGconn *conn, std::unordered_map<std::string, std::string> &prepared,
           const std::vector<Statement> &statements, const char *leader, const char *trailer, ResultSet *rows) {
  if (PQenterPipelineMode(conn) != 1) fail(conn, "cannot enter pipeline mode: " + connectionError(conn));
  std::vector<Sent> sent;
  std::unordered_map<std::string, std::string> preparing; // in this round trip
  std::string error, error_state;
  auto send = [&](int ok, Sent what) {
    if (ok != 1) {
      if (error.empty()) error = "sending a statement: " + connectionError(conn);
      return false;
    }
    sent.push_back(std::move(what));
    return true;
  };
  bool sending = leader == nullptr || send(PQsendQueryParams(conn, leader, 0, nullptr, nullptr, nullptr, nullptr, 0),
                                           {Sent::other, nullptr, {}});
  for (size_t i = 0; sending && i < statements.size(); ++i) {
    const Statement &st = statements[i];
    std::string name;
    if (auto known = prepared.find(st.sql); known != prepared.end()) {
      name = known->second;
    } else if (auto now = preparing.find(st.sql); now != preparing.end()) {
      name = now->second;
    } else {
      name = "oq" + std::to_string(prepared.size() + preparing.size() + 1);
      sending = send(PQsendPrepare(conn, name.c_str(), st.sql.c_str(), static_cast<int>(st.params.size()), nullptr),
                     {Sent::prepare, &st.sql, name});
      if (!sending) break;
      preparing.emplace(st.sql, name);
    }
    std::vector<const char *> values;
    values.reserve(st.params.size());
    for (const auto &p : st.params)
      values.push_back(p ? p->c_str() : nullptr);
    sending = send(
        PQsendQueryPrepared(conn, name.c_str(), static_cast<int>(values.size()), values.data(), nullptr, nullptr, 0),
        {Sent::execute, &st.sql, name});
  }
  const size_t last = sent.size() - 1; // the last statement's execution, when every one was sent
  if (sending && trailer != nullptr)
    send(PQsendQueryParams(conn, trailer, 0, nullptr, nullptr, nullptr, nullptr, 0), {Sent::other, nullptr, {}});
  if (PQpipelineSync(conn) != 1) {
    // Nothing will answer: the connection cannot be trusted any more.
    PQexitPipelineMode(conn);
    fail(conn, "sending a statement: " + connectionError(conn));
  }

  // One result and a NULL per command, then the Sync's result.
  size_t affected = 0, index = 0;
  for (int nulls = 0;;) {
    PGresult *r = PQgetResult(conn);
    if (r == nullptr) {
      if (++nulls > 1) { // no Sync will come: the connection is gone
        if (error.empty()) error = connectionError(conn);
        break;
      }
      continue;
    }
    nulls = 0;
    const ExecStatusType status = PQresultStatus(r);
    if (status == PGRES_PIPELINE_SYNC) {
      PQclear(r);
      break;
    }
    const Sent *what = index < sent.size() ? &sent[index] : nullptr;
    ++index;
    if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) {
      if (what != nullptr && what->kind == Sent::prepare) prepared.emplace(*what->sql, what->name);
      if (what != nullptr && what->kind == Sent::execute) affected = std::strtoull(PQcmdTuples(r), nullptr, 10);
      if (rows != nullptr && index - 1 == last && status == PGRES_TUPLES_OK && sending) {
        const int fields = PQnfields(r), tuples = PQntuples(r);
        rows->columns.clear();
        rows->rows.clear();
        for (int f = 0; f < fields; ++f)
          rows->columns.emplace_back(PQfname(r, f));
        rows->rows.reserve(static_cast<size_t>(tuples));
        for (int t = 0; t < tuples; ++t) {
          auto &row = rows->rows.emplace_back();
          row.reserve(static_cast<size_t>(fields));
          for (int f = 0; f < fields; ++f)
            row.push_back(PQgetisnull(r, t, f) ? std::nullopt
                                               : std::optional<std::string>(std::in_place, PQgetvalue(r, t, f),
                                                                            static_cast<size_t>(PQgetlength(r, t, f))));
        }
      }
    } else if (status != PGRES_PIPELINE_ABORTED && error.empty()) {
      const char *message = PQresultErrorMessage(r);
      error = message != nullptr && *message != '\0' ? message : PQresStatus(status);
      const char *state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
      if (state != nullptr) error_state = state;
      if (what != nullptr && what->sql != nullptr) error += " (in: " + what->sql->substr(0, 120) + ")";
    }
    PQclear(r);
  }
  if (PQexitPipelineMode(conn) != 1 && error.empty()) error = "leaving pipeline mode: " + connectionError(conn);
  if (!error.empty()) fail(conn, error, error_state);
  return affected;
}

bool usable(PGconn *conn) { return PQstatus(conn) == CONNECTION_OK && PQpipelineStatus(conn) == PQ_PIPELINE_OFF; }

void settle(PGconn *conn) {
  const PGTransactionStatusType status = PQtransactionStatus(conn);
  if (status == PQTRANS_INTRANS || status == PQTRANS_INERROR) command(conn, "ROLLBACK");
}

void command(PGconn *conn, const char *sql) {
  PGresult *r = PQexec(conn, sql);
  const bool ok = r != nullptr && PQresultStatus(r) == PGRES_COMMAND_OK;
  std::string error = ok ? std::string() : (r != nullptr ? PQresultErrorMessage(r) : connectionError(conn));
  const char *state = r != nullptr ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
  const std::string sqlstate = state != nullptr ? state : "";
  PQclear(r);
  if (!ok) fail(conn, std::string(sql) + ": " + error, sqlstate);
}

} // namespace orders::host::storage::pg
