#pragma once
// Reservations in PostgreSQL (docs/adr/0006). Stock only ever decreases in the guarded UPDATE of
// reserve(), rows are locked in product id order, and every state change checks the state it starts
// from, so repeated calls and redelivered events change nothing.
#include <chrono>
#include <optional>
#include <vector>

#include "core/error.hpp"
#include "domain/reservation.hpp"
#include "pg/pool.hpp"

namespace agora::product {

// What a transition did.
enum class Transition {
    kApplied,  // the state changed (and stock came back, for a release)
    kNoOp,     // already in a state where it changes nothing
    kUnknown,  // no reservation under that id (confirm only)
};

class ReservationStore {
public:
    explicit ReservationStore(pg::Pool& primary) : primary_(primary) {}

    // Holds the items' stock for `hold`, or refuses (404 product not found, 409 insufficient product
    // stock) taking nothing. A repeat of an id answers what the first request got.
    // `traceparent` (may be empty) travels with the product events of the change.
    Task<Result<Reservation>> reserve(const ReserveCommand& cmd, std::chrono::seconds hold, std::string traceparent);
    Task<Result<std::optional<Reservation>>> find(std::int64_t id);

    // HELD/CONFIRMED -> RELEASED with the stock added back; an unknown id is recorded as released.
    Task<Result<Transition>> release(std::int64_t id, std::string traceparent);
    Task<Result<Transition>> release(pg::Transaction& tx, std::int64_t id, std::string traceparent);
    // HELD -> CONFIRMED.
    Task<Result<Transition>> confirm(std::int64_t id);
    Task<Result<Transition>> confirm(pg::Transaction& tx, std::int64_t id);

    // HELD reservations whose hold has passed, oldest first.
    Task<Result<std::vector<std::int64_t>>> expired(int limit);

private:
    Task<Result<std::optional<Reservation>>> load(pg::Transaction* tx, std::int64_t id);
    Task<Result<Reservation>> record_refusal(const ReserveCommand& cmd, const Error& refusal);

    pg::Pool& primary_;
};

}  // namespace agora::product
