#include "http/paging.hpp"

#include <gtest/gtest.h>

namespace agora::http {
namespace {

constexpr std::string_view kBase = "http://localhost:8000/products";

std::vector<FieldError> errors_of(const QueryParams& query) {
    Validator v;
    read_page(query, v);
    auto r = v.result();
    EXPECT_FALSE(r);
    return r ? std::vector<FieldError>{} : r.error().fields;
}

TEST(Paging, DefaultsToTenPerPageFromPageOne) {
    Validator v;
    auto r = read_page({}, v);
    ASSERT_TRUE(v.ok());
    EXPECT_EQ(r.limit, 10);
    EXPECT_EQ(r.page, 1);
    EXPECT_EQ(r.offset(), 0);
}

TEST(Paging, RefusesNonNumericAndOutOfRangeValues) {
    EXPECT_EQ(errors_of({{"limit", "abc"}}), (std::vector<FieldError>{{"limit", "invalid input"}}));
    EXPECT_EQ(errors_of({{"limit", "1e3"}}), (std::vector<FieldError>{{"limit", "invalid input"}}));
    EXPECT_EQ(errors_of({{"limit", ""}}), (std::vector<FieldError>{{"limit", "invalid input"}}));
    EXPECT_EQ(errors_of({{"page", "1x"}}), (std::vector<FieldError>{{"page", "invalid input"}}));
    EXPECT_EQ(errors_of({{"limit", "0"}}),
              (std::vector<FieldError>{{"limit", "limit must be greater than or equal to 1"}}));
    EXPECT_EQ(errors_of({{"limit", "26"}}),
              (std::vector<FieldError>{{"limit", "limit must be lower than or equal to 25"}}));
    EXPECT_EQ(errors_of({{"page", "0"}}),
              (std::vector<FieldError>{{"page", "page must be greater than or equal to 1"}}));
    EXPECT_EQ(errors_of({{"page", "99999999999999999999"}}), (std::vector<FieldError>{{"page", "invalid input"}}));
    EXPECT_EQ(errors_of({{"page", "y"}, {"limit", "x"}}),
              (std::vector<FieldError>{{"limit", "invalid input"}, {"page", "invalid input"}}));
}

TEST(Paging, TheLargestPageHasAnOffsetThatDoesNotOverflow) {
    PageRequest r{.limit = 25, .page = std::numeric_limits<std::int64_t>::max()};
    EXPECT_EQ(r.offset(), std::numeric_limits<std::int64_t>::max());
}

TEST(Paging, LinksUseThePublicBaseWithSortedKeysAndPageReplaced) {
    PageRequest r{.limit = 2, .page = 2};
    auto p = make_paging(r, 5, kBase, {{"page", "2"}, {"name", "a b&c"}, {"limit", "2"}});
    EXPECT_EQ(p.page, 2);
    EXPECT_EQ(p.size, 2);
    EXPECT_EQ(p.total_item, 5);
    EXPECT_EQ(p.total_page, 3);
    EXPECT_EQ(p.links.at("self").as_string(), "http://localhost:8000/products?limit=2&name=a%20b%26c&page=2");
    EXPECT_EQ(p.links.at("first").as_string(), "http://localhost:8000/products?limit=2&name=a%20b%26c&page=1");
    EXPECT_EQ(p.links.at("prev").as_string(), "http://localhost:8000/products?limit=2&name=a%20b%26c&page=1");
    EXPECT_EQ(p.links.at("next").as_string(), "http://localhost:8000/products?limit=2&name=a%20b%26c&page=3");
    EXPECT_EQ(p.links.at("last").as_string(), "http://localhost:8000/products?limit=2&name=a%20b%26c&page=3");
}

TEST(Paging, TheFirstValueOfARepeatedKeyIsKept) {
    auto p = make_paging(PageRequest{}, 1, "http://localhost:8000/orders",
                         {{"status", "PENDING"}, {"start-date", "01-01-2025"}, {"status", "SUCCESS"}});
    EXPECT_EQ(p.links.at("self").as_string(),
              "http://localhost:8000/orders?page=1&start-date=01-01-2025&status=PENDING");
}

TEST(Paging, AnEmptyListStillLinksToPageOne) {
    auto p = make_paging(PageRequest{}, 0, kBase, {});
    EXPECT_EQ(p.total_page, 0);
    EXPECT_EQ(p.links.at("next").as_string(), "http://localhost:8000/products?page=1");
    EXPECT_EQ(p.links.at("last").as_string(), "http://localhost:8000/products?page=1");
}

TEST(Paging, NextStopsAtTheLastPage) {
    auto p = make_paging(PageRequest{.limit = 10, .page = 3}, 25, kBase, {});
    EXPECT_EQ(p.links.at("next").as_string(), "http://localhost:8000/products?page=3");
    EXPECT_EQ(p.links.at("prev").as_string(), "http://localhost:8000/products?page=2");
}

}  // namespace
}  // namespace agora::http
