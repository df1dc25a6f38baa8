#include "redis/config.hpp"

#include <boost/url/parse.hpp>

#include <charconv>

namespace agora::redis {
namespace {

Result<int> number(std::string_view text, int min, int max, std::string_view what) {
    int value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end != text.data() + text.size() || value < min || value > max) {
        return fail(ErrorKind::kInternal, "redis url: invalid " + std::string(what) + " '" + std::string(text) + "'");
    }
    return value;
}

constexpr std::string_view kClusterScheme = "redis+cluster://";

// Each seed is read as the redis:// URL it would be alone, so user, password and port follow one set
// of rules.
Result<Config> cluster_from_url(std::string_view url) {
    std::string_view rest = url.substr(kClusterScheme.size());
    auto slash = rest.find('/');  // a '/' in a password is percent-encoded
    std::string_view authority = rest.substr(0, slash);
    std::string_view path = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash);
    auto at = authority.rfind('@');
    std::string_view userinfo = at == std::string_view::npos ? std::string_view{} : authority.substr(0, at + 1);
    std::string_view hosts = authority.substr(userinfo.size());
    if (hosts.empty()) return fail(ErrorKind::kInternal, "redis url: a cluster needs at least one host");
    Config config;
    while (!hosts.empty()) {
        auto comma = hosts.find(',');
        std::string_view host = hosts.substr(0, comma);
        hosts = comma == std::string_view::npos ? std::string_view{} : hosts.substr(comma + 1);
        if (host.empty()) return fail(ErrorKind::kInternal, "redis url: empty host in the cluster's list");
        std::string alone = "redis://" + std::string(userinfo) + std::string(host) + std::string(path);
        auto one = AGORA_TRY(Config::from_url(alone));
        if (one.db != 0) return fail(ErrorKind::kInternal, "redis url: a cluster has only database 0");
        if (config.cluster_seeds.empty()) {
            config.host = one.host;
            config.port = one.port;
            config.user = one.user;
            config.password = one.password;
        }
        config.cluster_seeds.push_back({one.host, one.port});
    }
    return config;
}

}  // namespace

Result<Config> Config::from_url(std::string_view url) {
    if (url.starts_with(kClusterScheme)) return cluster_from_url(url);
    auto parsed = boost::urls::parse_uri(url);
    if (!parsed) return fail(ErrorKind::kInternal, "redis url: not a URL");
    if (parsed->scheme() != "redis") {
        return fail(ErrorKind::kInternal, "redis url: scheme must be redis:// (or redis+cluster://)");
    }
    Config config;
    if (!parsed->host().empty()) config.host = parsed->host();
    if (parsed->has_port()) config.port = AGORA_TRY(number(parsed->port(), 1, 65535, "port"));
    if (parsed->has_userinfo()) {
        config.user = parsed->user();
        config.password = parsed->password();
    }
    std::string_view path = parsed->encoded_path();
    if (!path.empty() && path.front() == '/') path.remove_prefix(1);
    if (!path.empty()) config.db = AGORA_TRY(number(path, 0, 1'000'000, "database"));
    return config;
}

Config Config::from_env(config::Env& env, std::string_view prefix) {
    const std::string name = std::string(prefix) + "_REDIS_URL";
    return env.valid(name, from_url(env.secret(name.c_str(), "redis://127.0.0.1:6379/0")));
}

}  // namespace agora::redis
