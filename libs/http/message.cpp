#include "http/message.hpp"

#include <boost/url/parse.hpp>
#include <charconv>

namespace agora::http {

std::string_view Request::path() const {
    std::string_view target = raw_.target();
    auto q = target.find('?');
    return q == std::string_view::npos ? target : target.substr(0, q);
}

std::string_view Request::header(std::string_view name) const {
    auto it = raw_.find(name);
    return it == raw_.end() ? std::string_view{} : std::string_view(it->value());
}

std::vector<std::pair<std::string, std::string>> Request::query_params() const {
    std::vector<std::pair<std::string, std::string>> out;
    auto url = boost::urls::parse_origin_form(raw_.target());
    if (!url) return out;
    for (auto p : url->params()) out.emplace_back(p.key, p.value);
    return out;
}

std::optional<std::string> Request::query(std::string_view name) const {
    auto url = boost::urls::parse_origin_form(raw_.target());
    if (!url) return std::nullopt;
    for (auto p : url->params()) {
        if (p.key == name) return std::string(p.value);
    }
    return std::nullopt;
}

std::string_view Request::param(std::string_view name) const {
    for (const auto& [k, v] : params_) {
        if (k == name) return v;
    }
    return {};
}

Result<std::int64_t> Request::id_param(std::string_view name) const {
    std::string_view v = param(name);
    std::int64_t id = 0;
    auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), id);
    if (v.empty() || ec != std::errc{} || ptr != v.data() + v.size()) {
        return fail(ErrorKind::kBadPathId, "expected a numeric value but got '" + std::string(v) + "'");
    }
    return id;
}

Result<Caller> Request::caller() const {
    if (signer_.empty()) return fail(ErrorKind::kUnauthorized);
    // One walk of the fields for the three; a verified signature means none of them is repeated.
    auto identity = unique_values(raw_, kIdentityHeaders);
    if (!identity) return fail(ErrorKind::kUnauthorized);
    auto [id, email, role] = *identity;
    Caller c;
    auto [ptr, ec] = std::from_chars(id.data(), id.data() + id.size(), c.user_id);
    if (id.empty() || ec != std::errc{} || ptr != id.data() + id.size() || c.user_id <= 0) {
        return fail(ErrorKind::kUnauthorized);
    }
    c.email = std::string(email);
    c.role = std::string(role);
    if (c.role.empty()) c.role = "customer";
    return c;
}

}  // namespace agora::http
