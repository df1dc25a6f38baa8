#include "pg/failure.hpp"

namespace agora::pg {

Error to_error(const Failure& failure) {
    if (failure.connection_lost) return Error::retry_later(ErrorKind::kUnavailable, std::chrono::seconds(1));
    std::string detail = "postgres";
    if (!failure.sqlstate.empty()) detail += " " + failure.sqlstate;
    detail += ": " + failure.message;
    return Error::internal(std::move(detail));
}

}  // namespace agora::pg
