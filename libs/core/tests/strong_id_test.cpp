#include <gtest/gtest.h>

#include <sstream>
#include <type_traits>
#include <unordered_set>

#include "core/strong_id.hpp"

namespace agora {
namespace {

TEST(StrongId, HoldsItsValueAndCompares) {
    OrderId a{7}, b{9};
    EXPECT_EQ(a.value(), 7);
    EXPECT_EQ(OrderId{}.value(), 0);
    EXPECT_LT(a, b);
    EXPECT_EQ(a, OrderId{7});
    EXPECT_NE(a, b);
}

TEST(StrongId, KindsDoNotMix) {
    static_assert(!std::is_convertible_v<std::int64_t, OrderId>, "construction is explicit");
    static_assert(!std::is_convertible_v<ProductId, OrderId>);
    static_assert(!std::is_convertible_v<UserId, std::int64_t>);
    static_assert(std::is_constructible_v<ProductId, std::int64_t>);
}

TEST(StrongId, HashesAndFormats) {
    std::unordered_set<ProductId> ids{ProductId{1}, ProductId{2}, ProductId{1}};
    EXPECT_EQ(ids.size(), 2u);
    EXPECT_EQ(to_string(UserId{42}), "42");
    std::ostringstream out;
    out << OrderId{-3};
    EXPECT_EQ(out.str(), "-3");
}

}  // namespace
}  // namespace agora
