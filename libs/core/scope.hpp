#pragma once
// The work the code running now belongs to: a request or a message, with its trace context (the span
// that is current) and request id. Log lines and new spans read it.
//
// Coroutines of many requests interleave on one thread, so a plain thread-local would be wrong after
// the first suspension. Instead the executor a request's coroutines run on (runtime/scoped_executor.hpp)
// installs the request's Scope around every resumption, and removes it when the coroutine suspends.
#include <string>

#include "core/trace_context.hpp"

namespace agora::trace {

struct Scope {
    TraceContext context;    // the current span's; invalid when there is no trace
    std::string request_id;  // empty outside requests
    std::string failure;     // why the request is being answered with a 5xx, for its error line
};

// The scope of the work running on this thread; nullptr outside any.
Scope* current();

// Installs a scope on this thread until destroyed (nests).
class ScopeGuard {
public:
    explicit ScopeGuard(Scope* scope) noexcept;
    ~ScopeGuard();
    ScopeGuard(const ScopeGuard&) = delete;
    ScopeGuard& operator=(const ScopeGuard&) = delete;

private:
    Scope* previous_;
};

}  // namespace agora::trace
