// The order invariants and defects of docs/contract.md with the real product service behind the order service:
// no oversell under 50 concurrent orders (every failure a clean 409), orders of two to a hundred items
// (D2), items paired with their products by id, never by position (D6), and hundreds of product
// events through Kafka into the read model across consumer-group rebalances (D7).
#include <atomic>
#include <boost/json/serialize.hpp>
#include <functional>
#include <map>
#include <set>

#include "order_harness.hpp"
#include "running_product.hpp"
#include "testing/server_process.hpp"

namespace agora::order_service::test {
namespace {

const Customer kAdmin{1, "admin@agora.test", "admin"};

// Pools as large as the order side's: 50 concurrent orders reserve at once.
product::ProductConfig loaded_product_config(int port, int order_port, const std::string& database) {
    auto pc = product_config(port, order_port, database);
    pc.primary.size = 4;
    pc.primary.acquire_timeout = 30000ms;
    pc.replica = pc.primary;
    return pc;
}

struct Platform {
    explicit Platform(const std::string& database, const std::function<void(OrderConfig&)>& tweak = {})
        : product_port(testing::free_port()), order(config(product_port, tweak)),
          products(loaded_product_config(product_port, order.port(), database)) {}

    static OrderConfig config(int product_port, const std::function<void(OrderConfig&)>& tweak) {
        auto c = test_config();
        c.product_url = "http://127.0.0.1:" + std::to_string(product_port);
        c.primary.size = 4;
        c.primary.acquire_timeout = 30000ms;
        c.reserve_timeout = 30000ms;
        c.create_deadline = 60000ms;
        if (tweak) tweak(c);
        return c;
    }

    // POST /products as admin; the new id.
    std::int64_t add_product(const std::string& name, const std::string& price, std::int64_t quantity) {
        boost::json::object body{{"name", name}, {"description", "d"}, {"price", price}, {"quantity", quantity}};
        auto reply = call(product_port, "POST", "/products", boost::json::serialize(body), &kAdmin);
        EXPECT_EQ(reply.status, 201) << reply.body;
        return reply.status == 201 ? reply.data().at("id").as_int64() : 0;
    }
    std::int64_t stock(std::int64_t id) {
        auto reply = call(product_port, "GET", "/products/" + std::to_string(id));
        return reply.status == 200 ? reply.data().at("quantity").as_int64() : -1;
    }

