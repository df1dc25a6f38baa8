#include "migrations.hpp"

#include <algorithm>

#include "outbox/schema.hpp"

namespace agora::order_service {
namespace {

// The outbox and inbox of libs/messaging take their place among the service's own migrations.
constexpr int kMessagingMigrationVersion = 2;

}  // namespace

std::vector<pg::Migration> all_migrations() {
    std::vector<pg::Migration> all(migrations().begin(), migrations().end());
    all.push_back(messaging::schema_migration(kMessagingMigrationVersion));
    std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) { return a.version < b.version; });
    return all;
}

}  // namespace agora::order_service
