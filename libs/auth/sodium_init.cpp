#include "auth/sodium_init.hpp"

#include <sodium.h>

#include <cstdlib>

namespace agora::auth {

void ensure_sodium() {
    // A static initialiser runs once even when threads race to it.
    static const bool ready = [] { return sodium_init() >= 0; }();
    // Without a working CSPRNG nothing here is safe to continue with.
    if (!ready) std::abort();
}

}  // namespace agora::auth
