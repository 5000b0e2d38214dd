// An SMTP sink on 127.0.0.1 for tests: a tiny single-threaded server
// speaking just enough SMTP and recording what it got. Answers 220,
// EHLO/HELO 250, MAIL 250, RCPT 250, DATA 354 ... "." 250, QUIT 221,
// STARTTLS 502, anything else 250. One connection at a time.
#pragma once

#include <Poco/Net/ServerSocket.h>

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace Poco::Net {
class StreamSocket;
}

namespace orders::testing {

struct ReceivedMail {
  std::string helo;
  std::string from;                    // MAIL FROM argument
  std::vector<std::string> recipients; // RCPT TO arguments
  std::string data;                    // DATA, dot-unstuffed, CRLF line ends
};

class SmtpSink {
public:
  SmtpSink();
  ~SmtpSink();
  SmtpSink(const SmtpSink &) = delete;
  SmtpSink &operator=(const SmtpSink &) = delete;
  uint16_t port() const { return port_; }
  std::vector<ReceivedMail> mails() const;

private:
  void run();
  void serve(Poco::Net::StreamSocket &client);

  Poco::Net::ServerSocket server_;
  uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  mutable std::mutex mutex_;
  std::vector<ReceivedMail> mails_;
};

} // namespace orders::testing
