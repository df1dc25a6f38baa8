#include <gtest/gtest.h>
#include <libpq-fe.h>

#include <limits>
#include <utility>
#include <vector>

#include "pg/failure.hpp"
#include "pg/migration.hpp"
#include "pg/params.hpp"
#include "pg/rows.hpp"

namespace agora::pg {
namespace {

TEST(ParamsTest, ValuesBecomeTextAndNullsStayNull) {
    std::optional<int> none;
    std::optional<std::string> some = "x";
    std::string text = "hello";
    std::string_view view = "view";
    auto params = make_params(42, std::int64_t{-9000000000}, true, false, text, view, "literal", none, some,
                              std::nullopt, 1.5, static_cast<const char*>(nullptr));
    ASSERT_EQ(params.size(), 12u);
    EXPECT_EQ(params[0], "42");
    EXPECT_EQ(params[1], "-9000000000");
    EXPECT_EQ(params[2], "t");
    EXPECT_EQ(params[3], "f");
    EXPECT_EQ(params[4], "hello");
    EXPECT_EQ(params[5], "view");
    EXPECT_EQ(params[6], "literal");
    EXPECT_EQ(params[7], std::nullopt);
    EXPECT_EQ(params[8], "x");
    EXPECT_EQ(params[9], std::nullopt);
    EXPECT_EQ(params[10], "1.5");
    EXPECT_EQ(params[11], std::nullopt);
}

TEST(FailureTest, ConnectionProblemsAreUnavailableAndDetailsStayInternal) {
    auto lost = to_error(Failure::lost("connection to 10.0.0.5 refused"));
    EXPECT_EQ(lost.kind, ErrorKind::kUnavailable);
    EXPECT_EQ(lost.message.find("10.0.0.5"), std::string::npos);
    auto dup = Failure{"23505", "duplicate key value violates unique constraint", false};
    EXPECT_TRUE(dup.is_unique_violation());
    auto error = to_error(dup);
    EXPECT_EQ(error.kind, ErrorKind::kInternal);
    EXPECT_NE(error.message.find("23505"), std::string::npos);
    EXPECT_EQ(public_message(error).find("23505"), std::string::npos);
}

TEST(FailureTest, AServerThatCannotServeNowIsUnavailableNotInternal) {
    // What a client meets while the primary fails over: refused until a replica takes over.
    for (const char* sqlstate : {"08006", "08001", "57P01", "57P02", "57P03", "53300", "25006"}) {
        auto error = to_error(Failure{sqlstate, "the server cannot serve now", false});
        EXPECT_EQ(error.kind, ErrorKind::kUnavailable) << sqlstate;
        EXPECT_GT(error.retry_after.count(), 0) << sqlstate;
        EXPECT_EQ(public_message(error).find("cannot serve"), std::string::npos) << sqlstate;
    }
    // A statement the server refused stays the defect it is.
    for (const char* sqlstate : {"42P01", "22P02", "25P02", "57014"}) {
        EXPECT_EQ(to_error(Failure{sqlstate, "refused", false}).kind, ErrorKind::kInternal) << sqlstate;
    }
}

TEST(MigrationTest, ChecksumIsSha256Hex) {
    EXPECT_EQ(checksum(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    EXPECT_NE(checksum("CREATE TABLE a (x int)"), checksum("CREATE TABLE a (x bigint)"));
}

// A result built in memory, as the server would send it: (n, flag, name, ratio, maybe).
Rows sample_rows() {
    PGresult* result = PQmakeEmptyPGresult(nullptr, PGRES_TUPLES_OK);
    PGresAttDesc columns[5] = {};
    const char* names[5] = {"n", "flag", "name", "ratio", "Maybe"};
    for (int i = 0; i < 5; ++i) {
        columns[i].name = const_cast<char*>(names[i]);
        columns[i].format = 0;
    }
    PQsetResultAttrs(result, 5, columns);
    auto set = [&](int row, int col, const char* value) {
        PQsetvalue(result, row, col, const_cast<char*>(value), value ? static_cast<int>(strlen(value)) : -1);
    };
    set(0, 0, "9000000000");
    set(0, 1, "t");
    set(0, 2, "widget");
    set(0, 3, "0.25");
    set(0, 4, nullptr);
    set(1, 0, "7");
    set(1, 1, "f");
    set(1, 2, "");
    set(1, 3, "-Infinity");
    set(1, 4, "12");
    return Rows(detail::ResultPtr(result));
}

TEST(RowsTest, TypedGettersByIndexAndName) {
    auto rows = sample_rows();
    ASSERT_EQ(rows.size(), 2u);
    EXPECT_EQ(rows[0].get<std::int64_t>(0), 9000000000);
    EXPECT_TRUE(rows[0].get<bool>("flag"));
    EXPECT_EQ(rows[0].get<std::string>("name"), "widget");
    EXPECT_DOUBLE_EQ(rows[0].get<double>("ratio"), 0.25);
    EXPECT_EQ(rows[0].get<std::optional<int>>("Maybe"), std::nullopt);
    EXPECT_EQ(rows[1].get<int>(0), 7);
    EXPECT_FALSE(rows[1].get<bool>(1));
    EXPECT_EQ(rows[1].get<std::string>(2), "");
    EXPECT_TRUE(std::isinf(rows[1].get<double>(3)));
    EXPECT_EQ(rows[1].get<std::optional<int>>(4), 12);
    int seen = 0;
    for (auto row : rows) seen += row.get<std::int64_t>("n") > 0;
    EXPECT_EQ(seen, 2);
}

TEST(RowsTest, Int64TextIsReadExactlyOrRefused) {
    for (auto [text, value] : std::vector<std::pair<std::string_view, std::int64_t>>{
             {"0", 0},
             {"-1", -1},
             {"1765152000123456", 1765152000123456},
             {"999999999999999999", 999999999999999999},
             {"-999999999999999999", -999999999999999999},
             {"9223372036854775807", std::numeric_limits<std::int64_t>::max()},
             {"-9223372036854775808", std::numeric_limits<std::int64_t>::min()},
             {"0000000000000000000042", 42}}) {
        EXPECT_EQ(detail::parse_int64(text, 0), value) << text;
    }
    for (std::string_view bad : {"", "-", "+1", "1a", "12 ", " 12", "--1", "1.5", "9223372036854775808",
                                 "-9223372036854775809", "99999999999999999999"}) {
        EXPECT_THROW(detail::parse_int64(bad, 0), ColumnError) << bad;
    }
}

TEST(RowsTest, MisreadsAreBugsAndThrow) {
    auto rows = sample_rows();
    EXPECT_THROW(rows[0].get<int>(0), ColumnError);            // out of int range
    EXPECT_THROW(rows[0].get<int>("Maybe"), ColumnError);      // NULL into a non-optional
    EXPECT_THROW(rows[0].get<bool>("name"), ColumnError);      // not a bool
    EXPECT_THROW(rows[0].get<std::string>("nope"), ColumnError);
    EXPECT_THROW(rows[0].get<std::string>(9), ColumnError);
}

}  // namespace
}  // namespace agora::pg
