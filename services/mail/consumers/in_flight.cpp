#include "mail/consumers/in_flight.hpp"

#include <boost/asio/post.hpp>

namespace agora::mail {

InFlight::Entry::~Entry() { owner_->leave(slot_); }

std::unique_ptr<InFlight::Entry> InFlight::enter(asio::any_io_executor executor) {
    std::lock_guard lock(mutex_);
    if (stopping_) return nullptr;
    slots_.push_front(Slot{std::move(executor), std::make_shared<asio::cancellation_signal>()});
    return std::make_unique<Entry>(*this, slots_.begin());
}

void InFlight::leave(std::list<Slot>::iterator slot) {
    std::lock_guard lock(mutex_);
    slots_.erase(slot);
    if (slots_.empty()) idle_.notify_all();
}

void InFlight::stop() {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    for (auto& slot : slots_) {
        // The signal is shared: it outlives its entry if the delivery ends before this runs.
        asio::post(slot.executor, [signal = slot.signal] { signal->emit(asio::cancellation_type::terminal); });
    }
}

bool InFlight::stopping() const {
    std::lock_guard lock(mutex_);
    return stopping_;
}

int InFlight::size() const {
    std::lock_guard lock(mutex_);
    return static_cast<int>(slots_.size());
}

bool InFlight::wait_idle(std::chrono::milliseconds deadline) {
    std::unique_lock lock(mutex_);
    return idle_.wait_for(lock, deadline, [this] { return slots_.empty(); });
}

}  // namespace agora::mail
