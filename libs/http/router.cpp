#include "http/router.hpp"

#include <algorithm>

#include "core/log.hpp"
#include "http/envelope.hpp"

namespace agora::http {

std::vector<std::string_view> split_path(std::string_view path) {
    std::vector<std::string_view> parts;
    size_t start = 0;
    while (start < path.size()) {
        size_t end = path.find('/', start);
        if (end == std::string_view::npos) end = path.size();
        if (end > start) parts.push_back(path.substr(start, end - start));
        start = end + 1;
    }
    return parts;
}

Router& Router::add(Verb method, std::string_view pattern, Handler handler) {
    Route r{method, std::string(pattern), {}, std::move(handler)};
    for (auto part : split_path(pattern)) r.segments.emplace_back(part);
    routes_.push_back(std::move(r));
    return *this;
}

bool Router::matches(const Route& r, const std::vector<std::string_view>& parts,
                     std::vector<std::pair<std::string, std::string>>& params) {
    if (r.segments.size() != parts.size()) return false;
    params.clear();
    for (size_t i = 0; i < parts.size(); ++i) {
        const auto& seg = r.segments[i];
        if (seg.size() > 2 && seg.front() == '{' && seg.back() == '}') {
            params.emplace_back(seg.substr(1, seg.size() - 2), parts[i]);
        } else if (seg != parts[i]) {
            return false;
        }
    }
    return true;
}

Router::Match Router::match(Verb method, std::string_view path) const {
    // Doubled slashes are not the same route: "//products" must not reach "/products".
    Match m;
    if (path.empty() || path.front() != '/' || path.find("//") != std::string_view::npos) return m;
    auto parts = split_path(path);
    std::vector<std::pair<std::string, std::string>> params;
    for (const auto& r : routes_) {
        if (!matches(r, parts, params)) continue;
        // HEAD is answered wherever GET is (the server sends its status and headers without the body).
        if (r.method == method || (method == Verb::head && r.method == Verb::get)) {
            m.handler = &r.handler;
            m.pattern = &r.pattern;
            m.params = std::move(params);
            m.allow.clear();
            return m;
        }
        std::string name(beast_http::to_string(r.method));
        if (r.method == Verb::get) name += ", HEAD";
        if (m.allow.find(name) == std::string::npos) m.allow += (m.allow.empty() ? "" : ", ") + name;
    }
    return m;
}

bool Router::admit(Request& req) const {
    bool internal = req.path().starts_with(kInternalPrefix);
    // Repeated identity headers assert too: the signature's check then refuses them.
    auto identity = unique_values(req.raw(), kIdentityHeaders);
    bool asserts_identity =
        !identity || std::ranges::any_of(*identity, [](std::string_view value) { return !value.empty(); });
    // Public routes asked without an identity need no proof: they cost no HMAC.
    if (!internal && !asserts_identity) return true;
    std::string_view reason = "no trusted key";
    if (signature_) {
        auto signer = signature_->verify(req.raw());
        if (signer && !(internal && *signer == kGatewaySigner)) {
            req.set_signer(std::string(*signer));
            return true;
        }
        reason = signer ? "gateway signature on an internal route" : rejection_name(signer.error());
    }
    log::info("request signature refused", {{"reason", std::string(reason)}, {"route", req.route()}});
    return false;
}

Task<Response> Router::dispatch(Request& req) const {
    auto m = match(req.method(), req.path());
    if (m.handler) {
        req.set_params(std::move(m.params));
        req.set_route(*m.pattern);
        if (!admit(req)) co_return error(Error::of(ErrorKind::kUnauthorized));
        co_return co_await (*m.handler)(req);
    }
    if (!m.allow.empty()) {
        auto res = error(Error::of(ErrorKind::kMethodNotAllowed));
        res.set(Field::allow, m.allow);
        co_return res;
    }
    co_return error(Error::of(ErrorKind::kRouteNotFound));
}

}  // namespace agora::http
