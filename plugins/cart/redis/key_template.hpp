// cart/redis: the `key_template` option, e.g. "cart:{email}" (seed 002) or
// "cart:{userId}". {email} and {userId} are replaced verbatim (Redis keys are
// binary-safe; nothing is encoded or case-folded). Any other '{' is a config
// error, so a typo such as {user_id} fails start-up instead of reading an
// empty cart. Header-only. Thread-safety: immutable after parse().
#pragma once

#include <string>
#include <vector>

#include "orders/sdk/messages.hpp"
#include "orders/sdk/result.hpp"

namespace orders::plugins::cart_redis {

class KeyTemplate {
public:
  static sdk::Result<KeyTemplate> parse(const std::string &text) {
    KeyTemplate out;
    out.text_ = text;
    std::string literal;
    for (size_t i = 0; i < text.size(); ++i) {
      if (text[i] != '{') {
        literal += text[i];
        continue;
      }
      const size_t close = text.find('}', i);
      const std::string name = close == std::string::npos ? std::string() : text.substr(i + 1, close - i - 1);
      Part::Kind kind = Part::Kind::literal;
      if (name == "email") {
        kind = Part::Kind::email;
        out.needs_email_ = true;
      } else if (name == "userId") {
        kind = Part::Kind::userId;
        out.needs_user_id_ = true;
      } else if (close == std::string::npos) {
        return sdk::invalidArgument("key_template: '{' at offset " + std::to_string(i) +
                                    " does not start {email} or {userId}");
      } else {
        return sdk::invalidArgument("key_template: unknown placeholder {" + name + "} (use {email} or {userId})");
      }
      if (!literal.empty()) out.parts_.push_back(Part{Part::Kind::literal, std::move(literal)});
      literal.clear();
      out.parts_.push_back(Part{kind, std::string()});
      i = close;
    }
    if (!literal.empty()) out.parts_.push_back(Part{Part::Kind::literal, std::move(literal)});
    if (!out.needs_email_ && !out.needs_user_id_)
      return sdk::invalidArgument("key_template: must contain {email} or {userId}, else every buyer shares one cart");
    return out;
  }

  const std::string &text() const noexcept { return text_; }
  bool needsEmail() const noexcept { return needs_email_; }
  bool needsUserId() const noexcept { return needs_user_id_; }

  // The key of `ref`'s cart; invalid_argument when a value the template
  // names is missing.
  sdk::Result<std::string> keyFor(const sdk::CartRef &ref) const {
    if (needs_user_id_ && ref.userId.empty())
      return sdk::invalidArgument("/userId: must not be empty (key_template '" + text_ + "' names {userId})");
    if (needs_email_ && (!ref.email || ref.email->empty()))
      return sdk::invalidArgument("key_template '" + text_ + "' names {email} but the cart of user " + ref.userId +
                                  " was asked without an email");
    std::string key;
    for (const Part &part : parts_) {
      switch (part.kind) {
      case Part::Kind::literal: key += part.text; break;
      case Part::Kind::email: key += *ref.email; break;
      case Part::Kind::userId: key += ref.userId; break;
      }
    }
    return key;
  }

private:
  struct Part {
    enum class Kind { literal, email, userId };
    Kind kind = Kind::literal;
    std::string text;
  };

  std::string text_;
  std::vector<Part> parts_;
  bool needs_email_ = false;
  bool needs_user_id_ = false;
};

} // namespace orders::plugins::cart_redis
