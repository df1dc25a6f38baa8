#include "amqp/config.hpp"

#include <boost/url/parse.hpp>

#include <algorithm>
#include <charconv>

namespace agora::amqp {
namespace {

// A URL of one host, read as before several were allowed.
Result<Config> from_single_url(std::string_view url) {
    auto parsed = boost::urls::parse_uri(url);
    if (!parsed) return fail(ErrorKind::kInternal, "amqp url: not a URL");
    if (parsed->scheme() != "amqp") return fail(ErrorKind::kInternal, "amqp url: scheme must be amqp://");
    Config config;
    Node& node = config.nodes.front();
    if (!parsed->host().empty()) node.host = parsed->host();
    if (parsed->has_port()) {
        auto text = parsed->port();
        int port = 0;
        auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), port);
        if (ec != std::errc{} || end != text.data() + text.size() || port < 1 || port > 65535) {
            return fail(ErrorKind::kInternal, "amqp url: invalid port '" + std::string(text) + "'");
        }
        node.port = port;
    }
    if (parsed->has_userinfo()) {
        config.user = parsed->user();
        config.password = parsed->password();
    }
    std::string path = parsed->path();  // decoded: "%2f" is "/"
    if (path.size() > 1) config.vhost = path.substr(1);
    return config;
}

// The URL once per host of its list, each with the same credentials and vhost:
// "amqp://u:p@a,b:5673/v" gives "amqp://u:p@a/v" and "amqp://u:p@b:5673/v". No list: the URL itself.
Result<std::vector<std::string>> url_per_host(std::string_view url) {
    auto scheme_end = url.find("://");
    if (scheme_end == std::string_view::npos) return std::vector<std::string>{std::string(url)};
    auto authority = scheme_end + 3;
    auto authority_end = std::min(url.find_first_of("/?#", authority), url.size());
    auto at = url.substr(0, authority_end).rfind('@');
    auto hosts_begin = at != std::string_view::npos && at >= authority ? at + 1 : authority;
    auto hosts = url.substr(hosts_begin, authority_end - hosts_begin);
    if (hosts.find(',') == std::string_view::npos) return std::vector<std::string>{std::string(url)};
    std::vector<std::string> urls;
    for (std::size_t begin = 0; begin <= hosts.size();) {
        auto end = std::min(hosts.find(',', begin), hosts.size());
        auto host = hosts.substr(begin, end - begin);
        if (host.empty()) return fail(ErrorKind::kInternal, "amqp url: an empty host in the list of nodes");
        urls.push_back(std::string(url.substr(0, hosts_begin)) + std::string(host) +
                       std::string(url.substr(authority_end)));
        begin = end + 1;
    }
    return urls;
}

}  // namespace

Result<Config> Config::from_url(std::string_view url) {
    auto urls = AGORA_TRY(url_per_host(url));
    auto config = AGORA_TRY(from_single_url(urls.front()));
    for (std::size_t i = 1; i < urls.size(); ++i) {
        auto other = AGORA_TRY(from_single_url(urls[i]));
        config.nodes.push_back(std::move(other.nodes.front()));
    }
    return config;
}

Config Config::from_env(config::Env& env, std::string_view prefix) {
    const std::string name = std::string(prefix) + "_AMQP_URL";
    return env.valid(name, from_url(env.secret(name.c_str(), "amqp://guest:guest@127.0.0.1:5672/")));
}

}  // namespace agora::amqp
