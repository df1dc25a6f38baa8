#include "http/validation.hpp"

#include <algorithm>

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

Validator& Validator::check(std::string_view field, bool ok, std::string message) {
    if (!failed(field) && !ok) add(field, std::move(message));
    return *this;
}

Result<void> Validator::result() const {
    if (errors_.empty()) return {};
    return std::unexpected(Error::validation(errors_));
}

}  // namespace agora::http
