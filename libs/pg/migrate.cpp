#include <openssl/evp.h>

#include <algorithm>
#include <map>
#include <vector>

#include "core/hex.hpp"
#include "core/log.hpp"
#include "pg/migration.hpp"
#include "pg/pool.hpp"
#include "pg/sql_text.hpp"

namespace agora::pg {
namespace {

// The lock's key: any constant that other code does not use for pg_advisory_xact_lock.
constexpr std::string_view kLockSql = "SELECT pg_advisory_xact_lock(7280419352671)";
constexpr std::string_view kCreateTableSql =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " version integer PRIMARY KEY,"
    " name text NOT NULL,"
    " checksum text NOT NULL,"
    " applied_at timestamptz NOT NULL DEFAULT now())";
constexpr Query kApplied{"pg_migrations_applied", "SELECT version, checksum FROM schema_migrations"};
constexpr Query kRecord{"pg_migrations_record",
                        "INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)"};
constexpr Query kRerecord{"pg_migrations_rerecord", "UPDATE schema_migrations SET checksum = $2 WHERE version = $1"};
constexpr std::string_view kStatementsPrefix = "statements:";

// Whether an applied migration still has the statements it was applied with; a row of the earlier whole-text
// checksum is taken as it is (its comments may have been reworded since) and re-recorded by the caller.
enum class Check { kSame, kRerecord, kChanged };
Check check_applied(const std::string& recorded, std::string_view sql) {
    if (recorded.starts_with(kStatementsPrefix)) return recorded == recorded_checksum(sql) ? Check::kSame : Check::kChanged;
    return Check::kRerecord;
}

// Applies the first missing migration in one transaction; false when none was missing.
Task<Outcome<bool>> apply_next(Pool& pool, const std::vector<Migration>& ordered) {
    auto tx = co_await pool.begin();
    if (!tx) co_return failed(std::move(tx.error()));
    if (auto locked = co_await tx->execute(std::string(kLockSql)); !locked) co_return failed(locked.error());
    if (auto created = co_await tx->execute(std::string(kCreateTableSql)); !created) {
        co_return failed(created.error());
    }
    auto rows = co_await tx->query(kApplied);
    if (!rows) co_return failed(std::move(rows.error()));
    std::map<int, std::string> applied;
    for (auto row : *rows) applied.emplace(row.get<int>(0), row.get<std::string>(1));

    const Migration* next = nullptr;
    bool rerecorded = false;
    for (const auto& m : ordered) {
        auto found = applied.find(m.version);
        if (found == applied.end()) {
            if (!next) next = &m;
            continue;
        }
        switch (check_applied(found->second, m.sql)) {
            case Check::kSame:
                break;
            case Check::kChanged:
                co_return failed(Failure::client("migration " + std::to_string(m.version) + " (" +
                                                 std::string(m.name) +
                                                 ") changed after it was applied; add a new migration instead"));
            case Check::kRerecord:
                if (auto updated = co_await tx->query(kRerecord, m.version, recorded_checksum(m.sql)); !updated) {
                    co_return failed(std::move(updated.error()));
                }
                if (found->second != checksum(m.sql)) {
                    log::warn("migration re-recorded: its text differs from the one applied (comments reworded)",
                              {{"version", std::to_string(m.version)}, {"name", std::string(m.name)}});
                }
                rerecorded = true;
                break;
        }
    }
    if (!next) {
        if (rerecorded) {
            if (auto committed = co_await tx->commit(); !committed) co_return failed(std::move(committed.error()));
        } else {
            co_await tx->rollback();
        }
        co_return false;
    }
    if (auto done = co_await tx->execute(std::string(next->sql)); !done) {
        auto failure = done.error();
        failure.message = "migration " + std::to_string(next->version) + " failed: " + failure.message;
        co_return failed(std::move(failure));
    }
    if (auto recorded = co_await tx->query(kRecord, next->version, next->name, recorded_checksum(next->sql));
        !recorded) {
        co_return failed(std::move(recorded.error()));
    }
    if (auto committed = co_await tx->commit(); !committed) co_return failed(std::move(committed.error()));
    log::info("migration applied", {{"version", std::to_string(next->version)}, {"name", std::string(next->name)}});
    co_return true;
}

}  // namespace

std::string checksum(std::string_view sql) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    EVP_Digest(sql.data(), sql.size(), digest, &length, EVP_sha256(), nullptr);
    return to_hex(digest, length);
}

std::string recorded_checksum(std::string_view sql) {
    return std::string(kStatementsPrefix) + checksum(statements_of(sql));
}

Task<Outcome<void>> migrate(Pool& pool, std::span<const Migration> migrations) {
    std::vector<Migration> ordered(migrations.begin(), migrations.end());
    std::sort(ordered.begin(), ordered.end(), [](const auto& a, const auto& b) { return a.version < b.version; });
    for (size_t i = 1; i < ordered.size(); ++i) {
        if (ordered[i].version == ordered[i - 1].version) {
            co_return failed(Failure::client("two migrations have version " + std::to_string(ordered[i].version)));
        }
    }
    while (true) {
        auto applied = co_await apply_next(pool, ordered);
        if (!applied) co_return failed(std::move(applied.error()));
        if (!*applied) co_return Outcome<void>{};
    }
}

}  // namespace agora::pg
