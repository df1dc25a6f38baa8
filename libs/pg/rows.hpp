#pragma once
// The rows a statement returned, read with typed getters. A Row is a view into its Rows and must not
// outlive it. Reading a column with the wrong type, or NULL into a non-optional, is a bug in the code
// (the query and the reader disagree), so it throws ColumnError rather than returning a value.
//
// A TIMESTAMPTZ is selected as PG_MICROS(column), whole microseconds since the Unix epoch, and read as a
// clock::TimePoint: PostgreSQL's to_char() cost seven times as much server CPU as this arithmetic, and the
// formatting is cheaper in the service (docs/benchmarks.md). Exact to the microsecond until 2106.
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "core/clock.hpp"
#include "pg/params.hpp"

#define PG_MICROS(column) "(date_part('epoch', " column ") * 1000000)::int8"

extern "C" {
struct pg_result;
}

namespace agora::pg {

class ColumnError : public std::logic_error {
public:
    using std::logic_error::logic_error;
};

namespace detail {
struct ResultDeleter {
    void operator()(pg_result* result) const;
};
using ResultPtr = std::unique_ptr<pg_result, ResultDeleter>;

std::int64_t parse_int64(std::string_view text, int col);
int parse_int(std::string_view text, int col);
bool parse_bool(std::string_view text, int col);
double parse_double(std::string_view text, int col);
}  // namespace detail

class Row {
public:
    Row(const pg_result* result, int row) : result_(result), row_(row) {}

    template <class T>
    T get(int col) const {
        if constexpr (detail::IsOptional<T>::value) {
            if (is_null(col)) return std::nullopt;
            return get<typename T::value_type>(col);
        } else {
            auto text = value(col);
            if constexpr (std::is_same_v<T, std::string>) {
                return std::string(text);
            } else if constexpr (std::is_same_v<T, bool>) {
                return detail::parse_bool(text, col);
            } else if constexpr (std::is_same_v<T, std::int64_t>) {
                return detail::parse_int64(text, col);
            } else if constexpr (std::is_same_v<T, int>) {
                return detail::parse_int(text, col);
            } else if constexpr (std::is_same_v<T, double>) {
                return detail::parse_double(text, col);
            } else if constexpr (std::is_same_v<T, clock::TimePoint>) {
                return clock::TimePoint{std::chrono::microseconds{detail::parse_int64(text, col)}};
            } else {
                static_assert(sizeof(T) == 0, "unsupported column type");
            }
        }
    }
    template <class T>
    T get(std::string_view column) const {
        return get<T>(index_of(column));
    }

    // A PG_MICROS column as RFC 3339 text (clock::format_rfc3339).
    std::string rfc3339(int col) const { return clock::format_rfc3339(get<clock::TimePoint>(col)); }

    bool is_null(int col) const;
    bool is_null(std::string_view column) const { return is_null(index_of(column)); }
    int index_of(std::string_view column) const;

private:
    // The text of a non-NULL column; throws ColumnError for NULL or a column out of range.
    std::string_view value(int col) const;

    const pg_result* result_;
    int row_;
};

class Rows {
public:
    Rows() = default;
    explicit Rows(detail::ResultPtr result);

    std::size_t size() const { return static_cast<std::size_t>(rows_); }
    bool empty() const { return rows_ == 0; }
    Row operator[](std::size_t i) const { return Row(result_.get(), static_cast<int>(i)); }
    Row front() const { return (*this)[0]; }
    int columns() const;
    // Rows touched by INSERT/UPDATE/DELETE (0 for other statements).
    std::int64_t affected() const;

    class Iterator {
    public:
        Iterator(const Rows* rows, std::size_t i) : rows_(rows), i_(i) {}
        Row operator*() const { return (*rows_)[i_]; }
        Iterator& operator++() {
            ++i_;
            return *this;
        }
        bool operator==(const Iterator& other) const { return i_ == other.i_; }

    private:
        const Rows* rows_;
        std::size_t i_;
    };
    Iterator begin() const { return Iterator(this, 0); }
    Iterator end() const { return Iterator(this, size()); }

private:
    std::shared_ptr<pg_result> result_;
    int rows_ = 0;
};

}  // namespace agora::pg
