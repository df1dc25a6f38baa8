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
    std::vector<std::string> missing;
    for (const auto& [name, value] : env.summary()) {
        if (documented.contains(name)) continue;
        bool as_pattern = false;
        for (auto prefix : kServicePrefixes) {
            if (name.starts_with(prefix) && documented.contains("<SVC>_" + name.substr(prefix.size()))) as_pattern = true;
        }
        if (!as_pattern) missing.push_back(name);
    }
    return missing;
}

}  // namespace agora::testing
