// A real SMTP peer on 127.0.0.1: a small Poco TCP server (one thread per
// connection) speaking enough SMTP for a client (EHLO/HELO, AUTH PLAIN and
// LOGIN, MAIL/RCPT/DATA, RSET, NOOP, QUIT; STARTTLS refused with 502) and
// recording every mail it accepts. A fault makes one stage of every session
// answer a given line and/or answer late: a 4xx to MAIL (try again later),
// a 5xx to RCPT (never), a greeting that is not SMTP, a greeting slower than
// the client's budget. Stands in for a mail server in the notifier tests and
// in the conformance kit (order-service-conformance, `peer_protocol: smtp`).
// Thread-safety: every member may be called from any thread.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "tcp_peer.hpp"

namespace orders::testing {

struct ReceivedMail {
  std::string helo;
  std::string username; // from AUTH ("" without)
  std::string password;
  std::string from;                    // MAIL FROM argument
  std::vector<std::string> recipients; // RCPT TO arguments
  std::string data;                    // DATA, dot-unstuffed, CRLF line ends
};

struct SmtpFault {
  // The stage whose reply changes: "greeting", "EHLO" (and HELO), "AUTH"
  // (the final 235), "MAIL", "RCPT", "DATA" (the reply after the final dot).
  std::string stage;
  // The line sent instead of the normal reply ("451 4.3.0 try again later");
  // empty: the normal reply, only late. A mail whose DATA reply is not 2xx
  // is not recorded.
  std::string reply;
  std::chrono::milliseconds delay{0}; // waited before replying at that stage
};

class SmtpPeer final : public TcpPeer {
public:
  SmtpPeer();
  ~SmtpPeer() override;

  // While set, every new session meets `fault`.
  void failWith(std::optional<SmtpFault> fault);
  void clearMails();
  std::vector<ReceivedMail> mails() const;

  void serve(Poco::Net::StreamSocket &client) override;

private:
  std::optional<SmtpFault> fault_;
  std::vector<ReceivedMail> mails_;
};

} // namespace orders::testing
