#pragma once
// The answers of the probes every process serves: /health says the process runs (liveness); /ready says
// whether what it needs answers (readiness), and a not-ready process asks to be tried again later.
#include <chrono>

#include "http/envelope.hpp"

namespace agora::http {

inline Response health_response() { return message("status UP"); }

inline Response ready_response(bool ready, std::chrono::seconds retry_after = std::chrono::seconds(5)) {
    if (!ready) return error(Error::retry_later(ErrorKind::kUnavailable, retry_after));
    return message("status READY");
}

}  // namespace agora::http
