// Bad input on every order route through HTTP (docs/contract.md): each row answers its 4xx with the
// contract's whole body, and none of them writes anything: no order, no command outcome, no outbox row, no
// reservation asked for, and the customer's existing order untouched.
#include <boost/json/serialize.hpp>

#include "order_harness.hpp"
#include "testing/bad_input.hpp"

namespace agora::order_service::test {
namespace {

using testing::BadInputRow;
using testing::kValidationErrors;
using testing::one_error;

std::string lines(int n) {
    std::string out = "[";
    for (int i = 0; i < n; ++i) out += std::string(i ? "," : "") + R"({"product_id":1,"quantity":1})";
    return out + "]";
}

class OrderBadInputIt : public ::testing::Test {
protected:
    static void SetUpTestSuite() { service = std::make_unique<RunningService>(); }
    static void TearDownTestSuite() { service.reset(); }
    static std::unique_ptr<RunningService> service;

    int port() const { return service->port(); }

    // Everything this customer has written, as one comparable line.
    static std::string writes_of(const Customer& c) {
        auto id = std::to_string(c.id);
        return infra().scalar("SELECT (SELECT count(*) FROM orders WHERE customer_id = " + id + ") || '/' || "
                              "(SELECT count(*) FROM order_commands WHERE customer_id = " + id + ") || '/' || "
                              "(SELECT count(*) FROM outbox o JOIN orders r ON o.key = r.id::text "
                              "WHERE r.customer_id = " + id + ") || '/' || "
                              "(SELECT string_agg(status, ',' ORDER BY id) FROM orders WHERE customer_id = " + id +
                              ")");
    }

