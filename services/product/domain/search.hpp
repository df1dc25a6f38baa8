#pragma once
// Catalogue search (docs/contract.md): `name` and `description` match as case-insensitive substrings, with
// `%`, `_` and the escape character taken literally.
#include <optional>
#include <string>
#include <string_view>

namespace agora::product {

// The ILIKE pattern ("%term%", with \ % _ escaped by a backslash, the ESCAPE character of the queries)
// for a search term.
std::string contains_pattern(std::string_view term);

struct SearchFilter {
    std::optional<std::string> name;         // ILIKE pattern, when searched
    std::optional<std::string> description;  // ILIKE pattern, when searched
};

}  // namespace agora::product
