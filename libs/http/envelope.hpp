#pragma once
// The response envelope (docs/contract.md): {"message","data","paging","errors"}, compact, in that order,
// keys without a value left out.
#include <boost/json/value.hpp>
#include <optional>

#include "core/error.hpp"
#include "http/json_text.hpp"
#include "http/message.hpp"

namespace agora::http {

struct Paging {
    std::int64_t page = 1;
    std::int64_t size = 10;
    std::int64_t total_item = 0;
    std::int64_t total_page = 0;
    boost::json::object links;  // self, first, prev, next, last
};

// 200 {"message":"success","data":…}.
Response ok(const boost::json::value& data);
Response ok(const boost::json::value& data, const Paging& paging);
// 201 {"message":"success","data":…}.
Response created(const boost::json::value& data);
// The same, with data already written as JSON text.
Response ok(const JsonText& data);
Response ok(const JsonText& data, const Paging& paging);
Response created(const JsonText& data);
// 200 {"message":"<message>"} with no data.
Response message(std::string_view text);
Response message(int status, std::string_view text);
// The error's status and contract message; Retry-After when the error carries one.
Response error(const Error& err);

// A response with a JSON body and the contract's content type.
Response json_response(int status, std::string body);

}  // namespace agora::http
