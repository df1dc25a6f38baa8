#include <gtest/gtest.h>

#include "domain/client_address.hpp"

namespace agora::gateway {
namespace {

TrustedProxies trusting(std::string_view list) {
    auto parsed = TrustedProxies::parse(list);
    EXPECT_TRUE(parsed) << list << ": " << parsed.error();
    return parsed ? *parsed : TrustedProxies{};
}

TEST(TrustedProxies, NetworksOfBothFamiliesAndSingleHostsAreParsed) {
    auto proxies = trusting(" 10.0.0.0/8 ,192.168.1.7, fd00::/8,2001:db8::5 ");
    EXPECT_TRUE(proxies.trusts("10.255.0.1"));
    EXPECT_FALSE(proxies.trusts("11.0.0.1"));
    EXPECT_TRUE(proxies.trusts("192.168.1.7"));
    EXPECT_FALSE(proxies.trusts("192.168.1.8"));
    EXPECT_TRUE(proxies.trusts("fd12:3456::1"));
    EXPECT_FALSE(proxies.trusts("fe80::1"));
    EXPECT_TRUE(proxies.trusts("2001:DB8::5"));
    EXPECT_FALSE(proxies.trusts("2001:db8::6"));
    // A dual-stack listener sees IPv4 peers as IPv4-mapped IPv6.
    EXPECT_TRUE(proxies.trusts("::ffff:10.1.2.3"));
    EXPECT_FALSE(proxies.trusts("not an address"));
}

TEST(TrustedProxies, PrefixesNotOnAByteBoundaryAndTheWholeSpace) {
    auto proxies = trusting("172.16.0.0/12");
    EXPECT_TRUE(proxies.trusts("172.31.255.255"));
    EXPECT_FALSE(proxies.trusts("172.32.0.0"));
    EXPECT_FALSE(proxies.trusts("172.15.255.255"));
    auto everyone_v4 = trusting("0.0.0.0/0");
    EXPECT_TRUE(everyone_v4.trusts("203.0.113.9"));
    EXPECT_FALSE(everyone_v4.trusts("2001:db8::1"));
}

TEST(TrustedProxies, AnEmptyListTrustsNobody) {
    EXPECT_TRUE(trusting("").empty());
    EXPECT_TRUE(trusting(" , ").empty());
    TrustedProxies nobody;
    EXPECT_EQ(nobody.client_address("10.0.0.2", {"203.0.113.7"}), "10.0.0.2");
}

TEST(TrustedProxies, EveryBadEntryIsNamed) {
    struct Case {
        std::string list;
        std::string error;
    };
    for (const auto& c : {Case{"10.0.0.0/8, proxy.local", "'proxy.local' is not an IPv4 or IPv6 address or network"},
                          Case{"10.0.0.0/33", "'10.0.0.0/33' needs a prefix length from 0 to 32"},
                          Case{"fd00::/129", "'fd00::/129' needs a prefix length from 0 to 128"},
                          Case{"10.0.0.0/", "'10.0.0.0/' needs a prefix length from 0 to 32"},
                          Case{"10.0.0.0/8x", "'10.0.0.0/8x' needs a prefix length from 0 to 32"},
                          Case{"10.0.0.0/-1", "'10.0.0.0/-1' needs a prefix length from 0 to 32"},
                          Case{"10.0.0.1/8", "'10.0.0.1/8' has bits set past its prefix length"},
                          Case{"fd00::1/8", "'fd00::1/8' has bits set past its prefix length"},
                          Case{"/8", "'/8' is not an IPv4 or IPv6 address or network"}}) {
        auto parsed = TrustedProxies::parse(c.list);
        ASSERT_FALSE(parsed) << c.list;
        EXPECT_EQ(parsed.error(), c.error);
    }
}

TEST(ClientAddress, AnUntrustedPeerIsTheClientWhateverItForwards) {
    auto proxies = trusting("10.0.0.0/8");
    EXPECT_EQ(proxies.client_address("203.0.113.7", {"198.51.100.1"}), "203.0.113.7");
    EXPECT_EQ(proxies.client_address("", {"198.51.100.1"}), "");
}

TEST(ClientAddress, ATrustedPeerNamesTheRightMostUntrustedEntry) {
    auto proxies = trusting("10.0.0.0/8");
    EXPECT_EQ(proxies.client_address("10.0.0.2", {"198.51.100.1"}), "198.51.100.1");
    // The client may write its own entries on the left: only the hop the proxy appended counts.
    EXPECT_EQ(proxies.client_address("10.0.0.2", {"1.2.3.4, 198.51.100.1"}), "198.51.100.1");
    // Trusted proxies on the right are skipped.
    EXPECT_EQ(proxies.client_address("10.0.0.2", {"1.2.3.4, 198.51.100.1, 10.9.9.9 ,10.0.0.3"}), "198.51.100.1");
    // Several headers are one list, in order.
    EXPECT_EQ(proxies.client_address("10.0.0.2", {"1.2.3.4", "198.51.100.1, 10.9.9.9"}), "198.51.100.1");
    EXPECT_EQ(proxies.client_address("10.0.0.2", {"198.51.100.1", "10.9.9.9"}), "198.51.100.1");
}

TEST(ClientAddress, AddressesAreWrittenOneWaySoEachHasOneBucket) {
    auto proxies = trusting("10.0.0.0/8");
    EXPECT_EQ(proxies.client_address("10.0.0.2", {"2001:DB8:0::1"}), "2001:db8::1");
    EXPECT_EQ(proxies.client_address("10.0.0.2", {"::ffff:198.51.100.1"}), "198.51.100.1");
    EXPECT_EQ(proxies.client_address("::ffff:10.0.0.2", {"198.51.100.1"}), "198.51.100.1");
}

TEST(ClientAddress, WhenEveryEntryIsTrustedTheLeftMostIsTheClient) {
    auto proxies = trusting("10.0.0.0/8");
    EXPECT_EQ(proxies.client_address("10.0.0.2", {"10.1.1.1, 10.2.2.2"}), "10.1.1.1");
}

TEST(ClientAddress, AMalformedEntryOrNoneLeavesThePeer) {
    auto proxies = trusting("10.0.0.0/8");
    EXPECT_EQ(proxies.client_address("10.0.0.2", {}), "10.0.0.2");
    EXPECT_EQ(proxies.client_address("10.0.0.2", {"198.51.100.1, unknown"}), "10.0.0.2");
    EXPECT_EQ(proxies.client_address("10.0.0.2", {"198.51.100.1:4711"}), "10.0.0.2");
    EXPECT_EQ(proxies.client_address("10.0.0.2", {"198.51.100.1,,10.0.0.3"}), "10.0.0.2");
    EXPECT_EQ(proxies.client_address("10.0.0.2", {""}), "10.0.0.2");
    EXPECT_EQ(proxies.client_address("10.0.0.2", {std::string(100, '1')}), "10.0.0.2");
    // The walk stops at the first bad entry from the right; what lies left of it is never read.
    EXPECT_EQ(proxies.client_address("10.0.0.2", {"garbage, 198.51.100.1"}), "198.51.100.1");
}

TEST(ClientAddress, TheRequestsHeadersAreReadTogether) {
    auto proxies = trusting("127.0.0.0/8");
    http::RawRequest raw{http::Verb::get, "/products", 11};
    raw.insert("X-Forwarded-For", "198.51.100.1");
    raw.insert("X-Forwarded-For", "127.0.0.5");
    http::Request req(std::move(raw));
    req.set_remote_address("127.0.0.1");
    EXPECT_EQ(proxies.client_address(req), "198.51.100.1");
    req.set_remote_address("203.0.113.7");
    EXPECT_EQ(proxies.client_address(req), "203.0.113.7");
}

}  // namespace
}  // namespace agora::gateway
