#pragma once
// HTTP/1.1 messages as one contiguous buffer. Beast's serializer hands the kernel one iovec per header
// piece (dozens per message); one buffer makes each send a single copy, which measurably lowers the
// proxy's cost per request.
#include <string>
#include <string_view>

#include "http/message.hpp"

namespace agora::http {

// The message as bytes on the wire; call prepare_payload() first so Content-Length is set.
std::string wire_bytes(const Response& res);
std::string wire_bytes(const RawRequest& req);

// A response written as wire_head then wire_tail. A body of kCopiedBodyLimit bytes or more stays out
// of the head and is written from the response itself: copied, a large body (a page of products) is
// held twice for as long as a slow client takes to read it.
inline constexpr std::size_t kCopiedBodyLimit = 16 * 1024;
std::string wire_head(const Response& res);
std::string_view wire_tail(const Response& res);

}  // namespace agora::http
