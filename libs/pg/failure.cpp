#include "pg/failure.hpp"

#include "core/scope.hpp"

namespace agora::pg {

std::string trimmed_message(const char* message) {
    std::string text = message ? message : "";
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
    return text;
}

Error to_error(const Failure& failure) {
    if (failure.connection_lost) {
        // The client only hears "come back"; the request's error line, if it ends in a 503, says why.
        if (auto* scope = trace::current(); scope != nullptr && scope->failure.empty()) {
            scope->failure = "postgres connection lost: " + failure.message;
        }
        return Error::retry_later(ErrorKind::kUnavailable, std::chrono::seconds(1));
    }
    std::string detail = "postgres";
    if (!failure.sqlstate.empty()) detail += " " + failure.sqlstate;
    detail += ": " + failure.message;
    return Error::internal(std::move(detail));
}

}  // namespace agora::pg
