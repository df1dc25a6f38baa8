#pragma once
// JSON text written directly, for answers of a fixed shape that are served often (a page of products):
// no document is built, copied into an envelope and walked again to serialize it.
#include <cstdint>
#include <string>
#include <string_view>

namespace agora::http {

// Data already written as JSON; http/envelope.hpp puts it in the envelope as it is.
struct JsonText {
    std::string text;
};

// Appends `value` as a JSON string, escaped exactly as Boost.JSON's serializer escapes it (quote,
// backslash and control characters; tests/json_text_test.cpp compares every byte), so that a document
// and this text give the same bytes. `value` is UTF-8, as everything Agora stores is.
void append_json_string(std::string& out, std::string_view value);
void append_json_int(std::string& out, std::int64_t value);

}  // namespace agora::http
