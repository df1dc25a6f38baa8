#include "testing/settings_doc.hpp"

#include <array>
#include <fstream>
#include <set>
#include <sstream>
#include <string_view>

namespace agora::testing {
namespace {

constexpr std::array<std::string_view, 5> kServicePrefixes{"AUTH_", "PRODUCT_", "ORDER_", "MAIL_", "GATEWAY_"};

// Every `name` in backticks on the table rows of docs/operations.md.
std::set<std::string> documented_names() {
    std::ifstream file(std::string(AGORA_SOURCE_DIR) + "/docs/operations.md");
    std::set<std::string> names;
    std::string line;
    while (std::getline(file, line)) {
        if (!line.starts_with("|")) continue;
        for (auto open = line.find('`'); open != std::string::npos; open = line.find('`', open + 1)) {
            auto close = line.find('`', open + 1);
            if (close == std::string::npos) break;
            names.insert(line.substr(open + 1, close - open - 1));
            open = close;
        }
    }
    return names;
}

}  // namespace

std::vector<std::string> undocumented_settings(const config::Env& env) {
    static const auto documented = documented_names();
    auto is_documented = [](const std::string& name) {
        if (documented.contains(name)) return true;
        for (auto prefix : kServicePrefixes) {
            if (name.starts_with(prefix) && documented.contains("<SVC>_" + name.substr(prefix.size()))) return true;
        }
        return false;
    };
    std::set<std::string> secrets;
    for (const auto& [name, value] : env.summary()) {
        if (value == "***") secrets.insert(name);
    }
    std::vector<std::string> missing;
    for (const auto& [name, value] : env.summary()) {
        if (is_documented(name)) continue;
        // <NAME>_FILE of a documented secret: the one rule in "Settings of every service" covers it.
        constexpr std::string_view kFile = "_FILE";
        if (name.ends_with(kFile)) {
            auto secret = name.substr(0, name.size() - kFile.size());
            if (secrets.contains(secret) && is_documented(secret)) continue;
        }
        missing.push_back(name);
    }
    return missing;
}

}  // namespace agora::testing
