#include "mail/store/sent_emails.hpp"

#include <string>

namespace agora::mail {
namespace {

// A 'pending' or 'failed' row (released at shutdown; dead-lettered and then replayed by an operator)
// is claimed again, and so is a 'sending' row whose lease ran out.
constexpr pg::Query kClaim{"mail_claim_send", R"sql(
INSERT INTO sent_emails (event_id, kind, state, attempts, updated_at)
VALUES ($1::uuid, $2, 'sending', 0, now())
ON CONFLICT (event_id) DO UPDATE SET state = 'sending', updated_at = now()
    WHERE sent_emails.state IN ('pending', 'failed')
       OR (sent_emails.state = 'sending' AND sent_emails.updated_at < now() - make_interval(secs => $3::float8))
RETURNING state)sql"};

constexpr pg::Query kState{"mail_send_state", "SELECT state FROM sent_emails WHERE event_id = $1::uuid"};

constexpr pg::Query kSettle{"mail_settle_send", R"sql(
UPDATE sent_emails SET state = $2, attempts = attempts + $3, updated_at = now() WHERE event_id = $1::uuid)sql"};

}  // namespace

Task<pg::Outcome<Claim>> SentEmails::claim(std::string_view event_id, std::string_view kind,
                                          std::chrono::milliseconds lease) {
    const double lease_seconds = static_cast<double>(lease.count()) / 1000.0;
    auto claimed = co_await pool_.query(kClaim, event_id, kind, lease_seconds);
    if (!claimed) co_return pg::failed(std::move(claimed.error()));
    if (!claimed->empty()) co_return Claim::kClaimed;
    auto current = co_await state(event_id);
    if (!current) co_return pg::failed(std::move(current.error()));
    co_return *current == "sent" ? Claim::kAlreadySent : Claim::kBusy;
}

Task<pg::Outcome<void>> SentEmails::settle(std::string_view event_id, SendState state, int attempts) {
    std::string_view text = state == SendState::kSent ? "sent" : "failed";
    auto updated = co_await pool_.query(kSettle, event_id, text, attempts);
    if (!updated) co_return pg::failed(std::move(updated.error()));
    co_return pg::Outcome<void>{};
}

Task<pg::Outcome<void>> SentEmails::release(std::string_view event_id, int attempts) {
    auto updated = co_await pool_.query(kSettle, event_id, std::string_view("pending"), attempts);
    if (!updated) co_return pg::failed(std::move(updated.error()));
    co_return pg::Outcome<void>{};
}

Task<pg::Outcome<std::string>> SentEmails::state(std::string_view event_id) {
    auto rows = co_await pool_.query(kState, event_id);
    if (!rows) co_return pg::failed(std::move(rows.error()));
    if (rows->empty()) co_return std::string();
    co_return rows->front().get<std::string>(0);
}

}  // namespace agora::mail
