#include "tracing/http_post.hpp"

#include <curl/curl.h>

#include <mutex>

namespace agora::tracing {
namespace {

std::size_t discard(char*, std::size_t size, std::size_t count, void*) { return size * count; }

}  // namespace

struct HttpPost::Handle {
    CURL* curl = nullptr;
    curl_slist* headers = nullptr;
    ~Handle() {
        if (headers != nullptr) curl_slist_free_all(headers);
        if (curl != nullptr) curl_easy_cleanup(curl);
    }
};

HttpPost::HttpPost(std::string url, std::string content_type, std::chrono::milliseconds timeout)
    : url_(std::move(url)), handle_(std::make_unique<Handle>()) {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
    handle_->curl = curl_easy_init();
    if (handle_->curl == nullptr) return;
    handle_->headers = curl_slist_append(nullptr, ("Content-Type: " + content_type).c_str());
    handle_->headers = curl_slist_append(handle_->headers, "Expect:");  // no 100-continue round trip
    CURL* c = handle_->curl;
    curl_easy_setopt(c, CURLOPT_URL, url_.c_str());
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, handle_->headers);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(std::min<long>(timeout.count(), 300)));
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
}

HttpPost::~HttpPost() = default;

bool HttpPost::send(std::string_view body) {
    CURL* c = handle_->curl;
    if (c == nullptr) return false;
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.data());
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
    if (curl_easy_perform(c) != CURLE_OK) return false;
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    return status >= 200 && status < 300;
}

}  // namespace agora::tracing
