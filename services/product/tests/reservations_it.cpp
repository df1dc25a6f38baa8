// The product side of docs/adr/0006 through the internal API: no oversell under concurrency, idempotent
// reserves (refusals included), releases that give stock back exactly once.
#include <algorithm>
#include <atomic>
#include <optional>
#include <tuple>

#include "events/product_events.hpp"
#include "store/reservation_store.hpp"
#include "testing/run_task.hpp"
#include "tests/service_harness.hpp"

namespace agora::product::test {
namespace {

std::string reserve_body(std::int64_t reservation, const std::vector<std::pair<std::int64_t, int>>& items,
                         int hold_s = 0) {
    boost::json::array list;
    for (const auto& [product, quantity] : items) list.push_back({{"product_id", product}, {"quantity", quantity}});
    boost::json::object body{{"reservation_id", reservation}, {"items", list}};
    if (hold_s > 0) body["hold_s"] = hold_s;
    return boost::json::serialize(body);
}

TEST_F(ProductIt, NoOversellUnderConcurrentReservations) {
    auto s = start([](ProductConfig& c) { c.primary.acquire_timeout = 30000ms; });
    auto product = create(*s, "Scarce", "Only ten", "5", 10);
    constexpr int kRequests = 50;
    std::atomic<int> reserved{0}, refused{0}, other{0};
    std::vector<std::thread> clients;
    for (int i = 0; i < kRequests; ++i) {
        clients.emplace_back([&, i] {
            auto reply = s->call("POST", "/internal/reservations", reserve_body(reservation_id(i), {{product, 1}}));
            if (reply.status == 201) {
                ++reserved;
            } else if (reply.status == 409 && reply.body == R"({"message":"insufficient product stock"})") {
                ++refused;
            } else {
                ++other;
            }
        });
    }
    for (auto& t : clients) t.join();
    EXPECT_EQ(reserved.load(), 10);
    EXPECT_EQ(refused.load(), 40);
    EXPECT_EQ(other.load(), 0);
    EXPECT_EQ(query("SELECT quantity FROM products WHERE id = " + std::to_string(product)), "0");
    EXPECT_EQ(query("SELECT count(*) FROM reservations WHERE status = 'HELD'"), "10");
    EXPECT_EQ(query("SELECT count(*) FROM reservations WHERE status = 'REFUSED'"), "40");
    // Every stock change is a version: 1 (created) + 10 reservations.
    EXPECT_EQ(query("SELECT max(version) FROM product_events WHERE product_id = " + std::to_string(product)), "11");
    auto metrics = s->call("GET", "/metrics").body;
    EXPECT_NE(metrics.find("agora_product_reservations_total{result=\"reserved\"} 10"), std::string::npos);
    EXPECT_NE(metrics.find("agora_product_reservations_total{result=\"refused_stock\"} 40"), std::string::npos);
}

// A batch must never fail a reservation for another's fault: one whose item PostgreSQL refuses (a zero
// quantity breaks reservation_items' CHECK; the API refuses it, so it goes to the store directly) shares a
// batch with honest ones, and only it fails, with the database's cause.
TEST_F(ProductIt, APoisonedReservationFailsAloneInItsBatch) {
    auto s = start();
    auto product = create(*s, "Batched", "b", "2", 100);
    asio::io_context io;
    pg::PoolConfig pool_config;
    pool_config.conninfo = servers().postgres.url(db_);
    pool_config.size = 2;
    pg::Pool pool(io, pool_config);
    ReservationStore store(pool);
    constexpr int kRequests = 10;
    constexpr int kPoisoned = 3;
    std::vector<std::optional<Result<Reservation>>> answers(kRequests);
    // Spawned together: the first runs alone and the nine behind it share the next batch.
    for (int i = 0; i < kRequests; ++i) {
        ReserveCommand cmd{
            OrderId{reservation_id(i)}, {ReservationItem{ProductId{product}, i == kPoisoned ? 0 : 1, Money()}}, {}};
        asio::co_spawn(
            io, [&, i, cmd]() -> Task<void> { answers[i] = co_await store.reserve(cmd, 60s, "", change_message); },
            asio::detached);
    }
    testing::run_until(
        io, [&] { return std::all_of(answers.begin(), answers.end(), [](const auto& a) { return a.has_value(); }); });
    for (int i = 0; i < kRequests; ++i) {
        if (i == kPoisoned) continue;
        ASSERT_TRUE(*answers[i]) << i << ": " << (*answers[i]).error().message;
        EXPECT_EQ((*answers[i])->status, ReservationStatus::kHeld);
    }
    const auto& poisoned = *answers[kPoisoned];
    ASSERT_FALSE(poisoned);
    EXPECT_EQ(poisoned.error().kind, ErrorKind::kInternal);
    EXPECT_NE(poisoned.error().message.find("postgres 23514"), std::string::npos) << poisoned.error().message;
    EXPECT_EQ(query("SELECT quantity FROM products WHERE id = " + std::to_string(product)), "91");
    EXPECT_EQ(query("SELECT count(*) FROM reservations WHERE status = 'HELD'"), "9");
    EXPECT_EQ(query("SELECT count(*) FROM reservations WHERE id = " + std::to_string(reservation_id(kPoisoned))), "0");
}

TEST_F(ProductIt, NoOversellAcrossTwoEventLoopsAndTwoProducts) {
    auto s = start([](ProductConfig& c) {
        c.threads = 2;
        c.primary.acquire_timeout = 30000ms;
    });
    auto a = create(*s, "A", "a", "1", 7);
    auto b = create(*s, "B", "b", "1", 7);
    std::atomic<int> reserved{0};
    std::vector<std::thread> clients;
    for (int i = 0; i < 20; ++i) {
        // Half the requests name the products in the other order: locks are still taken by id.
        auto items = i % 2 ? std::vector<std::pair<std::int64_t, int>>{{a, 1}, {b, 1}}
                           : std::vector<std::pair<std::int64_t, int>>{{b, 1}, {a, 1}};
        clients.emplace_back([&, i, items] {
            auto reply = s->call("POST", "/internal/reservations", reserve_body(reservation_id(i), items));
            if (reply.status == 201) ++reserved;
        });
    }
    for (auto& t : clients) t.join();
    EXPECT_EQ(reserved.load(), 7);
    EXPECT_EQ(query("SELECT sum(quantity) FROM products"), "0");
    EXPECT_EQ(query("SELECT count(*) FROM reservations WHERE status = 'REFUSED'"), "13");
}

TEST_F(ProductIt, ReservationsAreIdempotentAndAnswerPrices) {
    auto s = start();
    auto a = create(*s, "A", "a", "10.5", 5);
    auto b = create(*s, "B", "b", "3", 5);
    auto body = reserve_body(reservation_id(1), {{b, 2}, {a, 1}, {b, 1}}, 60);
    auto first = s->call("POST", "/internal/reservations", body);
    ASSERT_EQ(first.status, 201) << first.body;
    auto data = first.json().at("data");
    EXPECT_EQ(data.at("reservation_id").as_int64(), reservation_id(1));
    EXPECT_EQ(data.at("status").as_string(), "HELD");
    EXPECT_TRUE(data.at("expires_at").as_string().ends_with("Z"));
    auto items = data.at("items").as_array();
    ASSERT_EQ(items.size(), 2u);
    EXPECT_EQ(items[0].at("product_id").as_int64(), a);
    EXPECT_EQ(items[0].at("price").as_string(), "10.5");
    EXPECT_EQ(items[1].at("product_id").as_int64(), b);
    EXPECT_EQ(items[1].at("quantity").as_int64(), 3);
    auto repeat = s->call("POST", "/internal/reservations", body);
    EXPECT_EQ(repeat.status, 201);
    EXPECT_EQ(repeat.body, first.body);
    EXPECT_EQ(query("SELECT quantity FROM products WHERE id = " + std::to_string(b)), "2");
    // The same id for other items (an order id handed out again after the order database lost it).
    auto reused = s->call("POST", "/internal/reservations", reserve_body(reservation_id(1), {{a, 1}, {b, 2}}, 60));
    EXPECT_EQ(reused.status, 409);
    EXPECT_EQ(reused.body, R"({"message":"reservation id holds other items"})");
    EXPECT_EQ(query("SELECT quantity FROM products WHERE id = " + std::to_string(b)), "2");
    EXPECT_EQ(query("SELECT quantity FROM products WHERE id = " + std::to_string(a)), "4");

    // A refusal takes nothing and stays the answer for its id, even once stock is back.
    auto refused = s->call("POST", "/internal/reservations", reserve_body(reservation_id(2), {{a, 1}, {b, 3}}));
    EXPECT_EQ(refused.status, 409);
    EXPECT_EQ(refused.body, R"({"message":"insufficient product stock"})");
    EXPECT_EQ(query("SELECT quantity FROM products WHERE id = " + std::to_string(a)), "4");
    ASSERT_EQ(s->call("PUT", "/products/" + std::to_string(b),
                      R"({"name":"B","description":"b","price":3,"quantity":50})",
                      kAdmin).status, 200);
    auto retried = s->call("POST", "/internal/reservations", reserve_body(reservation_id(2), {{a, 1}, {b, 3}}));
    EXPECT_EQ(retried.status, 409);
    EXPECT_EQ(query("SELECT quantity FROM products WHERE id = " + std::to_string(b)), "50");

    auto missing = s->call("POST", "/internal/reservations", reserve_body(reservation_id(3), {{a, 1}, {987654, 1}}));
    EXPECT_EQ(missing.status, 404);
    EXPECT_EQ(missing.body, R"({"message":"product not found"})");
    EXPECT_EQ(query("SELECT quantity FROM products WHERE id = " + std::to_string(a)), "4");
    // A deleted product cannot be reserved.
    ASSERT_EQ(s->call("DELETE", "/products/" + std::to_string(a), "", kAdmin).status, 200);
    EXPECT_EQ(s->call("POST", "/internal/reservations", reserve_body(reservation_id(4), {{a, 1}})).status, 404);

    auto seen = s->call("GET", "/internal/reservations/" + std::to_string(reservation_id(2)));
    EXPECT_EQ(seen.status, 200);
    EXPECT_EQ(seen.json().at("data").at("status").as_string(), "REFUSED");
    EXPECT_EQ(s->call("GET", "/internal/reservations/1").status, 404);
}

// The internal API took calls from anyone who connected: it now takes only the order service's (or another
// service's) signed calls, not the gateway's nor unsigned ones, and a refused call changes nothing.
TEST_F(ProductIt, InternalRoutesTakeOnlyAServicesSignature) {
    auto s = start();
    auto p = create(*s, "P", "p", "2", 10);
    auto id = std::to_string(reservation_id(1));
    const std::vector<std::tuple<std::string, std::string, std::string>> calls{
        {"POST", "/internal/reservations", reserve_body(reservation_id(1), {{p, 3}})},
        {"GET", "/internal/reservations/" + id, ""},
        {"POST", "/internal/reservations/" + id + "/release", ""}};
    const http::InternalKeys other_key{"some-other-internal-key-0123456789abcdef", ""};
    for (const auto& call : calls) {
        const auto& [method, path, body] = call;
        auto line = [&, &method = method, &path = path, &body = body](
                        std::string_view signer, const Headers& headers, const http::InternalKeys& keys,
                        std::int64_t at) {
            auto signed_line = testing::signature_line(signer, method, path, headers, body, keys, at);
            auto colon = signed_line.find(": ");
            auto all = headers;
            all.emplace_back(signed_line.substr(0, colon), signed_line.substr(colon + 2));
            return all;
        };
        auto now = http::InternalSignature::unix_now();
        std::vector<std::pair<std::string, Headers>> refused{
            {"unsigned", {}},
            {"unsigned admin", kAdmin},
            {"the gateway's", line("gateway", {}, testing::internal_keys(), now)},
            {"the gateway's, for an admin", line("gateway", kAdmin, testing::internal_keys(), now)},
            {"another key", line("order", {}, other_key, now)},
            {"expired", line("order", {}, testing::internal_keys(), now - 120)},
        };
        for (const auto& [what, headers] : refused) {
            auto reply = s->call(method, path, body, headers, Signed::kNo);
            EXPECT_EQ(reply.status, 401) << what << ": " << method << " " << path;
            EXPECT_EQ(reply.body, R"({"message":"unauthorized"})") << what;
        }
    }
    EXPECT_EQ(query("SELECT count(*) FROM reservations"), "0");
    EXPECT_EQ(query("SELECT quantity FROM products WHERE id = " + std::to_string(p)), "10");
    // The order service's signature is taken.
    EXPECT_EQ(s->call("POST", "/internal/reservations", reserve_body(reservation_id(1), {{p, 3}})).status, 201);
}

TEST_F(ProductIt, ReleaseGivesStockBackExactlyOnce) {
    auto s = start();
    auto p = create(*s, "P", "p", "2", 10);
    auto id = std::to_string(reservation_id(1));
    ASSERT_EQ(s->call("POST", "/internal/reservations", reserve_body(reservation_id(1), {{p, 3}})).status, 201);
    EXPECT_EQ(query("SELECT quantity FROM products WHERE id = " + std::to_string(p)), "7");
    for (int i = 0; i < 2; ++i) {
        auto released = s->call("POST", "/internal/reservations/" + id + "/release");
        EXPECT_EQ(released.status, 200) << released.body;
        EXPECT_EQ(released.json().at("data").at("status").as_string(), "RELEASED");
        EXPECT_EQ(query("SELECT quantity FROM products WHERE id = " + std::to_string(p)), "10");
    }
    // A reserve repeated after the release is refused: it holds nothing any more.
    auto again = s->call("POST", "/internal/reservations", reserve_body(reservation_id(1), {{p, 3}}));
    EXPECT_EQ(again.status, 409);
    EXPECT_EQ(again.body, R"({"message":"reservation already released"})");
    EXPECT_EQ(query("SELECT quantity FROM products WHERE id = " + std::to_string(p)), "10");

    // Released before it was reserved: nothing to give back, and the late reserve is refused.
    auto early = std::to_string(reservation_id(2));
    EXPECT_EQ(s->call("POST", "/internal/reservations/" + early + "/release").status, 200);
    auto late = s->call("POST", "/internal/reservations", reserve_body(reservation_id(2), {{p, 1}}));
    EXPECT_EQ(late.status, 409);
    EXPECT_EQ(late.body, R"({"message":"reservation already released"})");
    EXPECT_EQ(query("SELECT quantity FROM products WHERE id = " + std::to_string(p)), "10");
    EXPECT_EQ(s->call("POST", "/internal/reservations/abc/release").status, 400);
    EXPECT_NE(s->call("GET", "/metrics").body.find("agora_product_stock_released_total 1"), std::string::npos);
}

TEST_F(ProductIt, BadReservationInputIsRefusedWithoutAWrite) {
    auto s = start();
    auto p = create(*s, "P", "p", "2", 10);
    const std::string v = R"({"message":"input validation error","errors":[)";
    std::vector<std::pair<std::string, std::string>> rows{
        {"{", R"({"message":"invalid JSON syntax"})"},
        {"", R"({"message":"missing body request"})"},
        {R"({"reservation_id":"1","items":[]})", R"({"message":"invalid value for reservation_id"})"},
        {R"({"reservation_id":1,"items":{}})", R"({"message":"invalid value for items"})"},
        {R"({"reservation_id":0,"items":[]})",
         v + R"({"field":"reservation_id","message":"reservation_id must be greater than or equal to 1"},)"
             R"({"field":"items","message":"items is required"}]})"},
        {R"({"reservation_id":1,"items":[{"product_id":)" + std::to_string(p) + R"(,"quantity":-2}]})",
         v + R"({"field":"quantity","message":"quantity must be greater than or equal to 1"}]})"},
    };
    for (const auto& [body, expected] : rows) {
        auto reply = s->call("POST", "/internal/reservations", body);
        EXPECT_EQ(reply.status, 400) << body;
        EXPECT_EQ(reply.body, expected) << body;
    }
    EXPECT_EQ(query("SELECT count(*) FROM reservations"), "0");
    EXPECT_EQ(query("SELECT quantity FROM products"), "10");
}

}  // namespace
}  // namespace agora::product::test
