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

}  // namespace

Result<Config> Config::from_url(std::string_view url) {
    auto parsed = boost::urls::parse_uri(url);
    if (!parsed) return fail(ErrorKind::kInternal, "redis url: not a URL");
    if (parsed->scheme() != "redis") return fail(ErrorKind::kInternal, "redis url: scheme must be redis://");
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
