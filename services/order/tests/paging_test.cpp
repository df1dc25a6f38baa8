#include <gtest/gtest.h>

#include "domain/paging.hpp"

namespace agora::order_service {
namespace {

TEST(Paging, LinksUseThePublicPathWithSortedKeys) {
    auto p = make_paging("http://localhost:8000/orders", {{"status", "PENDING"}, {"page", "2"}, {"limit", "2"}},
                         PageRequest{2, 2}, 5);
    EXPECT_EQ(p.page, 2);
    EXPECT_EQ(p.size, 2);
    EXPECT_EQ(p.total_item, 5);
    EXPECT_EQ(p.total_page, 3);
    EXPECT_EQ(p.links.at("self").as_string(), "http://localhost:8000/orders?limit=2&page=2&status=PENDING");
    EXPECT_EQ(p.links.at("first").as_string(), "http://localhost:8000/orders?limit=2&page=1&status=PENDING");
    EXPECT_EQ(p.links.at("prev").as_string(), "http://localhost:8000/orders?limit=2&page=1&status=PENDING");
    EXPECT_EQ(p.links.at("next").as_string(), "http://localhost:8000/orders?limit=2&page=3&status=PENDING");
    EXPECT_EQ(p.links.at("last").as_string(), "http://localhost:8000/orders?limit=2&page=3&status=PENDING");
}

TEST(Paging, EmptyListHasOnePage) {
    auto p = make_paging("http://localhost:8000/orders", {}, PageRequest{}, 0);
    EXPECT_EQ(p.total_page, 0);
    EXPECT_EQ(p.links.at("next").as_string(), "http://localhost:8000/orders?limit=10&page=1");
    EXPECT_EQ(p.links.at("last").as_string(), "http://localhost:8000/orders?limit=10&page=1");
}

TEST(Paging, ValuesAreEncodedAndDatesKept) {
    auto p = make_paging("http://localhost:8000/orders", {{"start-date", "01-01-2025"}, {"x", "a b&c"}},
                         PageRequest{10, 1}, 1);
    EXPECT_EQ(p.links.at("self").as_string(),
              "http://localhost:8000/orders?limit=10&page=1&start-date=01-01-2025&x=a%20b%26c");
}

}  // namespace
}  // namespace agora::order_service
