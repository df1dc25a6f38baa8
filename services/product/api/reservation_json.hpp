#pragma once
// A reservation's JSON (docs/adr/0006): the reserve body decoded and validated, the reservation encoded.
#include <boost/json/object.hpp>

#include "core/error.hpp"
#include "domain/reservation.hpp"

namespace agora::product {

// Decodes {"reservation_id","items":[{"product_id","quantity"}],"hold_s"?}: 400 for wrong types and
// invalid values (ids >= 1, quantities 1..INTEGER, at least one item, hold_s 1..86400).
Result<ReserveCommand> reserve_command_from(const boost::json::object& body);

// {"reservation_id","status","expires_at","items":[{"product_id","quantity","price"}]}
boost::json::object to_json(const Reservation& r);

}  // namespace agora::product
