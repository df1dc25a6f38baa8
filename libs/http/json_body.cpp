#include "http/json_body.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <cmath>

#include "http/validation.hpp"

namespace agora::http {
namespace {

std::string lower(std::string_view s) {
    std::string out(s);
    for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

// JSON is taken when declared, when no type is declared, and for form-encoded bodies: `curl -d` labels
// JSON that way and the original platform accepted it (docs/adr/0003-json-content-types.md).
bool acceptable_content_type(std::string_view header) {
    if (header.empty()) return true;
    std::string type = lower(header.substr(0, header.find(';')));
    while (!type.empty() && type.back() == ' ') type.pop_back();
    return type == "application/json" || type == "application/x-www-form-urlencoded" ||
           (type.starts_with("application/") && type.ends_with("+json"));
}

bool is_numeric_text(std::string_view s) {
    if (s.empty()) return false;
    size_t i = (s[0] == '-' || s[0] == '+') ? 1 : 0;
    bool digits = false, dot = false;
    for (; i < s.size(); ++i) {
        if (s[i] >= '0' && s[i] <= '9') {
            digits = true;
        } else if (s[i] == '.' && !dot) {
            dot = true;
        } else {
            return false;
        }
    }
    return digits;
}

}  // namespace

Result<boost::json::object> json_object(const Request& req) {
    if (!acceptable_content_type(req.header("Content-Type"))) return fail(ErrorKind::kUnsupportedMediaType);
    const std::string& body = req.body();
    if (body.find_first_not_of(" \t\r\n") == std::string::npos) return fail(ErrorKind::kMissingBody);
    boost::system::error_code ec;
    boost::json::value v = boost::json::parse(body, ec);
    if (ec) return fail(ErrorKind::kMalformedJson, "invalid JSON syntax");
    if (!v.is_object()) return fail(ErrorKind::kMalformedJson, "invalid JSON syntax");
    return std::move(v.as_object());
}

const boost::json::value* Fields::find(std::string_view name) {
    auto it = object_.find(name);
    if (it == object_.end() || it->value().is_null()) return nullptr;
    return &it->value();
}

void Fields::wrong(std::string_view name) {
    if (!wrong_) wrong_ = std::string(name);
}

Error Fields::error() const {
    if (!wrong_ && !not_text_.empty()) return Error::validation(not_text_);
    return Error::of(ErrorKind::kWrongType, "invalid value for " + wrong_.value_or(""));
}

std::optional<std::string> Fields::text(std::string_view name) {
    const auto* v = find(name);
    if (!v) return std::nullopt;
    if (!v->is_string()) {
        wrong(name);
        return std::nullopt;
    }
    std::string_view value = v->as_string();
    if (!is_text(value)) {
        not_text_.push_back({std::string(name), "invalid input"});
        return std::nullopt;
    }
    return std::string(value);
}

std::optional<std::int64_t> Fields::integer(std::string_view name) {
    const auto* v = find(name);
    if (!v) return std::nullopt;
    if (v->is_int64()) return v->as_int64();
    if (v->is_uint64() && v->as_uint64() <= static_cast<std::uint64_t>(INT64_MAX)) {
        return static_cast<std::int64_t>(v->as_uint64());
    }
    if (v->is_double()) {
        double d = v->as_double();
        if (std::trunc(d) == d && std::fabs(d) < 9.0e15) return static_cast<std::int64_t>(d);
    }
    wrong(name);
    return std::nullopt;
}

std::optional<std::string> Fields::decimal(std::string_view name) {
    const auto* v = find(name);
    if (!v) return std::nullopt;
    if (v->is_string() && is_numeric_text(v->as_string())) return std::string(v->as_string());
    if (v->is_int64() || v->is_uint64() || v->is_double()) return boost::json::serialize(*v);
    wrong(name);
    return std::nullopt;
}

const boost::json::array* Fields::array(std::string_view name) {
    const auto* v = find(name);
    if (!v) return nullptr;
    if (!v->is_array()) {
        wrong(name);
        return nullptr;
    }
    return &v->as_array();
}

const boost::json::object* Fields::object(std::string_view name) {
    const auto* v = find(name);
    if (!v) return nullptr;
    if (!v->is_object()) {
        wrong(name);
        return nullptr;
    }
    return &v->as_object();
}

}  // namespace agora::http
