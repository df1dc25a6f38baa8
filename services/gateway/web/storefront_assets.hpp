#pragma once
// The storefront's page and assets (services/gateway/web), embedded at build time by embed_web.py so
// the gateway serves them with no file to find at run time (docs/adr/0014-storefront-in-the-gateway.md).
#include <span>
#include <string_view>

namespace agora::gateway::web {

// One asset, under a name that carries the hash of its content ("/assets/app.3f9c2a1b7d0e.js").
struct Asset {
    std::string_view path;
    std::string_view content_type;
    std::string_view body;
};

// The page every storefront view starts from; it names the assets by their hashed names.
std::string_view index_html();
// The Content-Security-Policy to serve the page with: scripts and styles of this origin only, no inline script.
std::string_view content_security_policy();
std::span<const Asset> assets();

}  // namespace agora::gateway::web
