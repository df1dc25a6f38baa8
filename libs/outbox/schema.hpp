#pragma once
// The outbox and inbox tables. A service that publishes or consumes events lists this
// migration among its own, at the version it chooses:
//
//   std::vector<pg::Migration> all(order::migrations().begin(), order::migrations().end());
//   all.push_back(messaging::schema_migration(100));
//   co_await pg::migrate(primary, all);
//
// Its text never changes once released (migrate() refuses changed migrations); a later change to these
// tables comes as a new function beside this one.
#include "pg/migration.hpp"

namespace agora::messaging {

pg::Migration schema_migration(int version);

}  // namespace agora::messaging
