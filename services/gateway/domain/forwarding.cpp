#include "domain/forwarding.hpp"

#include <array>
#include <boost/beast/core/string.hpp>

#include "core/ids.hpp"

namespace agora::gateway {
namespace {

namespace beast = boost::beast;

// Hop-by-hop headers (RFC 9110 7.6.1), those the gateway owns, and the bearer token: the gateway
// verified it, and no service needs to see it (nor log it).
bool never_forwarded(std::string_view name) {
    static constexpr std::array<std::string_view, 16> kNames{
        "connection",  "keep-alive", "proxy-authenticate", "proxy-authorization", "te",         "trailer",
        "transfer-encoding", "upgrade", "host",           "x-user-id",           "x-email",    "x-user-role",
        "x-request-id", "traceparent", "x-forwarded-for",  "authorization"};
    for (auto n : kNames) {
        if (beast::iequals(n, name)) return true;
    }
    return false;
}

bool listed_in_connection(const http::RawRequest& req, std::string_view name) {
    auto conn = req[http::Field::connection];
    for (auto token : beast::http::token_list(conn)) {
        if (beast::iequals(token, name)) return true;
    }
    return false;
}

bool is_hex(std::string_view s) {
    for (char c : s) {
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
    }
    return true;
}


}  // namespace

bool is_valid_traceparent(std::string_view v) {
    // 00-<32 hex trace id>-<16 hex span id>-<2 hex flags>; all-zero ids are invalid.
    if (v.size() != 55 || v.substr(0, 3) != "00-" || v[35] != '-' || v[52] != '-') return false;
    auto trace = v.substr(3, 32), span = v.substr(36, 16), flags = v.substr(53, 2);
    return is_hex(trace) && is_hex(span) && is_hex(flags) && trace != std::string(32, '0') &&
           span != std::string(16, '0');
}

std::string traceparent_for(std::string_view sent) {
    if (is_valid_traceparent(sent)) return std::string(sent);
    std::string trace = ids::fast_hex(16), span = ids::fast_hex(8);
    if (trace == std::string(32, '0') || span == std::string(16, '0')) return traceparent_for({});  // W3C: never all zero
    return "00-" + trace + "-" + span + "-01";
}

http::RawRequest upstream_request(const http::Request& client, const ForwardContext& context) {
    const auto& in = client.raw();
    http::RawRequest out{in.method(), context.target, 11};
    for (const auto& field : in) {
        auto name = field.name_string();
        if (never_forwarded(name) || listed_in_connection(in, name)) continue;
        out.insert(name, field.value());
    }
    if (context.identity) {
        out.set(http::kUserIdHeader, std::to_string(context.identity->user_id));
        out.set(http::kEmailHeader, context.identity->email);
        out.set(http::kRoleHeader, context.identity->role);
    }
    out.set(http::kRequestIdHeader, context.request_id);
    out.set(http::kTraceparentHeader, context.traceparent);
    if (!context.client_address.empty()) out.set("X-Forwarded-For", context.client_address);
    // A TRACE carries no content (RFC 9110 9.3.8): Beast refuses to write one, so the body and its length
    // stay behind and the upstream answers the bare TRACE (405 on every route).
    if (in.method() == http::Verb::trace) {
        out.erase("Content-Length");
    } else {
        out.body() = in.body();
    }
    out.keep_alive(true);
    out.prepare_payload();
    return out;
}

http::Response client_response(http::Response upstream) {
    http::Response out{upstream.result(), 11};
    for (const auto& field : upstream) {
        auto name = field.name_string();
        if (beast::iequals(name, "connection") || beast::iequals(name, "keep-alive") ||
            beast::iequals(name, "transfer-encoding") || beast::iequals(name, "upgrade") ||
            beast::iequals(name, "trailer") || beast::iequals(name, "content-length") ||
            beast::iequals(name, "x-request-id") || name.size() > 12 && beast::iequals(name.substr(0, 12), "access-contr")) {
            continue;
        }
        out.insert(name, field.value());
    }
    out.body() = std::move(upstream.body());
    return out;
}

}  // namespace agora::gateway
