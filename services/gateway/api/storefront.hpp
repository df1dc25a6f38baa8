#pragma once
// The storefront: the page a shopper and a shop owner use in a browser (services/gateway/web), served
// on the public port next to the API it calls, so it needs no CORS (docs/adr/0014-storefront-in-the-gateway.md).
// `/` is the page, never cached; `/assets/<name>.<hash>.<ext>` its scripts and styles, cached for a
// year since a new content has a new name; `/storefront.json` the settings the page reads at start.
#include <string>
#include <string_view>

#include "config.hpp"
#include "http/message.hpp"

namespace agora::gateway {

class Storefront {
public:
    explicit Storefront(const StorefrontConfig& config);

    // Whether the path is the page, one of its assets, or its settings.
    static bool owns(std::string_view path);
    http::Response answer(const http::Request& req) const;

private:
    std::string settings_json_;
};

}  // namespace agora::gateway
