#include "http/base_url.hpp"

#include <boost/url/parse.hpp>

namespace agora::http {

Result<BaseUrl> parse_base_url(std::string_view text) {
    auto url = boost::urls::parse_uri(text);
    if (!url || url->scheme() != "http" || url->host_address().empty()) {
        return fail(ErrorKind::kInternal, "not an http://host:port URL: " + std::string(text));
    }
    auto port = static_cast<unsigned short>(url->has_port() ? url->port_number() : 80);
    return BaseUrl{std::string(url->host_address()), port, std::string(url->host()) + ":" + std::to_string(port)};
}

}  // namespace agora::http
