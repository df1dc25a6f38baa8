#include "domain/forwarding.hpp"

#include <array>
#include <boost/beast/core/string.hpp>

namespace agora::gateway {
namespace {

namespace beast = boost::beast;

// Hop-by-hop in either direction (RFC 9110 7.6.1), told by the code the parser gave the name.
bool hop_by_hop(http::Field code) {
    switch (code) {
        case http::Field::connection:
        case http::Field::keep_alive:
        case http::Field::trailer:
        case http::Field::transfer_encoding:
        case http::Field::upgrade:
            return true;
        default:
            return false;
    }
}

// Hop-by-hop headers, those the gateway owns, and the bearer token: the gateway verified it, and no
// service needs to see it (nor log it). Only a name without a field code (the gateway's own are among
// them) is compared as text.
bool never_forwarded(http::Field code, std::string_view name) {
    if (hop_by_hop(code)) return true;
    switch (code) {
        case http::Field::te:
        case http::Field::proxy_authenticate:
        case http::Field::proxy_authorization:
        case http::Field::host:
        case http::Field::authorization:
        // The gateway's server answers 100-continue itself, so an upstream's interim answer never has to
        // be told from its final one.
        case http::Field::expect:
            return true;
        case http::Field::unknown:
            for (auto owned : kGatewayOwned) {
                if (name.size() == owned.size() && beast::iequals(owned, name)) return true;
            }
            return false;
        default:
            return false;
    }
}

bool listed_in_connection(std::string_view connection, std::string_view name) {
    if (connection.empty()) return false;
    for (auto token : beast::http::token_list(connection)) {
        if (beast::iequals(token, name)) return true;
    }
    return false;
}

// Hop-by-hop headers, those the gateway sets itself (length, request id) and CORS, which the gateway
// answers once for every upstream.
bool never_returned(http::Field code, std::string_view name) {
    if (hop_by_hop(code) || code == http::Field::content_length) return true;
    if (code == http::Field::unknown && beast::iequals(name, http::kRequestIdHeader)) return true;
    return name.size() > 12 && beast::iequals(name.substr(0, 12), "access-contr");
}

}  // namespace

std::string forwarded_traceparent(trace::Scope* scope) {
    if (scope != nullptr && scope->context.valid()) return scope->context.traceparent();
    auto made = trace::TraceContext::root(true);
    if (scope != nullptr) scope->context = made;
    return made.traceparent();
}

http::RawRequest upstream_request(const http::Request& client, const ForwardContext& context) {
    const auto& in = client.raw();
    // HEAD goes up as GET: the gateway's server then answers with the GET's status and headers, its
    // Content-Length included, and drops the body.
    http::RawRequest out{in.method() == http::Verb::head ? http::Verb::get : in.method(), context.target, 11};
    std::string_view connection = in[http::Field::connection];
    for (const auto& field : in) {
        auto name = field.name_string();
        if (never_forwarded(field.name(), name) || listed_in_connection(connection, name)) continue;
        // With the name's code the parser already found: no second lookup of the name.
        out.insert(field.name(), name, field.value());
    }
    // Added, not set: the loop above dropped every client's copy of these, so there is none to replace,
    // and none of them has a field code to look up.
    auto add = [&out](std::string_view name, std::string_view value) { out.insert(http::Field::unknown, name, value); };
    if (context.identity) {
        add(http::kUserIdHeader, std::to_string(context.identity->user_id));
        add(http::kEmailHeader, context.identity->email);
        add(http::kRoleHeader, context.identity->role);
    }
    add(http::kRequestIdHeader, context.request_id);
    add(http::kTraceparentHeader, context.traceparent);
    if (!context.client_address.empty()) add(http::kForwardedForHeader, context.client_address);
    // A TRACE carries no content (RFC 9110 9.3.8): Beast refuses to write one, so the body and its length
    // stay behind and the upstream answers the bare TRACE (405 on every route).
    if (in.method() == http::Verb::trace) {
        out.erase("Content-Length");
    } else {
        out.body() = in.body();
    }
    out.keep_alive(true);
    out.prepare_payload();
    // Last: the signature covers the request as it leaves, and replaces any a client sent.
    if (context.signature) {
        context.signature->sign(out);
    } else {
        out.erase(http::kSignatureHeader);
    }
    return out;
}

http::Response client_response(http::Response upstream) {
    // Erased in place: the few headers that go are cheaper to remove than the rest to copy.
    for (auto it = upstream.begin(); it != upstream.end();) {
        if (never_returned(it->name(), it->name_string())) {
            it = upstream.erase(it);
        } else {
            ++it;
        }
    }
    upstream.version(11);
    return upstream;
}

}  // namespace agora::gateway
