#pragma once
// A Redis reply as a plain value, detached from hiredis's memory.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

struct redisReply;

namespace agora::redis {

struct Reply {
    enum class Type { kNil, kInteger, kString, kStatus, kError, kArray };

    Type type = Type::kNil;
    std::int64_t integer = 0;
    std::string text;  // bulk string, status or error text; binary-safe
    std::vector<Reply> elements;

    static Reply nil() { return {}; }
    static Reply of_integer(std::int64_t value) { return Reply{Type::kInteger, value, {}, {}}; }
    static Reply of_string(std::string value) { return Reply{Type::kString, 0, std::move(value), {}}; }
    static Reply of_status(std::string value) { return Reply{Type::kStatus, 0, std::move(value), {}}; }
    static Reply of_error(std::string value) { return Reply{Type::kError, 0, std::move(value), {}}; }
    static Reply of_array(std::vector<Reply> values) { return Reply{Type::kArray, 0, {}, std::move(values)}; }
    // Deep copy of what hiredis parsed.
    static Reply from(const redisReply& reply);

    bool is_nil() const { return type == Type::kNil; }
    bool is_error() const { return type == Type::kError; }
    bool is_status(std::string_view status) const { return type == Type::kStatus && text == status; }

    bool operator==(const Reply&) const = default;
};

}  // namespace agora::redis