    void expect_rows(const std::vector<BadInputRow>& rows, const Customer* customer) {
        testing::expect_rows(rows, [&](const BadInputRow& row) {
            return call(port(), row.method, row.path, row.body, customer);
        });
    }
};

std::unique_ptr<RunningService> OrderBadInputIt::service;

TEST_F(OrderBadInputIt, CreateRowsAnswer400AndWriteNothing) {
    auto customer = new_customer();
    const std::int64_t product = 20001;
    infra().inventory.set_product(product, 200, "2");
    auto existing = create_order(port(), customer, "existing", {{product, 1}});
    ASSERT_EQ(existing.status, 201) << existing.body;
    auto before = writes_of(customer);
    EXPECT_EQ(before, "1/0/1/PENDING");
    auto calls = infra().inventory.reserve_calls();

    const std::string item = R"([{"product_id":20001,"quantity":1}])";
    const std::string long_id(256, 'r');
    std::vector<BadInputRow> rows{
        {"POST", "/orders", "", 400, R"({"message":"missing body request"})"},
        {"POST", "/orders", "{", 400, R"({"message":"invalid JSON syntax"})"},
        {"POST", "/orders", R"({"request_id":"a","items":[]}x)", 400, R"({"message":"invalid JSON syntax"})"},
        {"POST", "/orders", "[1]", 400, R"({"message":"invalid JSON syntax"})"},
        {"POST", "/orders", R"({"request_id":5,"items":)" + item + "}", 400,
         R"({"message":"invalid value for request_id"})"},
        {"POST", "/orders", R"({"request_id":"a","description":7,"items":)" + item + "}", 400,
         R"({"message":"invalid value for description"})"},
        {"POST", "/orders", R"({"request_id":"a","items":"x"})", 400, R"({"message":"invalid value for items"})"},
        {"POST", "/orders", R"({"request_id":"a","items":[1]})", 400, R"({"message":"invalid value for items"})"},
        {"POST", "/orders", R"({"request_id":"a","items":[{"product_id":"20001","quantity":1}]})", 400,
         R"({"message":"invalid value for product_id"})"},
        {"POST", "/orders", R"({"request_id":"a","items":[{"product_id":20001,"quantity":"1"}]})", 400,
         R"({"message":"invalid value for quantity"})"},
        {"POST", "/orders", R"({"request_id":"a","items":[{"product_id":20001,"quantity":1.5}]})", 400,
         R"({"message":"invalid value for quantity"})"},
        {"POST", "/orders", R"({"request_id":"a","items":[{"product_id":20001,"quantity":1e20}]})", 400,
         R"({"message":"invalid value for quantity"})"},
        {"POST", "/orders", R"({"request_id":"a","items":[{"product_id":0,"quantity":1}]})", 400,
         one_error("product_id", "product_id must be greater than or equal to 1")},
        {"POST", "/orders", R"({"request_id":"a","items":[{"product_id":-20001,"quantity":1}]})", 400,
         one_error("product_id", "product_id must be greater than or equal to 1")},
        {"POST", "/orders", R"({"request_id":"a","items":[{"product_id":20001,"quantity":0}]})", 400,
         one_error("quantity", "quantity must be greater than or equal to 1")},
        {"POST", "/orders", R"({"request_id":"a","items":[{"product_id":20001,"quantity":-1}]})", 400,
         one_error("quantity", "quantity must be greater than or equal to 1")},
        {"POST", "/orders", R"({"request_id":"a","items":[{"product_id":20001,"quantity":10001}]})", 400,
         one_error("quantity", "quantity must be lower than or equal to 10000")},
        {"POST", "/orders", R"({"request_id":"a","items":)" + lines(101) + "}", 400,
         one_error("items", "items length or value 100 must be at most")},
        {"POST", "/orders", R"({"request_id":"a","items":null})", 400, one_error("items", "items is required")},
        {"POST", "/orders", R"({"request_id":"a"})", 400, one_error("items", "items is required")},
        {"POST", "/orders", R"({"request_id":"a","items":[]})", 400,
         one_error("items", "items length or value must be at least 1")},
        {"POST", "/orders", R"({"request_id":")" + long_id + R"(","items":)" + item + "}", 400,
         one_error("request_id", "request_id length or value 255 must be at most")},
        {"POST", "/orders", R"({"request_id":"","items":)" + item + "}", 400,
         one_error("request_id", "request_id is required")},
        {"POST", "/orders", R"({"request_id":null,"items":)" + item + "}", 400,
         one_error("request_id", "request_id is required")},
        // U+0000 is text no order can keep (it failed every order of a group-commit batch with 500).
        {"POST", "/orders", R"({"request_id":"a\u0000b","items":)" + item + "}", 400,
         one_error("request_id", "invalid input")},
        {"POST", "/orders", R"({"request_id":"a","description":"d\u0000","items":)" + item + "}", 400,
         one_error("description", "invalid input")},
        {"POST", "/orders", R"({"request_id":"\u0000","description":"\u0000","items":)" + item + "}", 400,
         kValidationErrors + R"({"field":"request_id","message":"invalid input"},)"
                             R"({"field":"description","message":"invalid input"}]})"},
        // Several faults: every field named, in field order.
        {"POST", "/orders", R"({"items":[{"product_id":0,"quantity":10001}]})", 400,
         kValidationErrors + R"({"field":"request_id","message":"request_id is required"},)"
                             R"({"field":"product_id","message":"product_id must be greater than or equal to 1"},)"
                             R"({"field":"quantity","message":"quantity must be lower than or equal to 10000"}]})"},
    };
    expect_rows(rows, &customer);
    EXPECT_EQ(writes_of(customer), before);
    EXPECT_EQ(infra().inventory.reserve_calls(), calls);
    EXPECT_EQ(infra().inventory.stock(product), 199);

    // Exactly 100 items and a 255-character request_id are inside the limits.
    std::vector<std::pair<std::int64_t, std::int64_t>> hundred(100, {product, 1});
    auto at_limit = create_order(port(), customer, std::string(255, 'r'), hundred);
    ASSERT_EQ(at_limit.status, 201) << at_limit.body;
    EXPECT_EQ(at_limit.data().at("items").as_array().front().at("quantity").as_int64(), 100);
}

TEST_F(OrderBadInputIt, PayAndCancelRowsAnswer4xxAndChangeNothing) {
    auto customer = new_customer();
    const std::int64_t product = 20002;
    infra().inventory.set_product(product, 50, "2");
    auto created = create_order(port(), customer, "to-keep", {{product, 2}});
    ASSERT_EQ(created.status, 201) << created.body;
    auto id = std::to_string(created.data().at("id").as_int64());
    auto before = writes_of(customer);
    EXPECT_EQ(before, "1/0/1/PENDING");

    const std::string long_id(256, 'p');
    for (const std::string path : {"/orders/pay", "/orders/cancel"}) {
        std::vector<BadInputRow> rows{
            {"POST", path, "", 400, R"({"message":"missing body request"})"},
            {"POST", path, "{", 400, R"({"message":"invalid JSON syntax"})"},
            {"POST", path, R"("x")", 400, R"({"message":"invalid JSON syntax"})"},
            {"POST", path, R"({"request_id":1,"order_id":)" + id + "}", 400,
             R"({"message":"invalid value for request_id"})"},
            {"POST", path, R"({"request_id":"c","order_id":")" + id + R"("})", 400,
             R"({"message":"invalid value for order_id"})"},
            {"POST", path, R"({"request_id":"c","order_id":)" + id + ".5}", 400,
             R"({"message":"invalid value for order_id"})"},
            {"POST", path, R"({"request_id":"c","order_id":0})", 400,
             one_error("order_id", "order_id must be greater than or equal to 1")},
            {"POST", path, R"({"request_id":"c","order_id":-)" + id + "}", 400,
             one_error("order_id", "order_id must be greater than or equal to 1")},
            {"POST", path, R"({"request_id":"c"})", 400, one_error("order_id", "order_id is required")},
            {"POST", path, R"({"request_id":"c","order_id":null})", 400, one_error("order_id", "order_id is required")},
            {"POST", path, R"({"order_id":)" + id + "}", 400, one_error("request_id", "request_id is required")},
            {"POST", path, R"({"request_id":")" + long_id + R"(","order_id":)" + id + "}", 400,
             one_error("request_id", "request_id length or value 255 must be at most")},
            // Two request ids differing only after a NUL must not be taken for one: neither is text.
            {"POST", path, R"({"request_id":"c\u0000d","order_id":)" + id + "}", 400,
             one_error("request_id", "invalid input")},
            {"POST", path, R"({"request_id":"c\u0000e","order_id":)" + id + "}", 400,
             one_error("request_id", "invalid input")},
            // A well-formed command for an order that does not exist writes nothing either.
            {"POST", path, R"({"request_id":"c","order_id":987654321})", 404, R"({"message":"order not found"})"},
        };
        expect_rows(rows, &customer);
    }
    EXPECT_EQ(writes_of(customer), before);
    EXPECT_EQ(infra().inventory.reservation_status(created.data().at("id").as_int64()), "HELD");
    EXPECT_EQ(infra().inventory.stock(product), 48);
}

TEST_F(OrderBadInputIt, ReadRowsAnswer4xx) {
    auto customer = new_customer();
    std::vector<BadInputRow> rows{
        {"GET", "/orders/abc", "", 400, R"({"message":"expected a numeric value but got 'abc'"})"},
        {"GET", "/orders/1.5", "", 400, R"({"message":"expected a numeric value but got '1.5'"})"},
        {"GET", "/orders/99999999999999999999", "", 400,
         R"({"message":"expected a numeric value but got '99999999999999999999'"})"},
        {"GET", "/orders/0", "", 404, R"({"message":"order not found"})"},
        {"GET", "/orders/-1", "", 404, R"({"message":"order not found"})"},
        // Query values are text: a non-integer is a validation error, as on /products (docs/contract.md).
        {"GET", "/orders?limit=abc", "", 400, one_error("limit", "invalid input")},
        {"GET", "/orders?limit=1e3", "", 400, one_error("limit", "invalid input")},
        {"GET", "/orders?page=x", "", 400, one_error("page", "invalid input")},
        {"GET", "/orders?page=-1", "", 400, one_error("page", "page must be greater than or equal to 1")},
        {"GET", "/orders?limit=0", "", 400, one_error("limit", "limit must be greater than or equal to 1")},
        {"GET", "/orders?limit=26", "", 400, one_error("limit", "limit must be lower than or equal to 25")},
        {"GET", "/orders?page=0", "", 400, one_error("page", "page must be greater than or equal to 1")},
        {"GET", "/orders?start-date=2025-01-01", "", 400,
         one_error("start-date", "please send time in format of DD-MM-YYYY")},
        {"GET", "/orders?start-date=1-1-2025", "", 400,
         one_error("start-date", "please send time in format of DD-MM-YYYY")},
        {"GET", "/orders?start-date=01-01-0000", "", 400,
         one_error("start-date", "please send time in format of DD-MM-YYYY")},
        {"GET", "/orders?end-date=00-01-2025", "", 400,
         one_error("end-date", "please send time in format of DD-MM-YYYY")},
        {"GET", "/orders?end-date=31-02-2025", "", 400,
         one_error("end-date", "please send time in format of DD-MM-YYYY")},
        {"GET", "/orders?end-date=%27%3B--", "", 400,
         one_error("end-date", "please send time in format of DD-MM-YYYY")},
        {"GET", "/orders?start-date=02-01-2025&end-date=01-01-2025", "", 400,
         one_error("end-date", "end-date must be greater than or equal to start-date")},
        {"GET", "/orders?status=ABORTED", "", 400, one_error("status", "invalid input")},
        {"GET", "/orders?status=%25", "", 400, one_error("status", "invalid input")},
        {"GET", "/orders?status=PENDING%27%20OR%20%271%27%3D%271", "", 400, one_error("status", "invalid input")},
        // NUL in any query value.
        {"GET", "/orders?status=PENDING%00", "", 400, one_error("status", "invalid input")},
        {"GET", "/orders?start-date=01-01-2025%00", "", 400,
         one_error("start-date", "please send time in format of DD-MM-YYYY")},
        {"GET", "/orders?end-date=01-01-202%00", "", 400,
         one_error("end-date", "please send time in format of DD-MM-YYYY")},
        {"GET", "/orders?limit=1%00", "", 400, one_error("limit", "invalid input")},
        {"GET", "/orders?page=%00", "", 400, one_error("page", "invalid input")},
        {"GET", "/orders/1%00", "", 400, R"({"message":"expected a numeric value but got '1%00'"})"},
    };
    expect_rows(rows, &customer);
    // The same day twice is a valid range.
    EXPECT_EQ(call(port(), "GET", "/orders?start-date=01-01-2025&end-date=01-01-2025", "", &customer).status, 200);
}

// The largest page is a page like any other past the end: no overflow in its offset or its links.
TEST_F(OrderBadInputIt, TheLargestPageIsAnEmptyPage) {
    auto customer = new_customer();
    const std::int64_t product = 20004;
    infra().inventory.set_product(product, 5, "2");
    ASSERT_EQ(create_order(port(), customer, "one", {{product, 1}}).status, 201);
    auto reply = call(port(), "GET", "/orders?limit=25&page=9223372036854775807", "", &customer);
    ASSERT_EQ(reply.status, 200) << reply.body;
    const std::string q = "http://localhost:8000/orders?limit=25&page=";
    EXPECT_EQ(reply.body, R"({"message":"success","data":[],"paging":{"page":9223372036854775807,"size":25,)"
                          R"("total_item":1,"total_page":1,"links":{"self":")" +
                              q + R"(9223372036854775807","first":")" + q + R"(1","prev":")" + q +
                              R"(9223372036854775806","next":")" + q + R"(1","last":")" + q + R"(1"}}})");
}

