#pragma once
// The record that makes sending exactly-once as far as SMTP allows (docs/architecture.md, Events). The shared
// inbox table (libs/messaging) records an event in the same transaction as its effect, but an email is
// no transaction: holding one open across an SMTP conversation and minutes of retries would pin a
// database connection per message. So each event gets a row with a state instead:
//   claim()  'sending' with a lease      -> only one delivery of an event sends at a time
//   settle() 'sent' / 'failed'           -> a redelivery of a sent event is acknowledged, not sent
//   release() 'pending'                  -> a send abandoned at shutdown is claimable again at once
// A claim whose lease ran out (its process died mid-send) can be taken over; that is the one case
// where an email can go out twice, and only if the SMTP server accepted it just before the crash.
#include <chrono>
#include <string_view>

#include "pg/pool.hpp"
#include "runtime/asio.hpp"

namespace agora::mail {

enum class Claim {
    kClaimed,    // this delivery sends
    kAlreadySent,
    kBusy,       // another delivery of the event is sending right now
};

enum class SendState { kSent, kFailed };

class SentEmails {
public:
    explicit SentEmails(pg::Pool& pool) : pool_(pool) {}

    // `event_id` must be a UUID (the column's type); `kind` names the notification (its queue).
    Task<pg::Outcome<Claim>> claim(std::string_view event_id, std::string_view kind, std::chrono::milliseconds lease);
    Task<pg::Outcome<void>> settle(std::string_view event_id, SendState state, int attempts);
    Task<pg::Outcome<void>> release(std::string_view event_id, int attempts);
    // The state of an event ("sent", "sending"...), empty when unknown. For tests and operators.
    Task<pg::Outcome<std::string>> state(std::string_view event_id);

private:
    pg::Pool& pool_;
};

}  // namespace agora::mail
