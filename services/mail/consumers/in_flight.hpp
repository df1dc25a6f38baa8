#pragma once
// The deliveries being handled right now, so that a stop can abandon their retry waits and wait for
// the rest to finish (a send already talking to the SMTP server is let finish). Thread-safe; each
// entry's cancellation signal is emitted on the executor it was registered with, as Asio requires.
#include <chrono>
#include <condition_variable>
#include <list>
#include <memory>
#include <mutex>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/cancellation_signal.hpp>

#include "runtime/asio.hpp"

namespace agora::mail {

class InFlight {
    struct Slot {
        asio::any_io_executor executor;
        std::shared_ptr<asio::cancellation_signal> signal;
    };

public:
    // One delivery in progress; leaving the scope ends it.
    class Entry {
    public:
        Entry(InFlight& owner, std::list<Slot>::iterator slot) : owner_(&owner), slot_(slot) {}
        Entry(const Entry&) = delete;
        Entry& operator=(const Entry&) = delete;
        ~Entry();
        // Bind a send to this, so that stop() cancels its waits.
        asio::cancellation_slot cancellation() { return slot_->signal->slot(); }

    private:
        InFlight* owner_;
        std::list<Slot>::iterator slot_;
    };

    // A new entry for a delivery handled on `executor`, or nothing once stop() was called.
    std::unique_ptr<Entry> enter(asio::any_io_executor executor);
    // No new entries; cancels the waits of those in progress.
    void stop();
    bool stopping() const;
    int size() const;
    // Blocks until no entry is left or `deadline` passed; true when none is left. Not on an event loop.
    bool wait_idle(std::chrono::milliseconds deadline);

private:
    void leave(std::list<Slot>::iterator slot);

    mutable std::mutex mutex_;
    std::condition_variable idle_;
    std::list<Slot> slots_;
    bool stopping_ = false;
};

}  // namespace agora::mail
