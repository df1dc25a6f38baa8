#pragma once
// Users and their verification codes in PostgreSQL. Every change that causes a notification enqueues it
// to the outbox in the same transaction (docs/architecture.md). Writes and read-your-writes go to the primary pool;
// plain lookups may go to the replica.
#include <cstdint>
#include <optional>
#include <string>

#include "auth/claims.hpp"
#include "auth/verification_code.hpp"
#include "core/error.hpp"
#include "domain/verification.hpp"
#include "messaging/message.hpp"
#include "pg/pool.hpp"
#include "runtime/asio.hpp"

namespace agora::auth_service {

struct User {
    std::int64_t id = 0;
    std::string email;
    std::string password_hash;  // Argon2id PHC string: never log it
    auth::Role role = auth::Role::kCustomer;
    bool is_verified = false;
    std::string created_at;  // RFC 3339 UTC
    std::string updated_at;
};

// A new unverified customer with the first code of registration.
struct NewCustomer {
    std::string email;
    std::string password_hash;
    std::string code_hash;
    messaging::Message notification;  // send.verification, enqueued with the rows
};

struct VerifyRequest {
    std::string email;
    std::string code;  // as sent; matched against the stored hash
};

class UserStore {
public:
    UserStore(pg::Pool& primary, pg::Pool& replica, const auth::CodeHasher& codes, const VerificationPolicy& policy)
        : primary_(primary), replica_(replica), codes_(codes), policy_(policy) {}

    // From the replica: fine where a stale answer is only a slower path to the same error.
    Task<Result<std::optional<User>>> find_by_email(const std::string& email);
    // From the primary: when the answer must reflect the latest commit.
    Task<Result<std::optional<User>>> find_by_email_fresh(const std::string& email);

    // One transaction: the user, its code, the notification. 400 "user already exist" on a duplicate.
    Task<Result<User>> create_customer(const NewCustomer& customer);

    // Judges the code under a row lock (concurrent guesses cannot exceed the budget) and applies the
    // decision: a wrong guess costs an attempt; the right one verifies the user, removes the code and
    // enqueues account.verified. Errors carry the contract's messages.
    Task<Result<User>> verify(const VerifyRequest& request);

    // Replaces the user's code (attempts reset, new expiry) and enqueues the notification.
    Task<Result<void>> reissue_code(std::int64_t user_id, const std::string& code_hash,
                                    const messaging::Message& notification);

    // After a login whose hash was made with older Argon2 parameters.
    Task<Result<void>> replace_password_hash(std::int64_t user_id, const std::string& password_hash);

    // Creates a verified admin unless the email exists; true when it created one.
    Task<Result<bool>> ensure_admin(const std::string& email, const std::string& password_hash);

private:
    pg::Pool& primary_;
    pg::Pool& replica_;
    const auth::CodeHasher& codes_;
    VerificationPolicy policy_;
};

}  // namespace agora::auth_service
