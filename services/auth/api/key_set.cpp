#include "api/key_set.hpp"

#include "http/envelope.hpp"

namespace agora::auth_service {

Task<http::Response> KeySet::handle(http::Request&) {
    auto response = http::json_response(200, context_.jwks);
    response.set(http::Field::cache_control, "public, max-age=300");
    co_return response;
}

}  // namespace agora::auth_service
