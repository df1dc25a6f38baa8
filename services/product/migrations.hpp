#pragma once
// The service's migrations (migrations/NNN_name.sql), embedded at build time, with the outbox and inbox
// tables of libs/messaging at their version.
#include <vector>

#include "pg/migration.hpp"

namespace agora::product {

std::vector<pg::Migration> all_migrations();

}  // namespace agora::product
