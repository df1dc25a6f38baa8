#include <gtest/gtest.h>

#include "domain/search.hpp"

namespace agora::product {
namespace {

TEST(Search, WrapsTheTermForASubstringMatch) { EXPECT_EQ(contains_pattern("key"), "%key%"); }

TEST(Search, TakesWildcardsAndTheEscapeLiterally) {
    EXPECT_EQ(contains_pattern("50%"), "%50\\%%");
    EXPECT_EQ(contains_pattern("a_b"), "%a\\_b%");
    EXPECT_EQ(contains_pattern("c:\\x"), "%c:\\\\x%");
}

TEST(Search, LeavesQuotesAsTheyAre) {
    // Quotes are data: the term is a bound parameter, never spliced into SQL.
    EXPECT_EQ(contains_pattern("it's \"x\""), "%it's \"x\"%");
}

TEST(Search, OnlyWellFormedUtf8WithoutNulIsSearchable) {
    EXPECT_TRUE(is_searchable(""));
    EXPECT_TRUE(is_searchable("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80"));
    EXPECT_FALSE(is_searchable(std::string_view("a\0b", 3)));
    EXPECT_FALSE(is_searchable("\xFF"));
    EXPECT_FALSE(is_searchable("\xC3"));          // truncated
    EXPECT_FALSE(is_searchable("\xC0\xAF"));      // overlong
    EXPECT_FALSE(is_searchable("\xED\xA0\x80"));  // surrogate
}

}  // namespace
}  // namespace agora::product
