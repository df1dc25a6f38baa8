#include "tests/service_harness.hpp"

#include "pg/pool.hpp"
#include "testing/run_task.hpp"

namespace agora::auth_service::test {
namespace {

Servers* g_servers = nullptr;

}  // namespace

Servers& servers() {
    if (!g_servers) {
        g_servers = new Servers();
        // The queues must exist before the consumers subscribe; the service declares them too.
        auto declared = amqp::declare(g_servers->amqp_config(), notification_topology());
        if (!declared) {
            throw std::runtime_error("cannot declare the notification topology: " + declared.error().message);
        }
        g_servers->mailbox = std::make_unique<Mailbox>(g_servers->amqp_config());
    }
    return *g_servers;
}

void destroy_servers() {
    delete g_servers;
    g_servers = nullptr;
}

std::string scalar(const std::string& database, const std::string& sql) {
    asio::io_context io(1);
    std::string value;
    {
        pg::PoolConfig config;
        config.conninfo = servers().postgres.url(database);
        config.size = 1;
        pg::Pool pool(io, config);
        value = testing::run_task(io, [&]() -> Task<std::string> {
            auto lease = co_await pool.acquire();
            if (!lease) co_return std::string();
            auto rows = co_await (*lease)->execute(sql);
            if (!rows || rows->empty() || rows->front().is_null(0)) co_return std::string();
            co_return rows->front().get<std::string>(0);
        }());
    }
    io.restart();
    io.run();
    return value;
}

namespace {
[[maybe_unused]] auto* const g_log = ::testing::AddGlobalTestEnvironment(new CapturedLog);
}  // namespace

}  // namespace agora::auth_service::test
