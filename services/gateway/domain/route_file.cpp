// Reading a route file (the format is in routes.conf's header): upstream lines and route lines, every
// mistake named by its line.
#include <charconv>
#include <sstream>

#include "domain/route_table.hpp"
#include "http/router.hpp"

namespace agora::gateway {
namespace {

std::optional<int> parse_int(std::string_view s, int min, int max) {
    int v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc{} || p != s.data() + s.size() || v < min || v > max) return std::nullopt;
    return v;
}

std::optional<std::chrono::milliseconds> parse_deadline(std::string_view s) {
    auto ms = parse_int(s, 1, 600'000);
    if (!ms) return std::nullopt;
    return std::chrono::milliseconds(*ms);
}

// An upstream's name becomes part of its variables' names (GATEWAY_<NAME>_URL), so it is spelled as
// they can be.
bool valid_upstream_name(std::string_view name) {
    if (name.empty() || name.front() < 'a' || name.front() > 'z') return false;
    for (char c : name) {
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
    }
    return true;
}

// "auth, product or order"
std::string names_of(const std::vector<UpstreamConfig>& upstreams) {
    std::string out;
    for (std::size_t i = 0; i < upstreams.size(); ++i) {
        if (i > 0) out += i + 1 == upstreams.size() ? " or " : ", ";
        out += upstreams[i].name;
    }
    return out;
}

struct Option {
    std::string key, value;
};

Result<Option> option_of(const std::string& word) {
    auto eq = word.find('=');
    if (eq == std::string::npos) return fail(ErrorKind::kInternal, "expected option=value, got '" + word + "'");
    return Option{word.substr(0, eq), word.substr(eq + 1)};
}

// The words after "upstream": "<name> <url> [deadline=<ms>]". The error says what is wrong, not where.
Result<UpstreamConfig> parse_upstream(std::istringstream& words) {
    UpstreamConfig upstream;
    if (!(words >> upstream.name >> upstream.url)) {
        return fail(ErrorKind::kInternal, "expected 'upstream <name> <url> [deadline=<ms>]'");
    }
    if (!valid_upstream_name(upstream.name)) {
        return fail(ErrorKind::kInternal, "an upstream's name is lower-case letters, digits and '_' after a letter, not '" +
                                              upstream.name + "'");
    }
    if (!upstream.url.starts_with("http://") || upstream.url.size() == 7) {
        return fail(ErrorKind::kInternal, "an upstream's address is http://host:port, not '" + upstream.url + "'");
    }
    std::string word;
    while (words >> word) {
        auto option = AGORA_TRY(option_of(word));
        if (option.key != "deadline") return fail(ErrorKind::kInternal, "unknown option '" + option.key + "'");
        auto deadline = parse_deadline(option.value);
        if (!deadline) {
            return fail(ErrorKind::kInternal, "deadline must be milliseconds in 1..600000, not '" + option.value + "'");
        }
        upstream.deadline = *deadline;
    }
    return upstream;
}

}  // namespace

Result<RouteTable> RouteTable::parse(std::string_view text, std::string_view source) {
    return parse(text, source, builtin().upstreams());
}

Result<RouteTable> RouteTable::parse(std::string_view text, std::string_view source, std::vector<UpstreamConfig> known) {
    RouteTable table;
    table.upstreams_ = std::move(known);
    std::vector<std::string> declared;  // by this file: once each
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
        if (methods == "upstream") {
            auto declaration = parse_upstream(words);
            if (!declaration) return problem(declaration.error().message);
            if (std::find(declared.begin(), declared.end(), declaration->name) != declared.end()) {
                return problem("upstream '" + declaration->name + "' is declared twice");
            }
            declared.push_back(declaration->name);
            if (auto* existing = table.upstream(declaration->name)) {
                *existing = std::move(*declaration);
            } else {
                table.upstreams_.push_back(std::move(*declaration));
            }
            continue;
        }
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
        // Declared above the route: a route file reads top to bottom.
        auto* target = table.upstream(upstream);
        if (target == nullptr) return problem("unknown upstream '" + upstream + "' (" + names_of(table.upstreams_) + ")");
        rule.upstream = static_cast<std::size_t>(target - table.upstreams_.data());
        std::string word;
        while (words >> word) {
            auto option = option_of(word);
            if (!option) return problem(option.error().message);
            const auto& [key, value] = *option;
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
                rule.deadline = parse_deadline(value);
                if (!rule.deadline) return problem("deadline must be milliseconds in 1..600000, not '" + value + "'");
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

}  // namespace agora::gateway
