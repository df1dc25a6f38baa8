#pragma once
// The mail service's migrations (services/mail/migrations/NNN_name.sql), embedded at build time.
#include <span>

#include "pg/migration.hpp"

namespace agora::mail {

std::span<const pg::Migration> migrations();

}  // namespace agora::mail
