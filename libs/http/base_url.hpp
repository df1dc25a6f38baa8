#pragma once
// The "http://host:port" a service is given for another: the host to resolve (or an IP address) and the
// Host header its requests carry.
#include <string>
#include <string_view>

#include "core/error.hpp"

namespace agora::http {

struct BaseUrl {
    std::string host;         // a name or an IP address, without the brackets of an IPv6 one
    unsigned short port = 80;
    std::string host_header;  // "host:port" as written in the URL
};

Result<BaseUrl> parse_base_url(std::string_view url);

}  // namespace agora::http
