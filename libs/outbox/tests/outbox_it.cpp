#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <set>
#include <string>

#include "core/ids.hpp"
#include "outbox/inbox.hpp"
#include "outbox/outbox.hpp"
#include "outbox/schema.hpp"
#include "pg/migration.hpp"
#include "testing/postgres_server.hpp"
#include "testing/run_task.hpp"

namespace agora::messaging {
namespace {

using testing::run_task;
using testing::run_until;
using namespace std::chrono_literals;

// Records what it is given; the broker side is tested against the real brokers elsewhere.
class RecordingPublisher : public Publisher {
public:
    Task<Result<void>> publish(const Message& message) override {
        if (!available) {
            ++refused;
            co_return fail(ErrorKind::kUnavailable, "broker down");
        }
        attempted.push_back(message.event_id);
        max_in_flight = std::max(max_in_flight, ++in_flight);
        if (confirm_after > 0ms) {  // a broker's round trip, during which the relay may start others
            asio::steady_timer round_trip(co_await asio::this_coro::executor, confirm_after);
            co_await round_trip.async_wait(asio::use_awaitable);
        }
        --in_flight;
        if (nacked.contains(message.event_id)) co_return fail(ErrorKind::kUnavailable, "nacked");
        received.push_back(message);
        co_return Result<void>{};
    }
    bool available = true;
    std::chrono::milliseconds confirm_after{0};
    std::set<std::string> nacked;  // event ids the broker refuses
    int refused = 0;
    int in_flight = 0;
    int max_in_flight = 0;
    std::vector<std::string> attempted;  // event ids, in the order publishing started
    std::vector<Message> received;       // confirmed
};

Message event(std::string key, int sequence) {
    Message m;
    m.event_id = ids::uuid();
    m.event_type = "order-updated";
    m.destination = "orders";
    m.key = std::move(key);
    m.payload = "{\"seq\":" + std::to_string(sequence) + "}";
    return m;
}

class OutboxIt : public ::testing::Test {
protected:
    static void SetUpTestSuite() { server_ = new testing::PostgresServer(); }
    static void TearDownTestSuite() {
        delete server_;
        server_ = nullptr;
    }

    void SetUp() override {
        static int databases = 0;
        auto name = "outbox_" + std::to_string(++databases);
        server_->create_database(name);
        pg::PoolConfig config;
        config.conninfo = server_->url(name);
        config.size = 4;
        config.acquire_timeout = 5s;
        pool_.emplace(io_, config);
        std::array migrations{schema_migration(1)};
        auto migrated = run_task(io_, pg::migrate(*pool_, migrations));
        ASSERT_TRUE(migrated) << migrated.error().message;
    }
    void TearDown() override {
        if (relay_) {
            relay_->stop();
            run_until(io_, [&] { return relay_done_; }, 10s);
        }
    }

    void start_relay(std::chrono::seconds retention = std::chrono::hours(24),
                     std::shared_ptr<OutboxMetrics> metrics = nullptr) {
        RelayConfig config;
        config.metrics = std::move(metrics);
        config.retention = retention;
        config.prune_interval = 0ms;
        config.poll_interval = poll_interval_;
        config.pass_spacing = pass_spacing_;
        config.backoff_initial = 20ms;
        config.backoff_max = 200ms;
        relay_.emplace(*pool_, publisher_, config);
        asio::co_spawn(io_, relay_->run(), [this](std::exception_ptr) { relay_done_ = true; });
    }
    // Lets the relay finish `n` more passes, so that a negative check has given it every chance.
    void let_relay_pass(int n) {
        auto target = relay_->passes() + n;
        run_until(io_, [&] { return relay_->passes() >= target; }, 10s);
    }
    void commit_event(const Message& m) {
        run_task(io_, [&]() -> Task<void> {
            auto tx = co_await pool_->begin();
            EXPECT_TRUE(tx);
            EXPECT_TRUE(co_await enqueue(*tx, m));
            EXPECT_TRUE(co_await tx->commit());
        }());
        relay_->notify();
    }
    std::int64_t scalar(pg::Query query) {
        auto rows = run_task(io_, pool_->query(query));
        EXPECT_TRUE(rows) << rows.error().message;
        return rows ? rows->front().get<std::int64_t>(0) : -1;
    }

