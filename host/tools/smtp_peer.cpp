#include "smtp_peer.hpp"

#include <Poco/Base64Decoder.h>
#include <Poco/Net/DialogSocket.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/Timespan.h>

#include <cctype>
#include <sstream>

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

std::string base64Decoded(const std::string &text) {
  std::istringstream in(text);
  Poco::Base64Decoder decoder(in);
  std::string out((std::istreambuf_iterator<char>(decoder)), std::istreambuf_iterator<char>());
  return out;
}

} // namespace

SmtpPeer::SmtpPeer() { start(); }

SmtpPeer::~SmtpPeer() { stop(); }

void SmtpPeer::failWith(std::optional<SmtpFault> fault) {
  std::lock_guard lock(mutex_);
  fault_ = std::move(fault);
}

void SmtpPeer::clearMails() {
  std::lock_guard lock(mutex_);
  mails_.clear();
}

std::vector<ReceivedMail> SmtpPeer::mails() const {
  std::lock_guard lock(mutex_);
  return mails_;
}

void SmtpPeer::serve(Poco::Net::StreamSocket &client) {
  client.setReceiveTimeout(Poco::Timespan(5, 0));
  std::optional<SmtpFault> fault;
  {
    std::lock_guard lock(mutex_);
    fault = fault_;
  }
  Poco::Net::DialogSocket ds(client);
  // Sends `normal` (one or more CRLF-ended lines), or the fault's line at its
  // stage; false when the session should end (the peer stopped).
  auto reply = [&](const std::string &stage, const std::string &normal) {
    std::string text = normal;
    if (fault && fault->stage == stage) {
      if (fault->delay.count() > 0 && !pause(fault->delay)) return std::string();
      if (!fault->reply.empty()) text = fault->reply + "\r\n";
    }
    ds.sendString(text);
    return text;
  };
  if (reply("greeting", "220 127.0.0.1 ESMTP conformance peer\r\n").rfind("220", 0) != 0) return;
  ReceivedMail mail;
  std::string line;
  while (ds.receiveMessage(line)) {
    const std::string command = upper(line.substr(0, line.find(' ')));
    if (command == "EHLO" || command == "HELO") {
      mail.helo = line.size() > 5 ? line.substr(5) : "";
      reply("EHLO",
            command == "EHLO" ? "250-127.0.0.1\r\n250-AUTH PLAIN LOGIN\r\n250 8BITMIME\r\n" : "250 127.0.0.1\r\n");
    } else if (command == "AUTH") {
      const std::string rest = line.size() > 5 ? line.substr(5) : "";
      const std::string mechanism = upper(rest.substr(0, rest.find(' ')));
      if (mechanism == "PLAIN") {
        // "AUTH PLAIN <base64>" or the credentials on the next line.
        std::string credentials = rest.find(' ') == std::string::npos ? "" : rest.substr(rest.find(' ') + 1);
        if (credentials.empty()) {
          ds.sendString("334 \r\n");
          if (!ds.receiveMessage(credentials)) return;
        }
        const std::string plain = base64Decoded(credentials); // authzid NUL user NUL password
        const size_t first = plain.find('\0');
        const size_t second = first == std::string::npos ? first : plain.find('\0', first + 1);
        if (second == std::string::npos) {
          ds.sendString("501 5.5.2 malformed AUTH PLAIN credentials\r\n");
          continue;
        }
        mail.username = plain.substr(first + 1, second - first - 1);
        mail.password = plain.substr(second + 1);
      } else if (mechanism == "LOGIN") {
        std::string user, password;
        ds.sendString("334 VXNlcm5hbWU6\r\n");
        if (!ds.receiveMessage(user)) return;
        ds.sendString("334 UGFzc3dvcmQ6\r\n");
        if (!ds.receiveMessage(password)) return;
        mail.username = base64Decoded(user);
        mail.password = base64Decoded(password);
      } else {
        ds.sendString("504 5.5.4 unrecognized authentication mechanism\r\n");
        continue;
      }
      reply("AUTH", "235 2.7.0 authenticated\r\n");
    } else if (command == "MAIL") {
      mail.from = argumentOf(line);
      mail.recipients.clear();
      reply("MAIL", "250 2.1.0 OK\r\n");
    } else if (command == "RCPT") {
      if (reply("RCPT", "250 2.1.5 OK\r\n").rfind('2', 0) == 0) mail.recipients.push_back(argumentOf(line));
    } else if (command == "DATA") {
      ds.sendString("354 end with <CRLF>.<CRLF>\r\n");
      std::string data;
      while (ds.receiveMessage(line) && line != ".")
        data += (line.rfind("..", 0) == 0 ? line.substr(1) : line) + "\r\n";
      if (line != ".") return; // the client went away mid-message: nothing accepted
      mail.data = data;
      const std::string answer = reply("DATA", "250 2.0.0 queued\r\n");
      if (answer.rfind('2', 0) == 0) {
        std::lock_guard lock(mutex_);
        mails_.push_back(mail);
      }
    } else if (command == "RSET") {
      mail.from.clear();
      mail.recipients.clear();
      ds.sendString("250 2.0.0 OK\r\n");
    } else if (command == "QUIT") {
      ds.sendString("221 2.0.0 bye\r\n");
      return;
    } else if (command == "STARTTLS") {
      ds.sendString("502 5.5.1 STARTTLS not offered here\r\n");
    } else if (command == "NOOP") {
      ds.sendString("250 2.0.0 OK\r\n");
    } else {
      ds.sendString("500 5.5.2 command not recognized\r\n");
    }
  }
}

} // namespace orders::testing
