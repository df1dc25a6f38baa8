#pragma once
// gzip for responses when the client accepts it (RFC 9110 12.5.3). Small bodies are left alone: below
// about a kilobyte the header costs more than it saves, and compressing costs CPU on every request.
#include <optional>
#include <string>
#include <string_view>

#include "http/message.hpp"

namespace agora::gateway {

inline constexpr std::size_t kCompressFrom = 1024;

// Whether an Accept-Encoding value allows gzip (a q-value of 0 refuses it).
bool accepts_gzip(std::string_view accept_encoding);
// The gzip stream of `data`, at a fast level; nullopt if zlib fails.
std::optional<std::string> gzip(std::string_view data);
// Compresses the response in place when the request accepts gzip and the body is worth it.
void compress_if_worth_it(const http::Request& req, http::Response& res);

}  // namespace agora::gateway
