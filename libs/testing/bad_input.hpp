#pragma once
// Bad-input tables for service tests: each row is a request that the contract refuses and the whole body
// it answers with, so one loop checks every route's 4xx replies the same way.
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace agora::testing {

struct BadInputRow {
    std::string method, path, body;
    int status;
    std::string expected;  // the whole body
};

// The start of the contract's validation error body; a row naming several fields completes it.
inline const std::string kValidationErrors = R"({"message":"input validation error","errors":[)";

// The validation error body that names one field.
inline std::string one_error(const std::string& field, const std::string& message) {
    return kValidationErrors + R"({"field":")" + field + R"(","message":")" + message + R"("}]})";
}

// Sends every row with `send` (BadInputRow -> HttpReply) and expects its status and whole body; a failure
// names the row's request.
template <class Send>
void expect_rows(const std::vector<BadInputRow>& rows, Send send) {
    for (const auto& row : rows) {
        auto reply = send(row);
        EXPECT_EQ(reply.status, row.status) << row.method << " " << row.path << " " << row.body;
        EXPECT_EQ(reply.body, row.expected) << row.method << " " << row.path << " " << row.body;
    }
}

}  // namespace agora::testing
