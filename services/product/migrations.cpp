#include "migrations.hpp"

#include <algorithm>
#include <span>

#include "outbox/schema.hpp"

namespace agora::product {

std::span<const pg::Migration> embedded_migrations();

namespace {
// The outbox and inbox tables of libs/messaging take their place among the service's own migrations.
constexpr int kMessagingMigrationVersion = 3;
}  // namespace

std::vector<pg::Migration> all_migrations() {
    auto own = embedded_migrations();
    std::vector<pg::Migration> all(own.begin(), own.end());
    all.push_back(messaging::schema_migration(kMessagingMigrationVersion));
    std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) { return a.version < b.version; });
    return all;
}

}  // namespace agora::product
