#pragma once
// Statement parameters, sent as text: integers, bool, double, strings, and std::optional / std::nullopt
// for NULL.
#include <charconv>
#include <concepts>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "pg/failure.hpp"

namespace agora::pg {

using Params = std::vector<std::optional<std::string>>;

// libpq sends text parameters as C strings: a value holding a NUL byte would reach the server cut short
// ("abc\0def" stored as "abc", two keys differing after the NUL taken as one). PostgreSQL text cannot hold
// U+0000 anyway, so a statement with such a value is refused before anything of it is sent.
std::optional<Failure> refuse_nul(const Params& params);

// The C strings libpq sends for `params` (null for NULL), once refuse_nul() let them through.
void c_strings(const Params& params, std::vector<const char*>& out);

namespace detail {

template <class T>
struct IsOptional : std::false_type {};
template <class T>
struct IsOptional<std::optional<T>> : std::true_type {};

template <class T>
std::optional<std::string> param_text(const T& value) {
    if constexpr (std::is_same_v<T, std::nullopt_t>) {
        return std::nullopt;
    } else if constexpr (IsOptional<T>::value) {
        if (!value) return std::nullopt;
        return param_text(*value);
    } else if constexpr (std::is_same_v<T, bool>) {
        return std::string(value ? "t" : "f");
    } else if constexpr (std::is_integral_v<T>) {
        return std::to_string(value);
    } else if constexpr (std::is_floating_point_v<T>) {
        char buf[64];
        auto end = std::to_chars(buf, buf + sizeof buf, value).ptr;  // shortest text that round-trips
        return std::string(buf, end);
    } else if constexpr (std::is_same_v<std::decay_t<T>, const char*> || std::is_same_v<std::decay_t<T>, char*>) {
        if (value == nullptr) return std::nullopt;
        return std::string(value);
    } else if constexpr (std::is_convertible_v<const T&, std::string_view>) {
        return std::string(std::string_view(value));
    } else {
        static_assert(sizeof(T) == 0, "unsupported parameter type");
    }
}

}  // namespace detail

template <class... Args>
Params make_params(const Args&... args) {
    Params params;
    params.reserve(sizeof...(Args));
    (params.push_back(detail::param_text(args)), ...);
    return params;
}

}  // namespace agora::pg
