#include "redis_peer.hpp"

#include <Poco/Net/SocketStream.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/Timespan.h>

#include <cctype>
#include <istream>

namespace orders::testing {

namespace {

std::string upper(std::string s) {
  for (char &c : s)
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

std::string bulk(const std::string &s) { return "$" + std::to_string(s.size()) + "\r\n" + s + "\r\n"; }
std::string integer(int64_t n) { return ":" + std::to_string(n) + "\r\n"; }
const char *const kNil = "$-1\r\n";
const char *const kOk = "+OK\r\n";
const char *const kWrongType = "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n";

// One line without its CRLF; false at end of stream.
bool readLine(std::istream &in, std::string &line) {
  if (!std::getline(in, line)) return false;
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return true;
}

// A command as an array of bulk strings ("*2\r\n$3\r\nGET\r\n$1\r\nk\r\n")
// or inline ("PING"); false at end of stream or on a malformed one.
bool readCommand(std::istream &in, std::vector<std::string> &command) {
  command.clear();
  std::string line;
  if (!readLine(in, line)) return false;
  if (line.empty() || line[0] != '*') {
    for (size_t at = 0; at < line.size();) {
      const size_t end = std::min(line.find(' ', at), line.size());
      if (end > at) command.push_back(line.substr(at, end - at));
      at = end + 1;
    }
    return !command.empty();
  }
  const long count = std::strtol(line.c_str() + 1, nullptr, 10);
  if (count <= 0 || count > 1024) return false;
  for (long i = 0; i < count; ++i) {
    if (!readLine(in, line) || line.empty() || line[0] != '$') return false;
    const long size = std::strtol(line.c_str() + 1, nullptr, 10);
    if (size < 0 || size > (1 << 24)) return false;
    std::string arg(static_cast<size_t>(size), '\0');
    if (!in.read(arg.data(), size) || !readLine(in, line)) return false;
    command.push_back(std::move(arg));
  }
  return true;
}

} // namespace

RedisPeer::RedisPeer() { start(); }

RedisPeer::~RedisPeer() { stop(); }

void RedisPeer::setString(const std::string &key, const std::string &value) {
  std::lock_guard lock(mutex_);
  data_[key] = Value{false, value, {}};
}

void RedisPeer::setHash(const std::string &key, const std::map<std::string, std::string> &fields) {
  std::lock_guard lock(mutex_);
  data_[key] = Value{true, {}, fields};
}

void RedisPeer::failWith(std::optional<RedisFault> fault) {
  std::lock_guard lock(mutex_);
  fault_ = std::move(fault);
}

void RedisPeer::clearRequests() {
  std::lock_guard lock(mutex_);
  requests_.clear();
}

std::vector<PeerRequest> RedisPeer::requests() const {
  std::lock_guard lock(mutex_);
  return requests_;
}

void RedisPeer::serve(Poco::Net::StreamSocket &client) {
  // Pooled clients keep their connection open between calls: wake up now and
  // then to see whether the peer is stopping.
  client.setReceiveTimeout(Poco::Timespan(1, 0));
  Poco::Net::SocketStream stream(client);
  std::vector<std::string> command;
  for (;;) {
    if (!readCommand(stream, command)) {
      if (stopping() || !stream.bad()) return; // closed, malformed, or the peer stops
      stream.clear();                          // a quiet second on an idle pooled connection
      continue;
    }
    bool quit = false;
    std::string reply = execute(command, quit);
    if (reply.empty()) return; // the peer stopped during a fault's delay
    stream << reply << std::flush;
    if (quit || !stream) return;
  }
}

std::string RedisPeer::execute(const std::vector<std::string> &command, bool &quit) {
  const std::string name = upper(command[0]);
  const bool setup =
      name == "AUTH" || name == "SELECT" || name == "PING" || name == "HELLO" || name == "CLIENT" || name == "QUIT";
  std::optional<RedisFault> fault;
  {
    std::lock_guard lock(mutex_);
    PeerRequest r;
    r.method = name;
    if (command.size() > 1) r.uri = command[1];
    for (size_t i = 2; i < command.size(); ++i)
      r.body += (i > 2 ? " " : "") + command[i];
    requests_.push_back(std::move(r));
    if (!setup) fault = fault_;
  }
  if (fault) {
    if (fault->delay.count() > 0 && !pause(fault->delay)) return "";
    if (!fault->reply.empty()) return fault->reply + "\r\n";
  }
  std::lock_guard lock(mutex_);
  const size_t args = command.size() - 1;
  auto arity = [&](size_t least) { return args >= least; };
  const std::string wrong_args = "-ERR wrong number of arguments for '" + command[0] + "' command\r\n";
  if (name == "PING") return "+PONG\r\n";
  if (name == "QUIT") {
    quit = true;
    return kOk;
  }
  if (name == "AUTH" || name == "SELECT") return arity(1) ? kOk : wrong_args;
  if (name == "CLIENT") return arity(1) && upper(command[1]) == "SETNAME" && arity(2) ? kOk : wrong_args;
  if (name == "TYPE" || name == "GET" || name == "HGETALL") {
    if (args != 1) return wrong_args;
    auto it = data_.find(command[1]);
    if (name == "TYPE") return it == data_.end() ? "+none\r\n" : it->second.hash ? "+hash\r\n" : "+string\r\n";
    if (it == data_.end()) return name == "GET" ? kNil : "*0\r\n";
    if ((name == "GET") == it->second.hash) return kWrongType;
    if (name == "GET") return bulk(it->second.text);
    std::string out = "*" + std::to_string(it->second.fields.size() * 2) + "\r\n";
    for (const auto &[field, value] : it->second.fields)
      out += bulk(field) + bulk(value);
    return out;
  }
  if (name == "SET") {
    if (args < 2) return wrong_args;
    data_[command[1]] = Value{false, command[2], {}};
    return kOk;
  }
  if (name == "HSET") {
    if (args < 3 || args % 2 == 0) return wrong_args;
    Value &v = data_[command[1]];
    if (!v.hash && !v.text.empty()) return kWrongType;
    v.hash = true;
    int64_t added = 0;
    for (size_t i = 2; i + 1 < command.size(); i += 2)
      added += v.fields.insert_or_assign(command[i], command[i + 1]).second ? 1 : 0;
    return integer(added);
  }
  if (name == "DEL" || name == "EXISTS") {
    if (args < 1) return wrong_args;
    int64_t n = 0;
    for (size_t i = 1; i < command.size(); ++i)
      n +=
          name == "DEL" ? static_cast<int64_t>(data_.erase(command[i])) : static_cast<int64_t>(data_.count(command[i]));
    return integer(n);
  }
  return "-ERR unknown command '" + command[0] + "'\r\n";
}

} // namespace orders::testing
