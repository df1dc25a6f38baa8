#include "store/user_store.hpp"

#include "events/notifications.hpp"
#include "outbox/outbox.hpp"

namespace agora::auth_service {
namespace {

#define AUTH_USER_COLUMNS \
    "id, email, password, role, is_verified, " PG_MICROS("created_at") ", " PG_MICROS("updated_at")

constexpr pg::Query kFindUser{"auth_find_user", "SELECT " AUTH_USER_COLUMNS " FROM users WHERE email = $1"};
constexpr pg::Query kLockUser{"auth_lock_user",
                              "SELECT " AUTH_USER_COLUMNS " FROM users WHERE email = $1 FOR UPDATE"};
constexpr pg::Query kInsertUser{
    "auth_insert_user",
    "INSERT INTO users (email, password, role, is_verified) VALUES ($1, $2, $3, $4) RETURNING " AUTH_USER_COLUMNS};
constexpr pg::Query kInsertAdmin{
    "auth_insert_admin",
    "INSERT INTO users (email, password, role, is_verified) VALUES ($1, $2, 'admin', true) "
    "ON CONFLICT (email) DO NOTHING RETURNING id"};
// Upsert: a new code replaces the old one, with a fresh budget and expiry.
constexpr pg::Query kIssueCode{
    "auth_issue_code",
    "INSERT INTO user_verifications (user_id, token_hash, expired_at, attempts) "
    "VALUES ($1, $2, now() + make_interval(secs => $3), 0) "
    "ON CONFLICT (user_id) DO UPDATE SET token_hash = EXCLUDED.token_hash, expired_at = EXCLUDED.expired_at, "
    "attempts = 0, updated_at = now()"};
// Times as microseconds since the epoch, "now" from the same clock as the expiry.
constexpr pg::Query kLockCode{
    "auth_lock_code",
    "SELECT token_hash, (EXTRACT(EPOCH FROM expired_at) * 1000000)::bigint, attempts, "
    "(EXTRACT(EPOCH FROM now()) * 1000000)::bigint "
    "FROM user_verifications WHERE user_id = $1 FOR UPDATE"};
constexpr pg::Query kSpendAttempt{
    "auth_spend_attempt",
    "UPDATE user_verifications SET attempts = attempts + 1, updated_at = now() WHERE user_id = $1"};
constexpr pg::Query kMarkVerified{
    "auth_mark_verified",
    "UPDATE users SET is_verified = true, updated_at = now() WHERE id = $1 RETURNING " AUTH_USER_COLUMNS};
constexpr pg::Query kDeleteCode{"auth_delete_code", "DELETE FROM user_verifications WHERE user_id = $1"};
constexpr pg::Query kReplaceHash{"auth_replace_password_hash",
                                 "UPDATE users SET password = $2, updated_at = now() WHERE id = $1"};
constexpr pg::Query kNow{"auth_now", "SELECT (EXTRACT(EPOCH FROM now()) * 1000000)::bigint"};

#undef AUTH_USER_COLUMNS

User user_of(const pg::Row& row) {
    User u;
    u.id = row.get<std::int64_t>(0);
    u.email = row.get<std::string>(1);
    u.password_hash = row.get<std::string>(2);
    u.role = auth::parse_role(row.get<std::string>(3)).value_or(auth::Role::kCustomer);
    u.is_verified = row.get<bool>(4);
    u.created_at = row.rfc3339(5);
    u.updated_at = row.rfc3339(6);
    return u;
}

clock::TimePoint micros(std::int64_t us) { return clock::TimePoint(std::chrono::microseconds(us)); }

Error db_error(const pg::Failure& failure) { return pg::to_error(failure); }

Task<Result<std::optional<User>>> find(pg::Pool& pool, const std::string& email) {
    auto rows = co_await pool.query(kFindUser, email);
    if (!rows) co_return fail(db_error(rows.error()));
    if (rows->empty()) co_return std::optional<User>{};
    co_return std::optional<User>{user_of(rows->front())};
}

}  // namespace

Task<Result<std::optional<User>>> UserStore::find_by_email(const std::string& email) {
    return find(replica_, email);
}

Task<Result<std::optional<User>>> UserStore::find_by_email_fresh(const std::string& email) {
    return find(primary_, email);
}

Task<Result<User>> UserStore::create_customer(const NewCustomer& customer) {
    auto tx = co_await primary_.begin();
    if (!tx) co_return fail(db_error(tx.error()));
    auto inserted = co_await tx->query(kInsertUser, customer.email, customer.password_hash,
                                       auth::role_name(auth::Role::kCustomer), false);
    if (!inserted) {
        if (inserted.error().is_unique_violation()) co_return fail(ErrorKind::kBadRequest, "user already exist");
        co_return fail(db_error(inserted.error()));
    }
    User user = user_of(inserted->front());
    auto code = co_await tx->query(kIssueCode, user.id, customer.code_hash,
                                   static_cast<std::int64_t>(policy_.code_ttl.count()));
    if (!code) co_return fail(db_error(code.error()));
    if (auto queued = co_await messaging::enqueue(*tx, customer.notification); !queued) {
        co_return fail(db_error(queued.error()));
    }
    if (auto committed = co_await tx->commit(); !committed) {
        if (committed.error().is_unique_violation()) co_return fail(ErrorKind::kBadRequest, "user already exist");
        co_return fail(db_error(committed.error()));
    }
    co_return user;
}

Task<Result<User>> UserStore::verify(const VerifyRequest& request) {
    auto tx = co_await primary_.begin();
    if (!tx) co_return fail(db_error(tx.error()));
    auto users = co_await tx->query(kLockUser, request.email);
    if (!users) co_return fail(db_error(users.error()));
    std::optional<User> user;
    if (!users->empty()) user = user_of(users->front());

    std::optional<IssuedCode> issued;
    std::string stored_hash;
    clock::TimePoint now{};
    if (user && !user->is_verified) {
        auto codes = co_await tx->query(kLockCode, user->id);
        if (!codes) co_return fail(db_error(codes.error()));
        if (!codes->empty()) {
            auto row = codes->front();
            stored_hash = row.get<std::string>(0);
            issued = IssuedCode{micros(row.get<std::int64_t>(1)), row.get<int>(2)};
            now = micros(row.get<std::int64_t>(3));
        } else {
            auto clock_rows = co_await tx->query(kNow);
            if (!clock_rows) co_return fail(db_error(clock_rows.error()));
            now = micros(clock_rows->front().get<std::int64_t>(0));
        }
    }
    bool matches = issued && codes_.matches(request.code, stored_hash);
    auto decision = decide_verify(UserStatus{user.has_value(), user && user->is_verified}, issued, now, matches,
                                  policy_);
    switch (decision) {
        case VerifyDecision::kUserNotFound: co_return fail(ErrorKind::kBadRequest, "user not found");
        case VerifyDecision::kAlreadyVerified: co_return fail(ErrorKind::kBadRequest, "user already verified");
        case VerifyDecision::kExpired: co_return fail(ErrorKind::kBadRequest, "token expired");
        case VerifyDecision::kWrongCode: {
            auto spent = co_await tx->query(kSpendAttempt, user->id);
            if (!spent) co_return fail(db_error(spent.error()));
            if (auto committed = co_await tx->commit(); !committed) co_return fail(db_error(committed.error()));
            co_return fail(ErrorKind::kBadRequest, "token is wrong");
        }
        case VerifyDecision::kAccept: break;
    }
    auto verified = co_await tx->query(kMarkVerified, user->id);
    if (!verified) co_return fail(db_error(verified.error()));
    User result = user_of(verified->front());
    if (auto removed = co_await tx->query(kDeleteCode, user->id); !removed) co_return fail(db_error(removed.error()));
    if (auto queued = co_await messaging::enqueue(*tx, account_verified(result.email)); !queued) {
        co_return fail(db_error(queued.error()));
    }
    if (auto committed = co_await tx->commit(); !committed) co_return fail(db_error(committed.error()));
    co_return result;
}

Task<Result<void>> UserStore::reissue_code(std::int64_t user_id, const std::string& code_hash,
                                           const messaging::Message& notification) {
    auto tx = co_await primary_.begin();
    if (!tx) co_return fail(db_error(tx.error()));
    auto code = co_await tx->query(kIssueCode, user_id, code_hash,
                                   static_cast<std::int64_t>(policy_.code_ttl.count()));
    if (!code) co_return fail(db_error(code.error()));
    if (auto queued = co_await messaging::enqueue(*tx, notification); !queued) co_return fail(db_error(queued.error()));
    if (auto committed = co_await tx->commit(); !committed) co_return fail(db_error(committed.error()));
    co_return Result<void>{};
}

Task<Result<void>> UserStore::replace_password_hash(std::int64_t user_id, const std::string& password_hash) {
    auto rows = co_await primary_.query(kReplaceHash, user_id, password_hash);
    if (!rows) co_return fail(db_error(rows.error()));
    co_return Result<void>{};
}

Task<Result<bool>> UserStore::ensure_admin(const std::string& email, const std::string& password_hash) {
    auto rows = co_await primary_.query(kInsertAdmin, email, password_hash);
    if (!rows) co_return fail(db_error(rows.error()));
    co_return !rows->empty();
}

}  // namespace agora::auth_service
