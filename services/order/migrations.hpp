#pragma once
// The service's migrations (migrations/NNN_name.sql, embedded at build time) with the outbox and inbox of
// libs/messaging at version 2.
#include <span>
#include <vector>

#include "pg/migration.hpp"

namespace agora::order_service {

std::span<const pg::Migration> migrations();
std::vector<pg::Migration> all_migrations();

}  // namespace agora::order_service
