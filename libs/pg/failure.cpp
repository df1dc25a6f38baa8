#include "pg/failure.hpp"

#include "core/scope.hpp"

namespace agora::pg {
namespace {

// A server that cannot serve now but will, itself or another after a failover
// (docs/adr/0017-replicated-postgresql.md): the connection failed (class 08); it is shutting down, crashed
// or not accepting connections yet (57P01-57P03); it has too many connections (53300); or a write reached
// a standby (25006), because the primary moved and the router has not followed yet.
bool unavailable_server(std::string_view sqlstate) {
    return sqlstate.starts_with("08") || sqlstate == "57P01" || sqlstate == "57P02" || sqlstate == "57P03" ||
           sqlstate == "53300" || sqlstate == "25006";
}

}  // namespace

std::string trimmed_message(const char* message) {
    std::string text = message ? message : "";
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
    return text;
}

Error to_error(const Failure& failure) {
    if (failure.connection_lost || unavailable_server(failure.sqlstate)) {
        // The client only hears "come back"; the request's error line, if it ends in a 503, says why.
        if (auto* scope = trace::current(); scope != nullptr && scope->failure.empty()) {
            scope->failure = failure.connection_lost
                                 ? "postgres connection lost: " + failure.message
                                 : "postgres unavailable (" + failure.sqlstate + "): " + failure.message;
        }
        return Error::retry_later(ErrorKind::kUnavailable, std::chrono::seconds(1));
    }
    std::string detail = "postgres";
    if (!failure.sqlstate.empty()) detail += " " + failure.sqlstate;
    detail += ": " + failure.message;
    return Error::internal(std::move(detail));
}

}  // namespace agora::pg
