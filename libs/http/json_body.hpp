#pragma once
// Reading JSON request bodies with the contract's errors (docs/contract.md): empty body -> "missing body
// request", not JSON -> 415, malformed or invalid UTF-8 -> "invalid JSON syntax", a field of the wrong
// JSON type -> "invalid value for <field>".
#include <boost/json/object.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "http/message.hpp"

namespace agora::http {

// The body as one JSON object.
Result<boost::json::object> json_object(const Request& req);

// Typed reads of an object's fields. Absent and null fields read as nullopt (validation then says
// "is required"); a wrong type is remembered, and error() reports the first one.
class Fields {
public:
    explicit Fields(const boost::json::object& object) : object_(object) {}

    // A string holding U+0000 reads as nullopt and is remembered: no route can keep it (see is_text()),
    // so error() refuses it as "invalid input" before any other rule runs, on every route at once.
    std::optional<std::string> text(std::string_view name);
    std::optional<std::int64_t> integer(std::string_view name);
    // Money: a JSON number or numeric string, returned as its decimal text ("25000.50").
    std::optional<std::string> decimal(std::string_view name);
    const boost::json::array* array(std::string_view name);
    const boost::json::object* object(std::string_view name);

    bool ok() const { return !wrong_.has_value() && not_text_.empty(); }
    // 400 "invalid value for <field>" for the first field of a wrong type, else 400 "input validation
    // error" naming each string that is not text, in the order they were read.
    Error error() const;

private:
    const boost::json::value* find(std::string_view name);
    void wrong(std::string_view name);

    const boost::json::object& object_;
    std::optional<std::string> wrong_;
    std::vector<FieldError> not_text_;
};

}  // namespace agora::http
