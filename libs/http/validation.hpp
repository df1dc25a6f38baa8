#pragma once
// Field validation with the exact messages of docs/contract.md. Rules are checked in the order given and
// each field reports only its first failure, like the original platform's validator.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"

namespace agora::http {

class Validator {
public:
    Validator& required(std::string_view field, bool present);
    // Lengths count Unicode code points, as the original did.
    Validator& min_length(std::string_view field, std::string_view value, std::size_t min);
    Validator& max_length(std::string_view field, std::string_view value, std::size_t max);
    Validator& email(std::string_view field, std::string_view value);
    Validator& at_least(std::string_view field, std::int64_t value, std::int64_t min);  // "greater than or equal to"
    Validator& at_most(std::string_view field, std::int64_t value, std::int64_t max);   // "lower than or equal to"
    Validator& one_of(std::string_view field, std::string_view value, const std::vector<std::string_view>& allowed);
    // Client text that is kept or searched for: "invalid input" unless is_text().
    Validator& text(std::string_view field, std::string_view value);
    // Any other rule: a failed check gives `message` (or "invalid input").
    Validator& check(std::string_view field, bool ok, std::string message = "invalid input");

    bool ok() const { return errors_.empty(); }
    // 400 "input validation error" with every failing field, or success.
    Result<void> result() const;

private:
    bool failed(std::string_view field) const;
    void add(std::string_view field, std::string message);
    std::vector<FieldError> errors_;
};

std::size_t code_points(std::string_view utf8);
bool is_email(std::string_view value);
// Whether a client's string is text Agora can keep: well-formed UTF-8 without U+0000, which a PostgreSQL
// `text` value cannot hold (and which a C string would cut short).
bool is_text(std::string_view value);

}  // namespace agora::http
