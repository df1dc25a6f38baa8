#pragma once
// A blocking HTTP/1.1 exchange for tests that talk to a service over a real socket: the request as raw
// bytes (so tests can send malformed ones), the reply read until the server closes.
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <chrono>
#include <map>
#include <string>

namespace agora::testing {

struct HttpReply {
    int status = 0;  // 0: no answer
    std::string body;
    std::map<std::string, std::string> headers;  // lower-case names

    std::string header(const std::string& name) const;
    boost::json::value json() const;  // null when the body is not JSON
    // body.data as an object (or the empty object).
    boost::json::object data() const;
};

// Sends `request` to 127.0.0.1:port and reads until the connection closes or `timeout` passes; send
// "Connection: close" in the request.
HttpReply http_exchange(int port, const std::string& request, std::chrono::seconds timeout = std::chrono::seconds(30));

}  // namespace agora::testing
