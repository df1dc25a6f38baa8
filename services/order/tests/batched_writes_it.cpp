// A batch must never fail an order for another's fault (runtime/batcher.hpp): orders PostgreSQL refuses
// share a group-committed batch with honest ones, and only they fail, each with the database's cause. The
// poison goes to the store directly, below the API that refuses it.
#include <algorithm>
#include <functional>
#include <optional>

#include "order_harness.hpp"
#include "events/order_events.hpp"
#include "store/order_store.hpp"
#include "testing/run_task.hpp"

namespace agora::order_service::test {
namespace {

// Runs `submit(i)` for each of `count` callers, all spawned before the loop runs: the first runs alone and
// every other one shares the next batch. Returns each caller's answer.
template <class T>
std::vector<Result<T>> submit_together(asio::io_context& io, int count,
                                       const std::function<Task<Result<T>>(int)>& submit) {
    std::vector<std::optional<Result<T>>> answers(count);
    for (int i = 0; i < count; ++i) {
        asio::co_spawn(io, [&, i]() -> Task<void> { answers[i] = co_await submit(i); }, asio::detached);
    }
    testing::run_until(
        io, [&] { return std::all_of(answers.begin(), answers.end(), [](auto& a) { return a.has_value(); }); });
    std::vector<Result<T>> out;
    for (auto& a : answers) out.push_back(std::move(*a));
    return out;
}

struct StoreOnItsOwnLoop {
    StoreOnItsOwnLoop() : pool(io, config()), store(pool, pool, 6s) {}
    static pg::PoolConfig config() {
        pg::PoolConfig c;
        c.conninfo = infra().database_url;
        c.size = 2;
        return c;
    }
    asio::io_context io;
    pg::Pool pool;
    OrderStore store;
};

std::string count_of(const Customer& customer, const std::string& status) {
    return infra().scalar("SELECT count(*) FROM orders WHERE customer_id = " + std::to_string(customer.id) +
                          " AND status = '" + status + "'");
}

TEST(OrderBatches, APoisonedInsertFailsAloneInItsBatch) {
    RunningService service;  // the schema
    StoreOnItsOwnLoop s;
    auto customer = new_customer();
    constexpr int kOrders = 30;
    // U+0000 in a description (PostgreSQL text cannot hold it), and an item of quantity 0 (order_items' CHECK).
    constexpr int kNul = 4, kZero = 17;
    auto answers = submit_together<std::optional<OrderId>>(s.io, kOrders, [&](int i) {
        NewOrder order{UserId{customer.id},
                       customer.email,
                       "batch-" + std::to_string(i),
                       i == kNul ? std::string("nul\0here", 8) : std::string("honest"),
                       {{ProductId{1}, i == kZero ? 0 : 1}}};
        return s.store.insert_creating(order);
    });
    for (int i = 0; i < kOrders; ++i) {
        if (i == kNul || i == kZero) continue;
        ASSERT_TRUE(answers[i]) << i << ": " << answers[i].error().message;
        EXPECT_TRUE(answers[i]->has_value()) << i;
    }
    for (int i : {kNul, kZero}) {
        ASSERT_FALSE(answers[i]) << i;
        EXPECT_EQ(answers[i].error().kind, ErrorKind::kInternal);
        EXPECT_EQ(answers[i].error().message.rfind("postgres", 0), 0u) << answers[i].error().message;
    }
    EXPECT_NE(answers[kZero].error().message.find("23514"), std::string::npos) << answers[kZero].error().message;
    EXPECT_EQ(count_of(customer, "CREATING"), std::to_string(kOrders - 2));
}

TEST(OrderBatches, APoisonedCommitFailsAloneInItsBatch) {
    RunningService service;  // the schema
    StoreOnItsOwnLoop s;
    auto customer = new_customer();
    constexpr int kOrders = 10;
    constexpr int kPoisoned = 6;
    std::vector<OrderId> ids;
    for (int i = 0; i < kOrders; ++i) {
        NewOrder order{UserId{customer.id}, customer.email, "commit-" + std::to_string(i), "", {{ProductId{1}, 2}}};
        auto id = testing::run_task(s.io, s.store.insert_creating(order));
        ASSERT_TRUE(id && *id) << (id ? "taken" : id.error().message);
        ids.push_back(**id);
    }
    // Two units at the highest price make a total past NUMERIC(12,2): the batch's update overflows.
    auto answers = submit_together<std::optional<OrderView>>(s.io, kOrders, [&](int i) {
        auto price = Money::parse(i == kPoisoned ? "9999999999.99" : "1.50").value();
        CommitRequest request{ids[i], {ReservedPrice{ProductId{1}, price}}, TimerPolicy{86400s, {}},
                              order_created(ids[i], {{ProductId{1}, 2}})};
        return s.store.commit(std::move(request));
    });
    for (int i = 0; i < kOrders; ++i) {
        if (i == kPoisoned) continue;
        ASSERT_TRUE(answers[i]) << i << ": " << answers[i].error().message;
        ASSERT_TRUE(answers[i]->has_value()) << i;
        EXPECT_EQ((*answers[i])->status, OrderStatus::kPending);
        EXPECT_EQ((*answers[i])->total.to_sql(), "3.00");
    }
    ASSERT_FALSE(answers[kPoisoned]);
    EXPECT_NE(answers[kPoisoned].error().message.find("postgres 22003"), std::string::npos)
        << answers[kPoisoned].error().message;
    EXPECT_EQ(count_of(customer, "PENDING"), std::to_string(kOrders - 1));
    EXPECT_EQ(count_of(customer, "CREATING"), "1");
}

}  // namespace
}  // namespace agora::order_service::test
