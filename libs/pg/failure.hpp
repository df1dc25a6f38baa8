#pragma once
// What went wrong with a statement: the server's SQLSTATE and message, or a lost connection.
#include <expected>
#include <string>
#include <string_view>

#include "core/error.hpp"

namespace agora::pg {

struct Failure {
    std::string sqlstate;  // five characters from the server; empty when the client side failed
    std::string message;   // detail for logs, never for clients
    bool connection_lost = false;
    bool refused = false;  // never sent: the client side refused it (see refuse_nul())

    bool is_unique_violation() const { return sqlstate == "23505"; }
    bool is_foreign_key_violation() const { return sqlstate == "23503"; }
    bool is_check_violation() const { return sqlstate == "23514"; }
    bool is_serialization_failure() const { return sqlstate == "40001"; }
    bool is_deadlock() const { return sqlstate == "40P01"; }
    bool is_statement_timeout() const { return sqlstate == "57014"; }

    static Failure lost(std::string message) { return Failure{{}, std::move(message), true}; }
    static Failure client(std::string message) { return Failure{{}, std::move(message), false}; }
    static Failure refusal(std::string message) { return Failure{{}, std::move(message), false, true}; }
};

template <class T>
using Outcome = std::expected<T, Failure>;

inline std::unexpected<Failure> failed(Failure f) { return std::unexpected<Failure>(std::move(f)); }

// libpq's message text without its trailing newline and spaces; empty for null.
std::string trimmed_message(const char* message);

// Connection problems and servers that cannot serve now (failure.cpp) become kUnavailable (retry later, with
// the contract's default message: the detail would name hosts; it goes to the current request's failure,
// for its error line); everything else kInternal, whose message reaches logs only.
Error to_error(const Failure& failure);

}  // namespace agora::pg
