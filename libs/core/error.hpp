#pragma once
// Errors are values with a kind. One table (error.cpp) maps each kind to its HTTP status and the
// contract's default message (docs/contract.md); a specific message may replace the default.
#include <chrono>
#include <expected>
#include <string>
#include <string_view>
#include <vector>

namespace agora {

enum class ErrorKind {
    kValidation,            // 400 input validation error, with fields
    kBadRequest,            // 400 with a domain message ("user already exist")
    kMalformedJson,         // 400 invalid JSON syntax
    kWrongType,             // 400 invalid value for <field>
    kMissingBody,           // 400 missing body request
    kBadPathId,             // 400 expected a numeric value but got '<value>'
    kUnauthorized,          // 401
    kForbidden,             // 403
    kNotFound,              // 404 with a domain message ("order not found")
    kRouteNotFound,         // 404 route not found
    kMethodNotAllowed,      // 405
    kTimeout,               // 408
    kDuplicate,             // 409 request duplicate
    kConflict,              // 409 with a domain message
    kPayloadTooLarge,       // 413
    kHeaderTooLarge,        // 431
    kUnsupportedMediaType,  // 415
    kTooManyRequests,       // 429 with Retry-After
    kNotImplemented,        // 501 a method the platform does not know
    kUnavailable,           // 503 with Retry-After
    kGatewayTimeout,        // 504
    kInternal,              // 500
};

struct FieldError {
    std::string field;
    std::string message;
    bool operator==(const FieldError&) const = default;
};

struct Error {
    ErrorKind kind = ErrorKind::kInternal;
    std::string message;             // empty: the kind's default message
    std::vector<FieldError> fields;  // for kValidation
    std::chrono::seconds retry_after{0};

    static Error of(ErrorKind kind, std::string message = {}) { return Error{kind, std::move(message), {}, {}}; }
    static Error validation(std::vector<FieldError> fields) {
        return Error{ErrorKind::kValidation, {}, std::move(fields), {}};
    }
    static Error retry_later(ErrorKind kind, std::chrono::seconds after, std::string message = {}) {
        return Error{kind, std::move(message), {}, after};
    }
    static Error internal(std::string detail) { return Error{ErrorKind::kInternal, std::move(detail), {}, {}}; }
};

template <class T>
using Result = std::expected<T, Error>;

inline std::unexpected<Error> fail(Error e) { return std::unexpected<Error>(std::move(e)); }
inline std::unexpected<Error> fail(ErrorKind kind, std::string message = {}) {
    return std::unexpected<Error>(Error::of(kind, std::move(message)));
}

// The HTTP status of a kind.
int http_status(ErrorKind kind);
// What a client is told: the specific message, or the kind's default. Internal details never leak.
std::string public_message(const Error& error);
std::string_view kind_name(ErrorKind kind);

}  // namespace agora

// Returns the error of a Result from the enclosing function (plain functions only, not coroutines).
#define AGORA_TRY(expr)                                                          \
    ({                                                                           \
        auto&& agora_try_result_ = (expr);                                       \
        if (!agora_try_result_) return std::unexpected(agora_try_result_.error()); \
        std::move(*agora_try_result_);                                           \
    })
