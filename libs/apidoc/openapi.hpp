#pragma once
// The public API description (api/openapi.yaml), embedded at build time so a service can serve it
// with no file to find at run time, and a page that renders it for reading in a browser.
#include <string_view>

namespace agora::apidoc {

inline constexpr std::string_view kYamlContentType = "application/yaml; charset=utf-8";
inline constexpr std::string_view kHtmlContentType = "text/html; charset=utf-8";

// api/openapi.yaml exactly as it is in the repository.
std::string_view openapi_yaml();

// A self-contained HTML page of the same description: every operation as a collapsible entry with
// its parameters, body, responses and examples and a form that sends it to the serving gateway (with
// a bearer token set once), then the schemas and the YAML itself. Inline CSS and one inline script,
// no outside resource, so it renders with no network.
std::string_view docs_html();

// The Content-Security-Policy to serve the page with: its own script by hash, requests to 'self' only.
std::string_view docs_content_security_policy();

}  // namespace agora::apidoc
