#include <gtest/gtest.h>

#include "api/requests.hpp"

namespace agora::order_service {
namespace {

http::Request post(std::string body) {
    http::RawRequest raw{http::Verb::post, "/orders", 11};
    raw.set(http::Field::content_type, "application/json");
    raw.body() = std::move(body);
    return http::Request(std::move(raw));
}

http::Request get(std::string target) { return http::Request(http::RawRequest{http::Verb::get, target, 11}); }

// The public view of an error: "<message>" or "<field>: <message>" for the first field.
std::string answer(const Error& e) {
    if (!e.fields.empty()) return e.fields.front().field + ": " + e.fields.front().message;
    return public_message(e);
}

std::string items(int n, const std::string& item = R"({"product_id":1,"quantity":1})") {
    std::string out = "[";
    for (int i = 0; i < n; ++i) out += (i ? "," : "") + item;
    return out + "]";
}

TEST(CreateOrderRequest, AcceptsAndMergesDuplicates) {
    auto cmd = decode_create(post(R"({"request_id":"r1","description":"gift","items":[)"
                                  R"({"product_id":2,"quantity":1},{"product_id":1,"quantity":3},)"
                                  R"({"product_id":2,"quantity":4}]})"));
    ASSERT_TRUE(cmd) << answer(cmd.error());
    EXPECT_EQ(cmd->request_id, "r1");
    EXPECT_EQ(cmd->description, "gift");
    EXPECT_EQ(cmd->items, (std::vector<OrderLine>{{ProductId{2}, 5}, {ProductId{1}, 3}}));
    auto plain = decode_create(post(R"({"request_id":"r","items":)" + items(100) + "}"));
    ASSERT_TRUE(plain);
    EXPECT_EQ(plain->description, "");
    EXPECT_EQ(plain->items, (std::vector<OrderLine>{{ProductId{1}, 100}}));
}

TEST(CreateOrderRequest, EveryBadInputHasItsMessage) {
    struct Row {
        std::string body;
        std::string expected;
    };
    std::string long_id(256, 'x');
    std::vector<Row> rows{
        {"", "missing body request"},
        {"{", "invalid JSON syntax"},
        {"[1]", "invalid JSON syntax"},
        {R"({"request_id":5,"items":[]})", "invalid value for request_id"},
        {R"({"request_id":"r","items":"x"})", "invalid value for items"},
        {R"({"request_id":"r","items":[1]})", "invalid value for items"},
        {R"({"request_id":"r","items":[{"product_id":"1","quantity":1}]})", "invalid value for product_id"},
        {R"({"request_id":"r","items":[{"product_id":1,"quantity":1.5}]})", "invalid value for quantity"},
        {R"({"request_id":"r","description":7,"items":[{"product_id":1,"quantity":1}]})",
         "invalid value for description"},
        {R"({"items":[{"product_id":1,"quantity":1}]})", "request_id: request_id is required"},
        {R"({"request_id":"","items":[{"product_id":1,"quantity":1}]})", "request_id: request_id is required"},
        {R"({"request_id":")" + long_id + R"(","items":[{"product_id":1,"quantity":1}]})",
         "request_id: request_id length or value 255 must be at most"},
        {R"({"request_id":"r"})", "items: items is required"},
        {R"({"request_id":"r","items":null})", "items: items is required"},
        {R"({"request_id":"r","items":[]})", "items: items length or value must be at least 1"},
        {R"({"request_id":"r","items":)" + items(101) + "}", "items: items length or value 100 must be at most"},
        {R"({"request_id":"r","items":[{"product_id":0,"quantity":1}]})",
         "product_id: product_id must be greater than or equal to 1"},
        {R"({"request_id":"r","items":[{"product_id":-3,"quantity":1}]})",
         "product_id: product_id must be greater than or equal to 1"},
        {R"({"request_id":"r","items":[{"quantity":1}]})", "product_id: product_id is required"},
        {R"({"request_id":"r","items":[{"product_id":1,"quantity":0}]})",
         "quantity: quantity must be greater than or equal to 1"},
        {R"({"request_id":"r","items":[{"product_id":1,"quantity":10001}]})",
         "quantity: quantity must be lower than or equal to 10000"},
        {R"({"request_id":"r","items":[{"product_id":1}]})", "quantity: quantity is required"},
    };
    for (const auto& row : rows) {
        auto cmd = decode_create(post(row.body));
        ASSERT_FALSE(cmd) << row.body;
        EXPECT_EQ(answer(cmd.error()), row.expected) << row.body;
        EXPECT_EQ(http_status(cmd.error().kind), 400) << row.body;
    }
}

TEST(CreateOrderRequest, ReportsFieldsInOrder) {
    auto cmd = decode_create(post(R"({"items":[{"product_id":0,"quantity":0}]})"));
    ASSERT_FALSE(cmd);
    ASSERT_EQ(cmd.error().fields.size(), 3u);
    EXPECT_EQ(cmd.error().fields[0].field, "request_id");
    EXPECT_EQ(cmd.error().fields[1].field, "product_id");
    EXPECT_EQ(cmd.error().fields[2].field, "quantity");
}

TEST(OrderCommandRequest, Validates) {
    auto ok = decode_order_command(post(R"({"request_id":"p1","order_id":7})"));
    ASSERT_TRUE(ok);
    EXPECT_EQ(ok->order_id, OrderId{7});
    EXPECT_EQ(answer(decode_order_command(post(R"({"request_id":"p1"})")).error()), "order_id: order_id is required");
    EXPECT_EQ(answer(decode_order_command(post(R"({"request_id":"p1","order_id":0})")).error()),
              "order_id: order_id must be greater than or equal to 1");
    EXPECT_EQ(answer(decode_order_command(post(R"({"request_id":"p1","order_id":"7"})")).error()),
              "invalid value for order_id");
    EXPECT_EQ(answer(decode_order_command(post(R"({"order_id":7})")).error()), "request_id: request_id is required");
    EXPECT_EQ(answer(decode_order_command(post("{oops")).error()), "invalid JSON syntax");
}

TEST(ListRequest, DefaultsAndFilters) {
    auto q = decode_list(get("/orders"));
    ASSERT_TRUE(q);
    EXPECT_EQ(q->page.limit, 10);
    EXPECT_EQ(q->page.page, 1);
    EXPECT_FALSE(q->status);
    auto f = decode_list(get("/orders?start-date=01-02-2025&end-date=01-02-2025&status=PENDING&limit=25&page=3"));
    ASSERT_TRUE(f) << answer(f.error());
    EXPECT_EQ(f->status, OrderStatus::kPending);
    EXPECT_EQ(f->page.offset(), 50);
    EXPECT_EQ(*f->range.until - *f->range.from, std::chrono::days(1));
}

TEST(ListRequest, EveryBadQueryHasItsMessage) {
    std::vector<std::pair<std::string, std::string>> rows{
        {"/orders?start-date=2025-01-01", "start-date: please send time in format of DD-MM-YYYY"},
        {"/orders?end-date=31-02-2025", "end-date: please send time in format of DD-MM-YYYY"},
        {"/orders?start-date=02-01-2025&end-date=01-01-2025",
         "end-date: end-date must be greater than or equal to start-date"},
        {"/orders?status=ABORTED", "status: invalid input"},
        {"/orders?status=CREATING", "status: invalid input"},
        {"/orders?limit=abc", "limit: invalid input"},
        {"/orders?page=1x", "page: invalid input"},
        {"/orders?limit=0", "limit: limit must be greater than or equal to 1"},
        {"/orders?limit=26", "limit: limit must be lower than or equal to 25"},
        {"/orders?page=0", "page: page must be greater than or equal to 1"},
    };
    for (const auto& [target, expected] : rows) {
        auto q = decode_list(get(target));
        ASSERT_FALSE(q) << target;
        EXPECT_EQ(answer(q.error()), expected) << target;
        EXPECT_EQ(http_status(q.error().kind), 400) << target;
    }
}

}  // namespace
}  // namespace agora::order_service
