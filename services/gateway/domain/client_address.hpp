#pragma once
// The client's address behind proxies the gateway trusts (GATEWAY_TRUSTED_PROXIES, docs/operations.md):
// the per-address rate limits, the logs and the X-Forwarded-For sent upstream all use it. A peer outside
// the trusted networks is the client, whatever it claims; a trusted peer's X-Forwarded-For is read from
// the right, and the first address that is not itself a trusted proxy is the client's.
#include <array>
#include <cstdint>
#include <expected>
#include <string>
#include <string_view>
#include <vector>

#include "http/message.hpp"

namespace agora::gateway {

class TrustedProxies {
public:
    // Trusts nobody: the peer is always the client.
    TrustedProxies() = default;

    // A comma-separated list of networks ("10.0.0.0/8, fd00::/8", a bare address is one host); the
    // error names the entry that is not one.
    static std::expected<TrustedProxies, std::string> parse(std::string_view list);

    bool empty() const { return networks_.empty(); }
    // Whether `address` (IPv4, IPv6 or IPv4-mapped IPv6 text) is inside a trusted network.
    bool trusts(std::string_view address) const;

    // The client of a request from `peer` that carries `forwarded_for`, the values of its X-Forwarded-For
    // headers in order (several headers are one list). An entry that is not an address ends the walk:
    // the peer is the client.
    std::string client_address(std::string_view peer, const std::vector<std::string_view>& forwarded_for) const;
    std::string client_address(const http::Request& req) const;

private:
    // IPv4 is kept as IPv4-mapped IPv6, so that one comparison serves both and a dual-stack listener's
    // ::ffff:a.b.c.d peers match IPv4 networks.
    using Bytes = std::array<std::uint8_t, 16>;
    struct Network {
        Bytes base;
        int prefix = 0;  // in bits of the 16 bytes
    };
    bool contains(const Bytes& address) const;

    std::vector<Network> networks_;
};

}  // namespace agora::gateway
