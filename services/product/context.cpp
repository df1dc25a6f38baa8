#include "context.hpp"

namespace agora::product {

LoopBackends& Context::local() const {
    for (const auto& loop : loops) {
        if (loop->io->get_executor().running_in_this_thread()) return *loop;
    }
    // Only reached from a thread that runs no loop (a bug); loop 0 is the least surprising answer.
    return *loops.front();
}

Result<void> require_admin(const http::Request& req) {
    auto caller = req.caller();
    if (!caller) return std::unexpected(caller.error());
    if (!caller->is_admin()) return fail(ErrorKind::kForbidden);
    return {};
}

std::string traceparent_of(const http::Request& req) { return std::string(req.header(http::kTraceparentHeader)); }

}  // namespace agora::product