    int product_port;
    RunningService order;
    RunningProduct products;
};

TEST(OrderInvariants, NoOversell_FiftyConcurrentOrdersForTenUnits) {
    Platform platform("agora_product_oversell", [](OrderConfig& c) { c.threads = 2; });
    auto id = platform.add_product("scarce", "5", 10);
    constexpr int kOrders = 50;
    std::vector<Customer> customers;
    for (int i = 0; i < kOrders; ++i) customers.push_back(new_customer());

    std::atomic<bool> running{true};
    std::atomic<std::int64_t> lowest{10};
    std::thread watcher([&] {
        for (int i = 0; i < 2000 && running; ++i) {
            auto now = platform.stock(id);
            if (now < lowest) lowest = now;
            std::this_thread::sleep_for(5ms);
        }
    });
    std::mutex mutex;
    std::map<std::string, int> answers;  // "<status> <body>" → count, for the failures
    std::atomic<int> created{0};
    std::vector<std::thread> clients;
    for (int i = 0; i < kOrders; ++i) {
        clients.emplace_back([&, i] {
            auto reply = create_order(platform.order.port(), customers[i], "oversell", {{id, 1}});
            if (reply.status == 201) {
                ++created;
            } else {
                std::lock_guard lock(mutex);
                ++answers[std::to_string(reply.status) + " " + reply.body];
            }
        });
    }
    for (auto& t : clients) t.join();
    running = false;
    watcher.join();

    EXPECT_EQ(created.load(), 10);
    EXPECT_EQ(answers, (std::map<std::string, int>{{R"(409 {"message":"insufficient product stock"})", 40}}));
    EXPECT_EQ(platform.stock(id), 0);
    EXPECT_GE(lowest.load(), 0);
    std::string ids;
    for (const auto& c : customers) ids += (ids.empty() ? "" : ",") + std::to_string(c.id);
    EXPECT_EQ(infra().scalar("SELECT count(*) FROM orders WHERE status = 'PENDING' AND customer_id IN (" + ids + ")"),
              "10");
    EXPECT_EQ(infra().scalar("SELECT coalesce(sum(i.quantity), 0) FROM order_items i "
                             "JOIN orders o ON o.id = i.order_id "
                             "WHERE o.status = 'PENDING' AND o.customer_id IN (" + ids + ")"),
              "10");
    EXPECT_EQ(infra().scalar("SELECT count(*) FROM reservations WHERE status IN ('HELD', 'CONFIRMED')",
                             "agora_product_oversell"),
              "10");
    EXPECT_EQ(
        infra().scalar("SELECT quantity FROM products WHERE id = " + std::to_string(id), "agora_product_oversell"),
        "0");
}

// Cents as the contract writes money: trailing zeros trimmed ("101" cents → "1.01", 1010 → "10.1").
std::string money(std::int64_t cents) {
    auto text = std::to_string(cents / 100);
    if (auto fraction = cents % 100; fraction != 0) {
        text += "." + std::string(fraction < 10 ? "0" : "") + std::to_string(fraction);
        if (text.ends_with("0")) text.pop_back();
    }
    return text;
}

// Checks each item of `order` against what was asked: the product's quantity and its own price.
void expect_items(const boost::json::object& order, const std::map<std::int64_t, std::int64_t>& asked,
                  const std::map<std::int64_t, std::string>& prices, const std::string& total) {
    const auto& items = order.at("items").as_array();
    ASSERT_EQ(items.size(), asked.size());
    std::set<std::int64_t> seen;
    for (const auto& item : items) {
        auto product = item.at("product_id").as_int64();
        seen.insert(product);
        ASSERT_TRUE(asked.contains(product)) << product;
        EXPECT_EQ(item.at("quantity").as_int64(), asked.at(product)) << product;
        EXPECT_EQ(item.at("price").as_string(), prices.at(product)) << product;
    }
    EXPECT_EQ(seen.size(), asked.size());
    EXPECT_EQ(order.at("total_amount").as_string(), total);
}

TEST(OrderInvariants, Defect2_Defect6_OrdersOfManyItemsEachPairedWithItsOwnProduct) {
    Platform platform("agora_product_items");
    // Product n (1..100) costs n.nn (n * 100 + n % 100 cents) and has 1000 + n in stock: a line paired with
    // the wrong product shows in its price, its quantity or the stock left.
    std::vector<std::int64_t> products;
    std::map<std::int64_t, std::int64_t> cents;
    std::map<std::int64_t, std::string> prices;
    for (int n = 1; n <= 100; ++n) {
        auto id = platform.add_product("item " + std::to_string(n), money(n * 100 + n % 100), 1000 + n);
        ASSERT_NE(id, 0);
        products.push_back(id);
        cents[id] = n * 100 + n % 100;
        prices[id] = money(cents[id]);
    }
    auto customer = new_customer();
    auto total_of = [&](const std::map<std::int64_t, std::int64_t>& asked) {
        std::int64_t sum = 0;
        for (const auto& [id, quantity] : asked) sum += cents[id] * quantity;
        return money(sum);
    };

    // Two items named highest id first, three with a repeated product, and a hundred in descending order.
    std::vector<std::vector<std::pair<std::int64_t, std::int64_t>>> requests{
        {{products[1], 2}, {products[0], 1}},
        {{products[4], 1}, {products[2], 3}, {products[4], 2}, {products[3], 1}},
    };
    std::vector<std::pair<std::int64_t, std::int64_t>> hundred;
    for (int i = 99; i >= 0; --i) hundred.emplace_back(products[i], i % 7 + 1);
    requests.push_back(hundred);

    std::vector<std::pair<std::int64_t, std::map<std::int64_t, std::int64_t>>> placed;
    for (size_t n = 0; n < requests.size(); ++n) {
        std::map<std::int64_t, std::int64_t> asked;
        for (const auto& [id, quantity] : requests[n]) asked[id] += quantity;
        auto reply = create_order(platform.order.port(), customer, "items-" + std::to_string(n), requests[n]);
        ASSERT_EQ(reply.status, 201) << reply.body;
        expect_items(reply.data(), asked, prices, total_of(asked));
        placed.emplace_back(reply.data().at("id").as_int64(), asked);
    }
    // The same pairing read back one by one, in the list, and in the stock each product gave.
    auto list = call(platform.order.port(), "GET", "/orders?limit=25", "", &customer);
    ASSERT_EQ(list.status, 200) << list.body;
    std::map<std::int64_t, boost::json::object> listed;
    auto listed_body = list.json();
    for (const auto& order : listed_body.at("data").as_array()) listed[order.at("id").as_int64()] = order.as_object();
    std::map<std::int64_t, std::int64_t> taken;
    for (const auto& [order_id, asked] : placed) {
        auto one = call(platform.order.port(), "GET", "/orders/" + std::to_string(order_id), "", &customer);
        ASSERT_EQ(one.status, 200);
        expect_items(one.data(), asked, prices, total_of(asked));
        ASSERT_TRUE(listed.contains(order_id));
        expect_items(listed[order_id], asked, prices, total_of(asked));
        for (const auto& [id, quantity] : asked) taken[id] += quantity;
    }
    for (size_t i = 0; i < products.size(); ++i) {
        EXPECT_EQ(platform.stock(products[i]), static_cast<std::int64_t>(1001 + i) - taken[products[i]]) << i;
    }
}

TEST(OrderInvariants, Defect7_HundredsOfProductEventsReachTheReadModelAcrossRebalances) {
    const std::string group = "order-defect7";
    auto same_group = [&](OrderConfig& c) { c.consumer_group = group; };
    Platform platform("agora_product_events", same_group);
    // Product ids of this test alone: the read model is shared with every other test of the binary.
    infra().scalar("SELECT setval('products_id_seq', 700000)", "agora_product_events");
    int added = 0;
    auto add = [&](int count) {
        for (int i = 0; i < count; ++i, ++added) {
            ASSERT_EQ(platform.add_product("d7 " + std::to_string(added + 1), "1", added + 1), 700001 + added);
        }
    };
    // Products made one by one for `window`, so that the group's rebalance falls among them whenever it comes.
    auto add_during = [&](std::chrono::milliseconds window) {
        auto until = std::chrono::steady_clock::now() + window;
        for (int i = 0; i < 300 && std::chrono::steady_clock::now() < until; ++i) {
            add(1);
            std::this_thread::sleep_for(20ms);
        }
    };
    auto known = [&] {
        auto sql = "SELECT count(*) FROM products WHERE id BETWEEN 700001 AND " + std::to_string(700000 + added) +
                   " AND name LIKE 'd7 %' AND quantity = id - 700000";
        return testing::wait_until([&] { return infra().scalar(sql) == std::to_string(added); }, 90s);
    };
    auto count = [] { return infra().scalar("SELECT count(*) FROM products WHERE id > 700000"); };
    // More than 256 events from one producer, then a second member joins the group and later leaves it
    // while products keep coming: after each rebalance the group goes on consuming, nothing skipped.
    add(300);
    ASSERT_TRUE(known()) << count();
    {
        RunningService joined(Platform::config(platform.product_port, same_group));
        add_during(6s);
        ASSERT_TRUE(known()) << count() << " of " << added;
    }
    add_during(6s);
    EXPECT_TRUE(known()) << count() << " of " << added;
    EXPECT_GT(added, 350);
}

}  // namespace
}  // namespace agora::order_service::test
