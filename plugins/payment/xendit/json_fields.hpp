// payment/xendit: reading members of Xendit's JSON (answers, callbacks) with
// errors that name the member's JSON pointer ("/metadata/order_id: expected
// string"): the shared provider readers (plugins/common/provider_wire.hpp)
// under this plugin's namespace.
#pragma once

#include "provider_wire.hpp"

namespace orders::plugins::payment::xendit {

using orders::common::ignoredEvent;
using orders::common::memberOf;
using orders::common::optionalString;
using orders::common::parseAnswer;
using orders::common::pointerLabel;
using orders::common::prefixed;
using orders::common::requiredString;

} // namespace orders::plugins::payment::xendit
