#pragma once
// A blocking HTTP POST for export threads only (never an event loop): libcurl, one connection kept
// alive, a short timeout so a collector that is down costs little.
#include <chrono>
#include <memory>
#include <string>
#include <string_view>

namespace agora::tracing {

class HttpPost {
public:
    HttpPost(std::string url, std::string content_type, std::chrono::milliseconds timeout);
    HttpPost(const HttpPost&) = delete;
    HttpPost& operator=(const HttpPost&) = delete;
    ~HttpPost();

    // True on a 2xx answer.
    bool send(std::string_view body);
    const std::string& url() const { return url_; }

private:
    struct Handle;
    std::string url_;
    std::unique_ptr<Handle> handle_;
};

}  // namespace agora::tracing
