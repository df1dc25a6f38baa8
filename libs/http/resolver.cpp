#include "http/resolver.hpp"

#include <algorithm>

#include <boost/asio/as_tuple.hpp>

namespace agora::http {

using tcp = boost::asio::ip::tcp;

Task<Result<std::vector<tcp::endpoint>>> DnsResolver::resolve(asio::io_context& io, std::string host,
                                                              unsigned short port) {
    tcp::resolver resolver(io);
    auto [ec, results] = co_await resolver.async_resolve(host, std::to_string(port), tcp::resolver::numeric_service,
                                                         asio::as_tuple(asio::use_awaitable));
    if (ec) co_return fail(ErrorKind::kUnavailable, "cannot resolve " + host + ": " + ec.message());
    std::vector<tcp::endpoint> endpoints;
    for (const auto& entry : results) {
        // getaddrinfo lists an address once per socket type it could serve; one is enough.
        if (std::ranges::find(endpoints, entry.endpoint()) == endpoints.end()) endpoints.push_back(entry.endpoint());
    }
    if (endpoints.empty()) co_return fail(ErrorKind::kUnavailable, "cannot resolve " + host + ": no address");
    co_return endpoints;
}

}  // namespace agora::http
