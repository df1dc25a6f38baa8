#pragma once
// The inbox: a consumer records each event it handles in the same transaction as the
// effect, so redelivered events are recognised and skipped. Delivery is at least once; effects happen
// once.
//
//   auto tx = co_await primary.begin();
//   auto fresh = co_await inbox.first_time(*tx, "mail.verification", message.event_id);
//   if (fresh && *fresh) { ... apply the effect in tx ... }
//   co_await tx->commit();   // then acknowledge the message
#include <string_view>

#include "pg/pool.hpp"
#include "runtime/asio.hpp"

namespace agora::messaging {

class Inbox {
public:
    // Records (consumer, event_id) and says whether it was new. A malformed event_id (not a UUID) fails.
    Task<pg::Outcome<bool>> first_time(pg::Transaction& tx, std::string_view consumer, std::string_view event_id);
};

}  // namespace agora::messaging
