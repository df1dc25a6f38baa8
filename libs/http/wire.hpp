#pragma once
// HTTP/1.1 messages as one contiguous buffer. Beast's serializer hands the kernel one iovec per header
// piece (dozens per message); one buffer makes each send a single copy, which measurably lowers the
// proxy's cost per request.
#include <string>

#include "http/message.hpp"

namespace agora::http {

// The message as bytes on the wire; call prepare_payload() first so Content-Length is set.
std::string wire_bytes(const Response& res);
std::string wire_bytes(const RawRequest& req);

}  // namespace agora::http
