#include "core/scope.hpp"

namespace agora::trace {
namespace {
thread_local Scope* t_current = nullptr;
}

Scope* current() { return t_current; }

ScopeGuard::ScopeGuard(Scope* scope) noexcept : previous_(t_current) { t_current = scope; }

ScopeGuard::~ScopeGuard() { t_current = previous_; }

}  // namespace agora::trace
