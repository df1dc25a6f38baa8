#include "http/validation.hpp"

#include <algorithm>
#include <cstdint>

namespace agora::http {

std::size_t code_points(std::string_view utf8) {
    return static_cast<std::size_t>(
        std::count_if(utf8.begin(), utf8.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

bool is_email(std::string_view v) {
    if (v.size() > 254) return false;
    auto at = v.find('@');
    if (at == std::string_view::npos || at == 0 || at > 64 || v.find('@', at + 1) != std::string_view::npos) {
        return false;
    }
    std::string_view local = v.substr(0, at), domain = v.substr(at + 1);
    for (char c : local) {
        bool ok = std::isalnum(static_cast<unsigned char>(c)) || std::string_view("!#$%&'*+/=?^_`{|}~.-").find(c) != std::string_view::npos;
        if (!ok) return false;
    }
    if (local.front() == '.' || local.back() == '.' || local.find("..") != std::string_view::npos) return false;
    if (domain.empty() || domain.find('.') == std::string_view::npos) return false;
    size_t start = 0;
    while (start <= domain.size()) {
        size_t end = domain.find('.', start);
        if (end == std::string_view::npos) end = domain.size();
        std::string_view label = domain.substr(start, end - start);
        if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') return false;
        for (char c : label) {
            if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-') return false;
        }
        start = end + 1;
    }
    return true;
}

bool is_text(std::string_view value) {
    size_t i = 0;
    while (i < value.size()) {
        auto c = static_cast<unsigned char>(value[i]);
        if (c == 0) return false;
        if (c < 0x80) {
            ++i;
            continue;
        }
        size_t length = 0;
        std::uint32_t code = 0;
        if ((c & 0xE0) == 0xC0) {
            length = 2;
            code = c & 0x1F;
        } else if ((c & 0xF0) == 0xE0) {
            length = 3;
            code = c & 0x0F;
        } else if ((c & 0xF8) == 0xF0) {
            length = 4;
            code = c & 0x07;
        } else {
            return false;
        }
        if (i + length > value.size()) return false;
        for (size_t k = 1; k < length; ++k) {
            auto next = static_cast<unsigned char>(value[i + k]);
            if ((next & 0xC0) != 0x80) return false;
            code = (code << 6) | (next & 0x3F);
        }
        // Overlong forms, surrogates and code points past Unicode are not UTF-8.
        static constexpr std::uint32_t kMinimum[] = {0, 0, 0x80, 0x800, 0x10000};
        if (code < kMinimum[length] || (code >= 0xD800 && code <= 0xDFFF) || code > 0x10FFFF) return false;
        i += length;
    }
    return true;
}

bool Validator::failed(std::string_view field) const {
    return std::any_of(errors_.begin(), errors_.end(), [&](const FieldError& e) { return e.field == field; });
}

void Validator::add(std::string_view field, std::string message) {
    if (!failed(field)) errors_.push_back({std::string(field), std::move(message)});
}

Validator& Validator::required(std::string_view field, bool present) {
    if (!present) add(field, std::string(field) + " is required");
    return *this;
}

Validator& Validator::min_length(std::string_view field, std::string_view value, std::size_t min) {
    if (!failed(field) && code_points(value) < min) {
        add(field, std::string(field) + " length or value must be at least " + std::to_string(min));
    }
    return *this;
}

Validator& Validator::max_length(std::string_view field, std::string_view value, std::size_t max) {
    if (!failed(field) && code_points(value) > max) {
        add(field, std::string(field) + " length or value " + std::to_string(max) + " must be at most");
    }
    return *this;
}

Validator& Validator::email(std::string_view field, std::string_view value) {
    if (!failed(field) && !is_email(value)) add(field, std::string(field) + " has invalid email format");
    return *this;
}

Validator& Validator::at_least(std::string_view field, std::int64_t value, std::int64_t min) {
    if (!failed(field) && value < min) {
        add(field, std::string(field) + " must be greater than or equal to " + std::to_string(min));
    }
    return *this;
}

Validator& Validator::at_most(std::string_view field, std::int64_t value, std::int64_t max) {
    if (!failed(field) && value > max) {
        add(field, std::string(field) + " must be lower than or equal to " + std::to_string(max));
    }
    return *this;
}

Validator& Validator::one_of(std::string_view field, std::string_view value,
                             const std::vector<std::string_view>& allowed) {
    if (!failed(field) && std::find(allowed.begin(), allowed.end(), value) == allowed.end()) {
        add(field, "invalid input");
    }
    return *this;
}

Validator& Validator::text(std::string_view field, std::string_view value) {
    if (!failed(field) && !is_text(value)) add(field, "invalid input");
    return *this;
}

Validator& Validator::check(std::string_view field, bool ok, std::string message) {
    if (!failed(field) && !ok) add(field, std::move(message));
    return *this;
}

Result<void> Validator::result() const {
    if (errors_.empty()) return {};
    return std::unexpected(Error::validation(errors_));
}

}  // namespace agora::http
