#include "context.hpp"

namespace agora::auth_service {

LoopBackends& Context::local() const {
    for (const auto& loop : loops) {
        if (loop->io->get_executor().running_in_this_thread()) return *loop;
    }
    // Only reached from a thread that runs no loop (a bug); loop 0 is the least surprising answer.
    return *loops.front();
}

}  // namespace agora::auth_service