TEST_F(OrderBadInputIt, CallerIdsBelowOneAreUnauthorizedOnEveryRoute) {
    const std::int64_t product = 20003;
    infra().inventory.set_product(product, 5, "2");
    auto calls = infra().inventory.reserve_calls();
    const std::string create = R"({"request_id":"x","items":[{"product_id":20003,"quantity":1}]})";
    const std::string command = R"({"request_id":"x","order_id":1})";
    for (std::int64_t id : {0LL, -1LL}) {
        Customer nobody{id, "nobody@agora.test"};
        std::vector<BadInputRow> rows{
            {"POST", "/orders", create, 401, R"({"message":"unauthorized"})"},
            {"GET", "/orders", "", 401, R"({"message":"unauthorized"})"},
            {"GET", "/orders/1", "", 401, R"({"message":"unauthorized"})"},
            {"POST", "/orders/pay", command, 401, R"({"message":"unauthorized"})"},
            {"POST", "/orders/cancel", command, 401, R"({"message":"unauthorized"})"},
        };
        expect_rows(rows, &nobody);
        expect_rows(rows, nullptr);
    }
    EXPECT_EQ(infra().inventory.reserve_calls(), calls);
    EXPECT_EQ(infra().scalar("SELECT count(*) FROM orders WHERE customer_id <= 0"), "0");
}

}  // namespace
}  // namespace agora::order_service::test
