#pragma once
// Schema migrations: numbered SQL files in a service's migrations/ folder (NNN_name.sql), embedded into
// the binary at build time by agora_embed_migrations(<target> <dir> <function>) (libs/pg/cmake), which
// defines `std::span<const agora::pg::Migration> <function>()`.
//
// migrate() applies the missing ones in version order, each in its own transaction, recording them in
// schema_migrations(version, name, checksum, applied_at). Every transaction first takes a
// transaction-level advisory lock, so replicas starting together apply each migration once. A migration
// whose statements changed after it was applied stops start-up: fix it with a new migration instead.
// Comments and white space are not part of the checksum, so they may be reworded. A row recorded when
// the checksum still covered the whole text is re-recorded the first time it is checked.
#include <span>
#include <string>
#include <string_view>

#include "pg/failure.hpp"
#include "runtime/asio.hpp"

namespace agora::pg {

class Pool;

struct Migration {
    int version;
    std::string_view name;
    std::string_view sql;
};

// SHA-256 of the SQL, lower-case hex.
std::string checksum(std::string_view sql);

// What schema_migrations records of a migration: "statements:" and the checksum of its statements
// without comments and with white space collapsed (pg/sql_text.hpp).
std::string recorded_checksum(std::string_view sql);

Task<Outcome<void>> migrate(Pool& pool, std::span<const Migration> migrations);

}  // namespace agora::pg
