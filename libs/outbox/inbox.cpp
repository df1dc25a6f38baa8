#include "outbox/inbox.hpp"

namespace agora::messaging {
namespace {

constexpr pg::Query kRecord{"messaging_inbox_record",
                            "INSERT INTO inbox (consumer, event_id) VALUES ($1, $2::uuid) ON CONFLICT DO NOTHING"};

}  // namespace

Task<pg::Outcome<bool>> Inbox::first_time(pg::Transaction& tx, std::string_view consumer,
                                          std::string_view event_id) {
    auto inserted = co_await tx.query(kRecord, consumer, event_id);
    if (!inserted) co_return pg::failed(std::move(inserted.error()));
    co_return inserted->affected() == 1;
}

}  // namespace agora::messaging
