#pragma once
// The request and response a handler sees. Requests carry what the server learned while routing them
// (path parameters, request id) and what the gateway asserted about the caller.
#include <array>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/error.hpp"

namespace agora::http {

namespace beast_http = boost::beast::http;
using RawRequest = beast_http::request<beast_http::string_body>;
using Response = beast_http::response<beast_http::string_body>;
using Verb = beast_http::verb;
using Field = beast_http::field;

// Identity headers the gateway sets after verifying a token (docs/contract.md). Services trust them only
// under the gateway's signature (http/internal_signature.hpp): the router refuses them unsigned.
inline constexpr std::string_view kUserIdHeader = "X-User-ID";
inline constexpr std::string_view kEmailHeader = "X-Email";
inline constexpr std::string_view kRoleHeader = "X-User-Role";
inline constexpr std::string_view kRequestIdHeader = "X-Request-ID";
inline constexpr std::string_view kForwardedForHeader = "X-Forwarded-For";
inline constexpr std::string_view kTraceparentHeader = "traceparent";
inline constexpr std::string_view kTracestateHeader = "tracestate";
// The identity the gateway asserts, as unique_values (below) reads it.
inline constexpr std::array<std::string_view, 3> kIdentityHeaders{kUserIdHeader, kEmailHeader, kRoleHeader};
// Routes under this prefix serve the services' calls to each other: never routed by the gateway, and
// taken only with a service's signature.
inline constexpr std::string_view kInternalPrefix = "/internal/";

// The value of each of `names` (compared case-insensitively) in one walk of `fields`, "" for a name that
// is absent, or nullopt when one of them appears twice. Cheaper than a lookup per name in Beast's tree of
// fields, each step of which is a case-insensitive comparison of two names.
template <std::size_t N>
std::optional<std::array<std::string_view, N>> unique_values(const beast_http::fields& fields,
                                                             const std::array<std::string_view, N>& names) {
    std::array<std::string_view, N> values{};
    std::array<bool, N> seen{};
    for (const auto& field : fields) {
        auto name = field.name_string();
        for (std::size_t i = 0; i < N; ++i) {
            if (name.size() != names[i].size() || !boost::beast::iequals(name, names[i])) continue;
            if (seen[i]) return std::nullopt;
            seen[i] = true;
            values[i] = field.value();
            break;
        }
    }
    return values;
}

struct Caller {
    std::int64_t user_id = 0;
    std::string email;
    std::string role;
    bool is_admin() const { return role == "admin"; }
};

class Request {
public:
    explicit Request(RawRequest raw) : raw_(std::move(raw)) {}

    RawRequest& raw() { return raw_; }
    const RawRequest& raw() const { return raw_; }
    Verb method() const { return raw_.method(); }
    // The path without the query string.
    std::string_view path() const;
    const std::string& body() const { return raw_.body(); }
    std::string_view header(std::string_view name) const;

    // The first value of a query parameter, decoded; nullopt when absent.
    std::optional<std::string> query(std::string_view name) const;
    // Every query parameter in order, decoded.
    std::vector<std::pair<std::string, std::string>> query_params() const;

    std::string_view param(std::string_view name) const;
    // The pattern of the route that matched ("/products/{id}"), for metrics; empty when none did.
    const std::string& route() const { return route_; }
    void set_route(std::string route) { route_ = std::move(route); }
    // A path parameter that must be an integer id: 400 "expected a numeric value but got '<v>'".
    Result<std::int64_t> id_param(std::string_view name) const;
    void set_params(std::vector<std::pair<std::string, std::string>> params) { params_ = std::move(params); }

    // The address of the peer that sent the request (the gateway's view of the client).
    const std::string& remote_address() const { return remote_address_; }
    void set_remote_address(std::string address) { remote_address_ = std::move(address); }

    const std::string& request_id() const { return request_id_; }
    void set_request_id(std::string id) { request_id_ = std::move(id); }

    // Who signed the request, set by the router once the signature is verified; empty when it was not
    // signed or did not need to be.
    const std::string& signer() const { return signer_; }
    void set_signer(std::string signer) { signer_ = std::move(signer); }

    // The caller the gateway asserted, or 401 when the identity headers are missing, malformed or unsigned.
    Result<Caller> caller() const;

private:
    RawRequest raw_;
    std::vector<std::pair<std::string, std::string>> params_;
    std::string request_id_;
    std::string remote_address_;
    std::string route_;
    std::string signer_;
};

}  // namespace agora::http
