#include <gtest/gtest.h>

#include "pg/migration.hpp"
#include "pg/sql_text.hpp"

namespace agora::pg {
namespace {

TEST(StatementsOf, DropsCommentsAndCollapsesWhiteSpace) {
    EXPECT_EQ(statements_of("-- the widgets\nCREATE TABLE a (\n    x int  -- its x\n);\n/* done */\n"),
              "CREATE TABLE a(x int);");
    EXPECT_EQ(statements_of("  "), "");
}

TEST(StatementsOf, KeepsQuotedTextExactly) {
    EXPECT_EQ(statements_of("INSERT INTO t VALUES ('a -- not a comment', 'it''s  two')"),
              "INSERT INTO t VALUES('a -- not a comment','it''s  two')");
    EXPECT_EQ(statements_of("SELECT \"odd  -- name\" FROM t"), "SELECT \"odd  -- name\" FROM t");
    EXPECT_EQ(statements_of("CREATE FUNCTION f() RETURNS int AS $body$\n  -- kept\n  SELECT 1\n$body$ LANGUAGE sql"),
              "CREATE FUNCTION f()RETURNS int AS $body$\n  -- kept\n  SELECT 1\n$body$ LANGUAGE sql");
    EXPECT_EQ(statements_of("SELECT $1,  $2"), "SELECT $1,$2");
    EXPECT_EQ(statements_of("SELECT a  b"), "SELECT a b");
}

TEST(RecordedChecksum, IgnoresCommentsButNotStatements) {
    EXPECT_EQ(recorded_checksum("-- one\nCREATE TABLE a (x int)"), recorded_checksum("CREATE TABLE a (x int) -- two"));
    EXPECT_NE(recorded_checksum("CREATE TABLE a (x int)"), recorded_checksum("CREATE TABLE a (x bigint)"));
    EXPECT_TRUE(recorded_checksum("SELECT 1").starts_with("statements:"));
}

}  // namespace
}  // namespace agora::pg
