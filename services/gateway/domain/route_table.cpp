#include "domain/route_table.hpp"

#include <charconv>
#include <sstream>

#include "http/router.hpp"

namespace agora::gateway {

std::string_view routes_conf();  // generated from routes.conf at build time

namespace {

bool clean(std::string_view path) {
    if (path.empty() || path.front() != '/' || path.find("//") != std::string_view::npos) return false;
    for (auto seg : http::split_path(path)) {
        if (seg == "." || seg == "..") return false;
    }
    return true;
}

std::optional<Upstream> parse_upstream(std::string_view s) {
    if (s == "auth") return Upstream::kAuth;
    if (s == "product") return Upstream::kProduct;
    if (s == "order") return Upstream::kOrder;
    return std::nullopt;
}

std::optional<int> parse_int(std::string_view s, int min, int max) {
    int v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc{} || p != s.data() + s.size() || v < min || v > max) return std::nullopt;
    return v;
}

}  // namespace

std::string_view upstream_name(Upstream upstream) {
    switch (upstream) {
        case Upstream::kAuth: return "auth";
        case Upstream::kProduct: return "product";
        case Upstream::kOrder: return "order";
    }
    return "unknown";
}

Result<RouteTable> RouteTable::parse(std::string_view text, std::string_view source) {
    RouteTable table;
    std::istringstream in{std::string(text)};
    std::string line;
    int number = 0;
    auto problem = [&](const std::string& what) {
        return fail(ErrorKind::kInternal, std::string(source) + ":" + std::to_string(number) + ": " + what);
    };
    while (std::getline(in, line)) {
        ++number;
        if (auto hash = line.find('#'); hash != std::string::npos) line.erase(hash);
        std::istringstream words(line);
        std::string methods, path, upstream;
        if (!(words >> methods)) continue;  // blank or comment
        if (!(words >> path >> upstream)) return problem("expected '<methods> <path> <upstream> [option=value ...]'");
        Rule rule;
        if (methods != "*") {
            std::istringstream list(methods);
            std::string m;
            while (std::getline(list, m, ',')) {
                auto verb = http::beast_http::string_to_verb(m);
                if (verb == http::Verb::unknown) return problem("unknown method '" + m + "'");
                rule.methods.push_back(verb);
            }
        }
        if (path.empty() || path.front() != '/') return problem("the path must start with '/': '" + path + "'");
        rule.pattern = path;
        for (auto seg : http::split_path(path)) rule.segments.emplace_back(seg);
        for (size_t i = 0; i < rule.segments.size(); ++i) {
            if (rule.segments[i] == "**" && i + 1 != rule.segments.size()) return problem("'**' must be the last segment");
        }
        auto up = parse_upstream(upstream);
        if (!up) return problem("unknown upstream '" + upstream + "' (auth, product or order)");
        rule.upstream = *up;
        std::string option;
        while (words >> option) {
            auto eq = option.find('=');
            if (eq == std::string::npos) return problem("expected option=value, got '" + option + "'");
            std::string key = option.substr(0, eq), value = option.substr(eq + 1);
            if (key == "access") {
                if (value == "public") rule.access = Access::kPublic;
                else if (value == "customer") rule.access = Access::kCustomer;
                else if (value == "admin") rule.access = Access::kAdmin;
                else return problem("access must be public, customer or admin, not '" + value + "'");
            } else if (key == "rate") {
                if (value == "api") rule.rate = RateGroup::kApi;
                else if (value == "auth") rule.rate = RateGroup::kAuth;
                else if (value == "off") rule.rate = RateGroup::kNone;
                else return problem("rate must be api, auth or off, not '" + value + "'");
            } else if (key == "strip") {
                if (value.empty() || value.front() != '/' || !path.starts_with(value)) {
                    return problem("strip must be a prefix of the path, not '" + value + "'");
                }
                rule.strip = value;
            } else if (key == "deadline") {
                auto ms = parse_int(value, 1, 600'000);
                if (!ms) return problem("deadline must be milliseconds in 1..600000, not '" + value + "'");
                rule.deadline = std::chrono::milliseconds(*ms);
            } else if (key == "retries") {
                auto n = parse_int(value, 0, 3);
                if (!n) return problem("retries must be 0..3, not '" + value + "'");
                rule.retries = *n;
            } else {
                return problem("unknown option '" + key + "'");
            }
        }
        table.rules_.push_back(std::move(rule));
    }
    if (table.rules_.empty()) return fail(ErrorKind::kInternal, std::string(source) + ": no routes");
    return table;
}

const RouteTable& RouteTable::builtin() {
    static const RouteTable table = *parse(routes_conf(), "routes.conf");  // checked by the unit tests
    return table;
}

bool RouteTable::matches(const Rule& rule, http::Verb method, const std::vector<std::string_view>& parts) {
    if (!rule.methods.empty() && std::find(rule.methods.begin(), rule.methods.end(), method) == rule.methods.end()) {
        return false;
    }
    for (size_t i = 0; i < rule.segments.size(); ++i) {
        const auto& seg = rule.segments[i];
        if (seg == "**") return true;
        if (i >= parts.size()) return false;
        bool param = seg.size() > 2 && seg.front() == '{' && seg.back() == '}';
        if (!param && seg != parts[i]) return false;
    }
    return parts.size() == rule.segments.size();
}

std::optional<RouteDecision> RouteTable::route(http::Verb method, std::string_view target) const {
    auto q = target.find('?');
    std::string_view path = target.substr(0, q);
    std::string_view query = q == std::string_view::npos ? std::string_view{} : target.substr(q);
    if (!clean(path)) return std::nullopt;
    auto parts = http::split_path(path);
    for (const auto& rule : rules_) {
        if (!matches(rule, method, parts)) continue;
        std::string forwarded(path.substr(rule.strip.size()));
        if (forwarded.empty()) forwarded = "/";
        // The services' routes for each other are never reachable from outside, whatever the table says.
        if (forwarded.starts_with(http::kInternalPrefix) || forwarded == "/internal") return std::nullopt;
        return RouteDecision{rule.upstream, rule.access, rule.rate, rule.deadline, rule.retries,
                             forwarded + std::string(query), rule.pattern};
    }
    return std::nullopt;
}

}  // namespace agora::gateway
