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

}  // namespace
}  // namespace agora::product
