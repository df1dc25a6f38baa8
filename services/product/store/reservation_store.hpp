#pragma once
// Reservations in PostgreSQL (docs/adr/0006). Stock only ever decreases in the guarded UPDATE of
// reserve(), rows are locked in product id order, and every state change checks the state it starts
// from, so repeated calls and redelivered events change nothing.
#include <chrono>
#include <optional>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "core/strong_id.hpp"
#include "domain/reservation.hpp"
#include "pg/batch.hpp"
#include "pg/pool.hpp"
#include "runtime/batcher.hpp"
#include "store/change_log.hpp"

namespace agora::product {

// What a transition did.
enum class Transition {
    kApplied,  // the state changed (and stock came back, for a release)
    kNoOp,     // already in a state where it changes nothing
    kUnknown,  // no reservation under that id (confirm only)
};

struct ReserveRequest {
    ReserveCommand cmd;
    std::chrono::seconds hold{0};
    std::string traceparent;  // may be empty; travels with the product events of the change
    ChangeMessage message_of = nullptr;  // builds the product events of the change
};

class ReservationStore {
public:
    // Reservations that arrive while a batch commits share the next transaction (at most this many).
    static constexpr std::size_t kMaxBatch = 64;

    explicit ReservationStore(pg::Pool& primary)
        : primary_(primary),
          batcher_(kMaxBatch, [this](const std::vector<ReserveRequest>& r) { return reserve_all(r); }) {}

    // Holds the items' stock for `hold`, or refuses (404 product not found, 409 insufficient product
    // stock) taking nothing. A repeat of an id answers what the first request got. Concurrent calls on
    // one event loop are batched: a product's row is locked and written once per batch, whatever the
    // number of orders in it, and each order still gets its own version and event.
    Task<Result<Reservation>> reserve(const ReserveCommand& cmd, std::chrono::seconds hold, std::string traceparent,
                                      ChangeMessage message_of);
    // One batch, in one transaction: an answer per request, in order, or the failure of the whole batch
    // (nothing written), which the batcher then runs request by request.
    Task<Result<std::vector<Result<Reservation>>>> reserve_all(const std::vector<ReserveRequest>& requests);
    Task<Result<std::optional<Reservation>>> find(OrderId id);

    // HELD/CONFIRMED -> RELEASED with the stock added back, each product's change recording the event
    // `message_of` builds; an unknown id is recorded as released.
    Task<Result<Transition>> release(OrderId id, std::string traceparent, ChangeMessage message_of);
    Task<Result<Transition>> release(pg::Transaction& tx, OrderId id, std::string traceparent,
                                     ChangeMessage message_of);
    // HELD -> CONFIRMED.
    Task<Result<Transition>> confirm(OrderId id);
    Task<Result<Transition>> confirm(pg::Transaction& tx, OrderId id);
    // HELD -> CONFIRMED for a batch of events, as statements of `batch` (one or two, whatever the number
    // of events) whose rows are the ids they confirmed. An event with an id confirms only when
    // (consumer, event_id) is new to the inbox, recorded by the same statement; one without relies on
    // the state check alone.
    struct ConfirmEvent {
        OrderId reservation_id;
        std::string_view event_id;  // empty: none usable
    };
    static void confirm_all(pg::Batch& batch, const std::vector<ConfirmEvent>& events, std::string_view consumer);

    // HELD reservations whose hold has passed, oldest first.
    Task<Result<std::vector<OrderId>>> expired(int limit);

private:
    Task<Result<std::optional<Reservation>>> load(pg::Transaction* tx, OrderId id);

    pg::Pool& primary_;
    runtime::Batcher<ReserveRequest, Reservation> batcher_;
};

}  // namespace agora::product