    std::vector<std::string> event_ids(pg::Query query) {
        std::vector<std::string> ids;
        auto rows = run_task(io_, pool_->query(query));
        EXPECT_TRUE(rows) << rows.error().message;
        if (rows) {
            for (auto row : *rows) ids.push_back(row.get<std::string>(0));
        }
        return ids;
    }
    void commit_together(const std::vector<Message>& messages) {
        run_task(io_, [&]() -> Task<void> {
            auto tx = co_await pool_->begin();
            EXPECT_TRUE(tx);
            for (const auto& m : messages) EXPECT_TRUE(co_await enqueue(*tx, m));
            EXPECT_TRUE(co_await tx->commit());
        }());
    }

    static testing::PostgresServer* server_;
    asio::io_context io_;
    std::optional<pg::Pool> pool_;
    RecordingPublisher publisher_;
    std::optional<OutboxRelay> relay_;
    bool relay_done_ = false;
    std::chrono::milliseconds poll_interval_ = 100ms;
    std::chrono::milliseconds pass_spacing_ = RelayConfig{}.pass_spacing;
};

testing::PostgresServer* OutboxIt::server_ = nullptr;

TEST_F(OutboxIt, ALoneEventGoesOutAtOnceAndAStreamInOnePassPerSpacing) {
    poll_interval_ = 60s;  // only notifications start passes here
    pass_spacing_ = 1000ms;  // long beside the machine's stalls, so that the bounds below hold on a busy one
    start_relay();
    let_relay_pass(1);
    // Idle for longer than the spacing: the next event is not held back.
    auto idle_until = std::chrono::steady_clock::now() + 1100ms;
    run_until(io_, [&] { return std::chrono::steady_clock::now() >= idle_until; }, 10s);
    auto passes = relay_->passes();
    auto first_notified = std::chrono::steady_clock::now();
    commit_event(event("order-1", 1));
    run_until(io_, [&] { return publisher_.received.size() == 1 && relay_->passes() == passes + 1; }, 10s);
    EXPECT_LT(std::chrono::steady_clock::now() - first_notified, 800ms);

    // Two more right behind it wait for the spacing, then go out together in one pass.
    commit_event(event("order-2", 2));
    commit_event(event("order-3", 3));
    run_until(io_, [&] { return publisher_.received.size() == 3; }, 10s);
    EXPECT_GE(std::chrono::steady_clock::now() - first_notified, 1000ms);
    run_until(io_, [&] { return relay_->passes() >= passes + 2; }, 10s);
    EXPECT_EQ(relay_->passes(), passes + 2);
}

TEST_F(OutboxIt, NothingIsPublishedBeforeCommit) {
    start_relay();
    auto m = event("order-1", 1);
    m.traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    m.occurred_at = "2025-02-10T22:24:43.040231Z";
    m.headers = {{"version", "3"}, {"source", "order"}};

    auto tx = run_task(io_, pool_->begin());
    ASSERT_TRUE(tx);
    ASSERT_TRUE(run_task(io_, enqueue(*tx, m)));
    relay_->notify();
    let_relay_pass(3);
    EXPECT_TRUE(publisher_.received.empty());

    ASSERT_TRUE(run_task(io_, tx->commit()));
    relay_->notify();
    run_until(io_, [&] { return publisher_.received.size() == 1; }, 10s);
    const auto& got = publisher_.received.front();
    EXPECT_EQ(got.event_id, m.event_id);
    EXPECT_EQ(got.event_type, m.event_type);
    EXPECT_EQ(got.destination, m.destination);
    EXPECT_EQ(got.key, m.key);
    EXPECT_EQ(got.payload, m.payload);
    EXPECT_EQ(got.traceparent, m.traceparent);
    EXPECT_EQ(got.occurred_at, m.occurred_at);
    EXPECT_EQ(got.headers, m.headers);
    run_until(io_, [&] { return relay_->published() == 1 && relay_->backlog() == 0; }, 10s);
    EXPECT_EQ(scalar({"unpublished", "SELECT count(*) FROM outbox WHERE published_at IS NULL"}), 0);
}

TEST_F(OutboxIt, RolledBackEventsAreNeverPublished) {
    start_relay();
    run_task(io_, [&]() -> Task<void> {
        auto rolled_back = co_await pool_->begin();
        EXPECT_TRUE(co_await enqueue(*rolled_back, event("k", 1)));
        EXPECT_TRUE(co_await rolled_back->rollback());
        auto dropped = co_await pool_->begin();
        EXPECT_TRUE(co_await enqueue(*dropped, event("k", 2)));
    }());
    auto marker = event("k", 3);
    commit_event(marker);
    run_until(io_, [&] { return !publisher_.received.empty(); }, 10s);
    let_relay_pass(2);
    ASSERT_EQ(publisher_.received.size(), 1u);
    EXPECT_EQ(publisher_.received.front().event_id, marker.event_id);
}

TEST_F(OutboxIt, EverythingArrivesInOrderOnceThePublisherRecovers) {
    start_relay();
    publisher_.available = false;
    std::vector<Message> sent;
    for (int i = 0; i < 20; ++i) {
        sent.push_back(event(i % 2 ? "order-a" : "order-b", i));
        commit_event(sent.back());
    }
    run_until(io_, [&] { return relay_->failures() >= 3; }, 10s);
    EXPECT_GE(publisher_.refused, 3);
    EXPECT_TRUE(publisher_.received.empty());

    publisher_.available = true;
    run_until(io_, [&] { return publisher_.received.size() >= 20; }, 20s);
    let_relay_pass(2);
    ASSERT_EQ(publisher_.received.size(), 20u);  // each once
    for (size_t i = 0; i < sent.size(); ++i) EXPECT_EQ(publisher_.received[i].event_id, sent[i].event_id);
    run_until(io_, [&] { return relay_->backlog() == 0; }, 10s);
    EXPECT_EQ(scalar({"unpublished", "SELECT count(*) FROM outbox WHERE published_at IS NULL"}), 0);
    EXPECT_GE(scalar({"first_attempts", "SELECT attempts FROM outbox ORDER BY id LIMIT 1"}), 2);
}

double metric(prometheus::Registry& registry, const std::string& name) {
    for (const auto& family : registry.Collect()) {
        if (family.name != name || family.metric.empty()) continue;
        const auto& m = family.metric.front();
        return family.type == prometheus::MetricType::Counter ? m.counter.value : m.gauge.value;
    }
    return -1;
}

TEST_F(OutboxIt, MetricsShowTheBacklogGrowWhileTheBrokerRefuses) {
    prometheus::Registry registry;
    start_relay(std::chrono::hours(24), OutboxMetrics::make(registry));
    publisher_.available = false;
    for (int i = 0; i < 3; ++i) commit_event(event("stuck", i));
    // The backlog is checked after failed passes too: it shows while nothing can be published.
    run_until(io_, [&] { return metric(registry, "agora_outbox_backlog") == 3; }, 10s);
    EXPECT_EQ(metric(registry, "agora_outbox_backlog"), 3);
    run_until(io_, [&] { return metric(registry, "agora_outbox_oldest_age_seconds") >= 0.3; }, 10s);
    EXPECT_GE(metric(registry, "agora_outbox_oldest_age_seconds"), 0.3);
    EXPECT_GE(metric(registry, "agora_outbox_relay_failures_total"), 1);
    EXPECT_EQ(metric(registry, "agora_outbox_published_total"), 0);

    publisher_.available = true;
    run_until(io_, [&] { return metric(registry, "agora_outbox_backlog") == 0; }, 10s);
    EXPECT_EQ(metric(registry, "agora_outbox_published_total"), 3);
    EXPECT_EQ(metric(registry, "agora_outbox_oldest_age_seconds"), 0);
}

TEST_F(OutboxIt, ABacklogLargerThanABatchIsDrained) {
    std::vector<Message> sent;
    run_task(io_, [&]() -> Task<void> {
        auto tx = co_await pool_->begin();
        for (int i = 0; i < 250; ++i) {
            sent.push_back(event("bulk", i));
            EXPECT_TRUE(co_await enqueue(*tx, sent.back()));
        }
        EXPECT_TRUE(co_await tx->commit());
    }());
    start_relay();  // finds them without a notify
    run_until(io_, [&] { return publisher_.received.size() >= 250; }, 20s);
    ASSERT_EQ(publisher_.received.size(), 250u);
    EXPECT_EQ(publisher_.received.back().event_id, sent.back().event_id);
}

TEST_F(OutboxIt, AClaimedBatchIsPublishedAllAtOnce) {
    std::vector<Message> sent;
    for (int i = 0; i < 10; ++i) sent.push_back(event(i % 3 ? "order-a" : "order-b", i));
    commit_together(sent);
    publisher_.confirm_after = 100ms;
    start_relay();
    run_until(io_, [&] { return relay_->published() == 10; }, 10s);
    // Serial publishing would have had one in flight at a time.
    EXPECT_EQ(publisher_.max_in_flight, 10);
    ASSERT_EQ(publisher_.attempted.size(), 10u);
    for (size_t i = 0; i < sent.size(); ++i) EXPECT_EQ(publisher_.attempted[i], sent[i].event_id);  // claim order
    EXPECT_EQ(scalar({"unpublished", "SELECT count(*) FROM outbox WHERE published_at IS NULL"}), 0);
}

TEST_F(OutboxIt, AFailureHoldsBackTheLaterEventsOfItsKeyOnly) {
    auto a1 = event("a", 1), b1 = event("b", 1), a2 = event("a", 2), a3 = event("a", 3), b2 = event("b", 2);
    auto other = event("a", 4);
    other.destination = "payments";  // the same key elsewhere is another stream
    auto a4 = event("a", 5);
    commit_together({a1, b1, a2, a3, b2, other, a4});
    publisher_.confirm_after = 20ms;
    publisher_.nacked = {a2.event_id};
    start_relay();
    run_until(io_, [&] { return relay_->failures() >= 1; }, 10s);
    EXPECT_EQ(publisher_.max_in_flight, 7);  // a3 and a4 were in flight and confirmed, yet must wait for a2
    EXPECT_EQ(event_ids({"published_ids", "SELECT event_id::text FROM outbox WHERE published_at IS NOT NULL "
                                          "ORDER BY id"}),
              (std::vector{a1.event_id, b1.event_id, b2.event_id, other.event_id}));
    EXPECT_EQ(event_ids({"unpublished_ids",
                         "SELECT event_id::text FROM outbox WHERE published_at IS NULL ORDER BY id"}),
              (std::vector{a2.event_id, a3.event_id, a4.event_id}));
    EXPECT_EQ(event_ids({"failed_ids", "SELECT event_id::text FROM outbox WHERE last_error IS NOT NULL ORDER BY id"}),
              (std::vector{a2.event_id}));

    publisher_.nacked.clear();
    run_until(io_, [&] { return relay_->published() == 7; }, 10s);
    EXPECT_EQ(scalar({"unpublished", "SELECT count(*) FROM outbox WHERE published_at IS NULL"}), 0);
    // The key's last word is its latest event: a3 and a4 went out again after a2.
    std::vector<std::string> key_a;
    for (const auto& m : publisher_.received) {
        if (m.destination == "orders" && m.key == "a") key_a.push_back(m.event_id);
    }
    ASSERT_GE(key_a.size(), 3u);
    EXPECT_EQ(std::vector(key_a.end() - 3, key_a.end()), (std::vector{a2.event_id, a3.event_id, a4.event_id}));
}

TEST_F(OutboxIt, PublishedRowsAreDeletedAfterTheRetention) {
    start_relay(0s);
    commit_event(Message{.event_type = "e", .destination = "d", .payload = "{}"});
    run_until(io_, [&] { return relay_->pruned() >= 1; }, 10s);
    EXPECT_EQ(relay_->pruned(), 1);
    EXPECT_EQ(scalar(pg::Query{"count_outbox", "SELECT count(*) FROM outbox"}), 0);
}

TEST_F(OutboxIt, UnpublishedAndRecentRowsAreKept) {
    start_relay();
    commit_event(Message{.event_type = "e", .destination = "d", .payload = "{}"});
    run_until(io_, [&] { return relay_->published() == 1; }, 10s);
    let_relay_pass(2);
    EXPECT_EQ(scalar(pg::Query{"count_outbox_kept", "SELECT count(*) FROM outbox"}), 1);
}

TEST_F(OutboxIt, StopEndsTheRelay) {
    start_relay();
    let_relay_pass(1);
    relay_->stop();
    run_until(io_, [&] { return relay_done_; }, 5s);
    EXPECT_FALSE(relay_->running());
}

TEST_F(OutboxIt, InboxRecognisesEventsItHasSeen) {
    Inbox inbox;
    auto id = ids::uuid();
    auto first = [&](std::string consumer, std::string event_id, bool commit) {
        return run_task(io_, [&]() -> Task<pg::Outcome<bool>> {
            auto tx = co_await pool_->begin();
            if (!tx) co_return pg::failed(tx.error());
            auto fresh = co_await inbox.first_time(*tx, consumer, event_id);
            if (commit) {
                EXPECT_TRUE(co_await tx->commit());
            } else {
                EXPECT_TRUE(co_await tx->rollback());
            }
            co_return fresh;
        }());
    };
    EXPECT_EQ(first("mail", id, true), true);
    EXPECT_EQ(first("mail", id, true), false);   // redelivered: skip
    EXPECT_EQ(first("audit", id, true), true);   // another consumer has its own record
    auto other = ids::uuid();
    EXPECT_EQ(first("mail", other, false), true);  // rolled back with the effect...
    EXPECT_EQ(first("mail", other, true), true);   // ...so the redelivery is handled
    auto bad = first("mail", "not-a-uuid", false);
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().sqlstate, "22P02");
}

}  // namespace
}  // namespace agora::messaging
