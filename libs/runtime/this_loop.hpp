#pragma once
// The part of a service that belongs to the event loop running the caller: pools, clients and stores are
// made once per loop and used only on it, so they need no lock. Each part names its loop in `io`.
#include <memory>
#include <vector>

namespace agora::runtime {

// The part whose loop runs the caller; the first when called from a thread that runs no loop (a bug,
// and the least surprising answer).
template <class Part>
Part& this_loop(const std::vector<std::unique_ptr<Part>>& parts) {
    for (const auto& part : parts) {
        if (part->io->get_executor().running_in_this_thread()) return *part;
    }
    return *parts.front();
}

}  // namespace agora::runtime
