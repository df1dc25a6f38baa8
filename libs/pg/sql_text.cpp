#include "pg/sql_text.hpp"

#include <cctype>

namespace agora::pg {
namespace {

bool space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

// Characters of words, numbers, quoted names and strings: between two of them white space separates
// tokens; next to punctuation it means nothing.
bool wordish(char c) {
    auto u = static_cast<unsigned char>(c);
    return std::isalnum(u) != 0 || c == '_' || c == '$' || c == '"' || c == '\'' || u >= 0x80;
}

// The end of a quoted run that starts at `i` with `quote` (a doubled quote stays inside it).
std::size_t end_of_quoted(std::string_view sql, std::size_t i, char quote) {
    for (std::size_t j = i + 1; j < sql.size(); ++j) {
        if (sql[j] != quote) continue;
        if (j + 1 < sql.size() && sql[j + 1] == quote) {
            ++j;
            continue;
        }
        return j + 1;
    }
    return sql.size();
}

// A dollar quote's tag at `i` ("$$" or "$name$"), or empty when `i` starts none.
std::string_view dollar_tag(std::string_view sql, std::size_t i) {
    std::size_t j = i + 1;
    while (j < sql.size() && (sql[j] == '_' || std::isalnum(static_cast<unsigned char>(sql[j])) != 0)) ++j;
    if (j < sql.size() && sql[j] == '$' && !(j > i + 1 && std::isdigit(static_cast<unsigned char>(sql[i + 1])))) {
        return sql.substr(i, j - i + 1);
    }
    return {};
}

}  // namespace

std::string statements_of(std::string_view sql) {
    std::string out;
    out.reserve(sql.size());
    bool pending_space = false;
    auto emit = [&](std::string_view part) {
        if (pending_space && !out.empty() && wordish(out.back()) && wordish(part.front())) out += ' ';
        pending_space = false;
        out += part;
    };
    std::size_t i = 0;
    while (i < sql.size()) {
        char c = sql[i];
        if (space(c)) {
            pending_space = true;
            ++i;
        } else if (c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {
            while (i < sql.size() && sql[i] != '\n') ++i;
            pending_space = true;
        } else if (c == '/' && i + 1 < sql.size() && sql[i + 1] == '*') {
            auto end = sql.find("*/", i + 2);
            i = end == std::string_view::npos ? sql.size() : end + 2;
            pending_space = true;
        } else if (c == '\'' || c == '"') {
            auto end = end_of_quoted(sql, i, c);
            emit(sql.substr(i, end - i));
            i = end;
        } else if (auto tag = c == '$' ? dollar_tag(sql, i) : std::string_view{}; !tag.empty()) {
            auto close = sql.find(tag, i + tag.size());
            auto end = close == std::string_view::npos ? sql.size() : close + tag.size();
            emit(sql.substr(i, end - i));
            i = end;
        } else {
            emit(sql.substr(i, 1));
            ++i;
        }
    }
    return out;
}

}  // namespace agora::pg
