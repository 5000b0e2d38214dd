#include "smtp_sink.hpp"

#include <Poco/Net/DialogSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/Timespan.h>

#include <cctype>

namespace orders::testing {

namespace {

// The argument of "MAIL FROM: <a@b>" / "RCPT TO:<a@b>", without the blanks
// clients may put after the colon.
std::string argumentOf(const std::string &line) {
  std::string arg = line.substr(line.find(':') + 1);
  arg.erase(0, arg.find_first_not_of(' '));
  return arg;
}

std::string upper(std::string s) {
  for (char &c : s)
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

} // namespace

SmtpSink::SmtpSink() : server_(Poco::Net::SocketAddress("127.0.0.1", 0)) {
  port_ = server_.address().port();
  thread_ = std::thread([this] { run(); });
}

SmtpSink::~SmtpSink() {
  stop_ = true;
  thread_.join();
}

std::vector<ReceivedMail> SmtpSink::mails() const {
  std::lock_guard lock(mutex_);
  return mails_;
}

void SmtpSink::run() {
  while (!stop_) {
    try {
      if (!server_.poll(Poco::Timespan(0, 50000), Poco::Net::Socket::SELECT_READ)) continue;
      Poco::Net::StreamSocket client = server_.acceptConnection();
      client.setReceiveTimeout(Poco::Timespan(5, 0));
      serve(client);
    } catch (...) {
      // a broken connection: wait for the next one
    }
  }
}

void SmtpSink::serve(Poco::Net::StreamSocket &client) {
  Poco::Net::DialogSocket ds(client);
  ds.sendMessage("220 sink ESMTP ready");
  ReceivedMail mail;
  std::string line;
  while (ds.receiveMessage(line)) {
    const std::string verb = upper(line.substr(0, 4));
    if (verb == "EHLO" || verb == "HELO") {
      mail.helo = line.size() > 5 ? line.substr(5) : "";
      ds.sendMessage("250 sink");
    } else if (verb == "MAIL") {
      mail.from = argumentOf(line);
      ds.sendMessage("250 OK");
    } else if (verb == "RCPT") {
      mail.recipients.push_back(argumentOf(line));
      ds.sendMessage("250 OK");
    } else if (verb == "DATA") {
      ds.sendMessage("354 end with <CRLF>.<CRLF>");
      std::string data;
      while (ds.receiveMessage(line) && line != ".")
        data += (line.rfind("..", 0) == 0 ? line.substr(1) : line) + "\r\n";
      mail.data = data;
      {
        std::lock_guard lock(mutex_);
        mails_.push_back(mail);
      }
      ds.sendMessage("250 queued");
    } else if (verb == "QUIT") {
      ds.sendMessage("221 bye");
      return;
    } else if (upper(line).rfind("STARTTLS", 0) == 0) {
      ds.sendMessage("502 not here");
    } else {
      ds.sendMessage("250 OK");
    }
  }
}

} // namespace orders::testing
