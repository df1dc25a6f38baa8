#include <gtest/gtest.h>

#include "domain/paging.hpp"

namespace agora::product {
namespace {

constexpr std::string_view kBase = "http://localhost:8000/products";

std::vector<FieldError> errors_of(const QueryParams& query) {
    auto r = parse_page_request(query);
    EXPECT_FALSE(r);
    return r ? std::vector<FieldError>{} : r.error().fields;
}

TEST(Paging, DefaultsToTenPerPageFromPageOne) {
    auto r = parse_page_request({});
    ASSERT_TRUE(r);
    EXPECT_EQ(r->limit, 10);
    EXPECT_EQ(r->page, 1);
    EXPECT_EQ(r->offset(), 0);
}

TEST(Paging, RefusesNonNumericAndOutOfRangeValues) {
    EXPECT_EQ(errors_of({{"limit", "abc"}}),
              (std::vector<FieldError>{{"limit", "invalid input"}}));
    EXPECT_EQ(errors_of({{"page", "1x"}}),
              (std::vector<FieldError>{{"page", "invalid input"}}));
    EXPECT_EQ(errors_of({{"limit", "0"}}),
              (std::vector<FieldError>{{"limit", "limit must be greater than or equal to 1"}}));
    EXPECT_EQ(errors_of({{"limit", "26"}}),
              (std::vector<FieldError>{{"limit", "limit must be lower than or equal to 25"}}));
    EXPECT_EQ(errors_of({{"page", "0"}}),
              (std::vector<FieldError>{{"page", "page must be greater than or equal to 1"}}));
    EXPECT_EQ(errors_of({{"page", "99999999999999999999"}}),
              (std::vector<FieldError>{{"page", "invalid input"}}));
}

TEST(Paging, LinksUseThePublicBaseWithSortedKeysAndPageReplaced) {
    PageRequest r{.limit = 2, .page = 2};
    auto p = make_paging(r, 5, kBase, {{"page", "2"}, {"name", "a b&c"}, {"limit", "2"}});
    EXPECT_EQ(p.total_page, 3);
    EXPECT_EQ(p.links.at("self").as_string(), "http://localhost:8000/products?limit=2&name=a%20b%26c&page=2");
    EXPECT_EQ(p.links.at("first").as_string(), "http://localhost:8000/products?limit=2&name=a%20b%26c&page=1");
    EXPECT_EQ(p.links.at("prev").as_string(), "http://localhost:8000/products?limit=2&name=a%20b%26c&page=1");
    EXPECT_EQ(p.links.at("next").as_string(), "http://localhost:8000/products?limit=2&name=a%20b%26c&page=3");
    EXPECT_EQ(p.links.at("last").as_string(), "http://localhost:8000/products?limit=2&name=a%20b%26c&page=3");
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
}  // namespace agora::product
