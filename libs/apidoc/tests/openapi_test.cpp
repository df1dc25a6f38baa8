#include "apidoc/openapi.hpp"

#include <gtest/gtest.h>

#include <array>
#include <string>
#include <string_view>

namespace agora::apidoc {
namespace {

// docs/contract.md, Routes: every public route of the gateway, and the two that serve this description.
constexpr std::array kPaths = {
    "/health", "/ready", "/openapi.yaml", "/docs",
    "/auth/register", "/auth/verify", "/auth/resend-verification", "/auth/login", "/auth/.well-known/jwks.json",
    "/products", "/products/{id}", "/products/{id}/history",
    "/orders", "/orders/{id}", "/orders/pay", "/orders/cancel",
};

bool contains(std::string_view text, std::string_view part) { return text.find(part) != std::string_view::npos; }

TEST(OpenApiYaml, IsAnOpenApi31Description) {
    auto yaml = openapi_yaml();
    EXPECT_TRUE(yaml.starts_with("openapi: 3.1")) << yaml.substr(0, 40);
    EXPECT_TRUE(contains(yaml, "\npaths:\n"));
    EXPECT_TRUE(contains(yaml, "\ncomponents:\n"));
    EXPECT_TRUE(yaml.ends_with("\n"));
}

TEST(OpenApiYaml, NamesEveryPublicPath) {
    auto yaml = openapi_yaml();
    for (std::string_view path : kPaths) {
        // A path is a key of `paths`, indented by two spaces on a line of its own.
        EXPECT_TRUE(contains(yaml, "\n  " + std::string(path) + ":\n")) << path;
    }
}

TEST(OpenApiYaml, ProtectedRoutesUseTheEdDsaBearerScheme) {
    auto yaml = openapi_yaml();
    EXPECT_TRUE(contains(yaml, "bearerAuth:\n      type: http\n      scheme: bearer\n      bearerFormat: JWT"));
    EXPECT_TRUE(contains(yaml, "EdDSA"));
}

TEST(DocsHtml, IsAWholePage) {
    auto page = docs_html();
    EXPECT_TRUE(page.starts_with("<!DOCTYPE html>"));
    EXPECT_TRUE(contains(page, "<meta charset=\"utf-8\">"));
    EXPECT_TRUE(contains(page, "</body></html>"));
}

TEST(DocsHtml, ShowsEveryPath) {
    auto page = docs_html();
    for (std::string_view path : kPaths) {
        EXPECT_TRUE(contains(page, "<code>" + std::string(path) + "</code>")) << path;
    }
}

TEST(DocsHtml, NeedsNoNetwork) {
    auto page = docs_html();
    // Nothing is loaded from elsewhere: no script file, no stylesheet link, no image, no frame.
    EXPECT_FALSE(contains(page, "<script src"));
    EXPECT_FALSE(contains(page, "<link"));
    EXPECT_FALSE(contains(page, "<img"));
    EXPECT_FALSE(contains(page, "<iframe"));
    EXPECT_FALSE(contains(page, "src="));
    EXPECT_FALSE(contains(page, "@import"));
}

TEST(DocsHtml, EveryOperationCanBeTriedAndTheScriptIsAllowedOnlyByItsHash) {
    auto page = docs_html();
    EXPECT_TRUE(contains(page, "<form class=\"try\" data-method=\"POST\" data-path=\"/orders/pay\">"));
    EXPECT_TRUE(contains(page, "data-path=\"/products/{id}\"><strong>Try it</strong> <label><code>id</code> (path)"));
    EXPECT_TRUE(contains(page, "<input id=\"token\""));
    auto csp = docs_content_security_policy();
    EXPECT_TRUE(csp.starts_with("default-src 'none'; script-src 'sha256-")) << csp;
    EXPECT_TRUE(contains(csp, "connect-src 'self'"));
    EXPECT_FALSE(contains(csp, "unsafe-eval"));
    EXPECT_FALSE(contains(csp, "script-src 'unsafe-inline'"));
}

TEST(DocsHtml, EmbedsTheDescriptionEscaped) {
    auto page = docs_html();
    EXPECT_TRUE(contains(page, "openapi: 3.1"));
    // The YAML's quotes are HTML-escaped in the page, so it cannot close an element early.
    EXPECT_TRUE(contains(page, "$ref: &#x27;#/components/schemas/Product&#x27;"));
}

}  // namespace
}  // namespace agora::apidoc
