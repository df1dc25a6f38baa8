#include "domain/search.hpp"

namespace agora::product {

std::string contains_pattern(std::string_view term) {
    std::string out;
    out.reserve(term.size() + 2);
    out.push_back('%');
    for (char c : term) {
        if (c == '\\' || c == '%' || c == '_') out.push_back('\\');
        out.push_back(c);
    }
    out.push_back('%');
    return out;
}

}  // namespace agora::product
