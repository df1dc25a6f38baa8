#pragma once
// Where a name points now: every address of every running replica behind it (Docker Swarm's
// `endpoint_mode: dnsrr` gives one per task). A port of its own so that tests can name a fixed set of
// servers; DnsResolver asks the system resolver.
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/ip/tcp.hpp>

#include "core/error.hpp"
#include "runtime/asio.hpp"

namespace agora::http {

class Resolver {
public:
    virtual ~Resolver() = default;
    // Every address `host` stands for, each with `port`; never blocks the loop `io`. An empty list is
    // a failure.
    virtual Task<Result<std::vector<boost::asio::ip::tcp::endpoint>>> resolve(asio::io_context& io,
                                                                              std::string host,
                                                                              unsigned short port) = 0;
};

// The system resolver (getaddrinfo on asio's resolver thread): both IPv4 and IPv6 addresses, once each.
class DnsResolver final : public Resolver {
public:
    Task<Result<std::vector<boost::asio::ip::tcp::endpoint>>> resolve(asio::io_context& io, std::string host,
                                                                      unsigned short port) override;
};

}  // namespace agora::http
