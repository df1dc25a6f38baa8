#include "amqp/config.hpp"

#include <boost/url/parse.hpp>

#include <charconv>

namespace agora::amqp {

Result<Config> Config::from_url(std::string_view url) {
    auto parsed = boost::urls::parse_uri(url);
    if (!parsed) return fail(ErrorKind::kInternal, "amqp url: not a URL");
    if (parsed->scheme() != "amqp") return fail(ErrorKind::kInternal, "amqp url: scheme must be amqp://");
    Config config;
    if (!parsed->host().empty()) config.host = parsed->host();
    if (parsed->has_port()) {
        auto text = parsed->port();
        int port = 0;
        auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), port);
        if (ec != std::errc{} || end != text.data() + text.size() || port < 1 || port > 65535) {
            return fail(ErrorKind::kInternal, "amqp url: invalid port '" + std::string(text) + "'");
        }
        config.port = port;
    }
    if (parsed->has_userinfo()) {
        config.user = parsed->user();
        config.password = parsed->password();
    }
    std::string path = parsed->path();  // decoded: "%2f" is "/"
    if (path.size() > 1) config.vhost = path.substr(1);
    return config;
}

Config Config::from_env(config::Env& env, std::string_view prefix) {
    const std::string name = std::string(prefix) + "_AMQP_URL";
    return env.valid(name, from_url(env.secret(name.c_str(), "amqp://guest:guest@127.0.0.1:5672/")));
}

}  // namespace agora::amqp
