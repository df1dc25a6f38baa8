#include "pg/rows.hpp"

#include <libpq-fe.h>

#include <charconv>
#include <limits>

namespace agora::pg {
namespace detail {

void ResultDeleter::operator()(pg_result* result) const { PQclear(result); }

namespace {

template <class T>
T parse_number(std::string_view text, int col, const char* type) {
    T value{};
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end != text.data() + text.size()) {
        throw ColumnError("column " + std::to_string(col) + " is not " + type + ": '" + std::string(text) + "'");
    }
    return value;
}

}  // namespace

std::int64_t parse_int64(std::string_view text, int col) {
    // PostgreSQL prints an integer as an optional minus and its digits. Up to 18 digits cannot overflow,
    // so they are read without from_chars's check per digit: ids, quantities and every time of a page
    // of products (PG_MICROS) come through here. Anything else takes the checked path.
    bool negative = !text.empty() && text.front() == '-';
    auto digits = text.substr(negative ? 1 : 0);
    if (!digits.empty() && digits.size() <= 18) {
        std::int64_t value = 0;
        bool plain = true;
        for (char c : digits) {
            auto digit = static_cast<unsigned>(c - '0');
            if (digit > 9) {
                plain = false;
                break;
            }
            value = value * 10 + static_cast<std::int64_t>(digit);
        }
        if (plain) return negative ? -value : value;
    }
    return parse_number<std::int64_t>(text, col, "int64");
}
int parse_int(std::string_view text, int col) { return parse_number<int>(text, col, "int"); }
double parse_double(std::string_view text, int col) {
    if (text == "NaN") return std::numeric_limits<double>::quiet_NaN();
    if (text == "Infinity") return std::numeric_limits<double>::infinity();
    if (text == "-Infinity") return -std::numeric_limits<double>::infinity();
    return parse_number<double>(text, col, "double");
}
bool parse_bool(std::string_view text, int col) {
    if (text == "t") return true;
    if (text == "f") return false;
    throw ColumnError("column " + std::to_string(col) + " is not bool: '" + std::string(text) + "'");
}

}  // namespace detail

bool Row::is_null(int col) const {
    if (col < 0 || col >= PQnfields(result_)) throw ColumnError("no column " + std::to_string(col));
    return PQgetisnull(result_, row_, col) != 0;
}

int Row::index_of(std::string_view column) const {
    // Quoted so that PQfnumber matches the name exactly instead of folding it to lower case.
    std::string quoted = "\"" + std::string(column) + "\"";
    int col = PQfnumber(result_, quoted.c_str());
    if (col < 0) throw ColumnError("no column named '" + std::string(column) + "'");
    return col;
}

std::string_view Row::value(int col) const {
    if (is_null(col)) throw ColumnError("column " + std::to_string(col) + " is NULL");
    return {PQgetvalue(result_, row_, col), static_cast<std::size_t>(PQgetlength(result_, row_, col))};
}

Rows::Rows(detail::ResultPtr result)
    : result_(result.release(), detail::ResultDeleter{}), rows_(result_ ? PQntuples(result_.get()) : 0) {}

int Rows::columns() const { return result_ ? PQnfields(result_.get()) : 0; }

std::int64_t Rows::affected() const {
    if (!result_) return 0;
    std::string_view text = PQcmdTuples(result_.get());
    if (text.empty()) return 0;
    return detail::parse_int64(text, -1);
}

}  // namespace agora::pg
