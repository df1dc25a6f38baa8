#pragma once
// The service's migrations (migrations/NNN_name.sql), embedded at build time.
#include <span>

#include "pg/migration.hpp"

namespace agora::auth_service {

std::span<const pg::Migration> migrations();

}  // namespace agora::auth_service
