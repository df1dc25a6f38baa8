#include "context.hpp"

namespace agora::product {

Result<void> require_admin(const http::Request& req) {
    auto caller = req.caller();
    if (!caller) return std::unexpected(caller.error());
    if (!caller->is_admin()) return fail(ErrorKind::kForbidden);
    return {};
}

std::string traceparent_of(const http::Request& req) { return std::string(req.header(http::kTraceparentHeader)); }

}  // namespace agora::product
