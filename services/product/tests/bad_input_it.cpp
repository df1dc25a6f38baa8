// Bad input on every product route through HTTP (docs/contract.md), the rows products_it.cpp does not
// already hold: each answers its 4xx with the contract's whole body and writes nothing (the product, its
// event log, the outbox and the reservations are read back after the refused requests).
#include "testing/bad_input.hpp"
#include "tests/service_harness.hpp"

namespace agora::product::test {
namespace {

using testing::BadInputRow;
using testing::kValidationErrors;
using testing::one_error;

std::string body_with(const std::string& price, const std::string& quantity = "1",
                      const std::string& name = R"("n")") {
    return R"({"name":)" + name + R"(,"description":"d","price":)" + price + R"(,"quantity":)" + quantity + "}";
}

class ProductBadInputIt : public ProductIt {
protected:
    // The product, its versions and the outbox, as one comparable line.
    std::string state() {
        return query("SELECT (SELECT string_agg(id || ':' || name || ':' || price || ':' || quantity || ':' || version "
                     "|| ':' || (deleted_at IS NULL), ',' ORDER BY id) FROM products) || '/' || "
                     "(SELECT count(*) FROM product_events) || '/' || (SELECT count(*) FROM outbox) || '/' || "
                     "(SELECT count(*) FROM reservations)");
    }

    void expect_rows(RunningService& s, const std::vector<BadInputRow>& rows) {
        testing::expect_rows(rows,
                             [&](const BadInputRow& row) { return s.call(row.method, row.path, row.body, kAdmin); });
    }
};

TEST_F(ProductBadInputIt, PutRowsAnswer4xxAndChangeNothing) {
    auto s = start();
    auto id = std::to_string(create(*s, "Pen", "Blue", "10", 3));
    auto before = state();
    ASSERT_EQ(before, id + ":Pen:10.00:3:1:true/1/1/0");
    const std::string path = "/products/" + id;
    std::vector<BadInputRow> rows{
        {"PUT", path, "", 400, R"({"message":"missing body request"})"},
        {"PUT", path, "{", 400, R"({"message":"invalid JSON syntax"})"},
        {"PUT", path, "null", 400, R"({"message":"invalid JSON syntax"})"},
        {"PUT", path, R"({"name":"n","description":"d","price":1}})", 400, R"({"message":"invalid JSON syntax"})"},
        {"PUT", path, body_with("1", "1", "5"), 400, R"({"message":"invalid value for name"})"},
        {"PUT", path, R"({"name":"n","description":["d"],"price":1})", 400,
         R"({"message":"invalid value for description"})"},
        {"PUT", path, body_with("true"), 400, R"({"message":"invalid value for price"})"},
        {"PUT", path, body_with(R"("ten")"), 400, R"({"message":"invalid value for price"})"},
        {"PUT", path, body_with("1", R"("2")"), 400, R"({"message":"invalid value for quantity"})"},
        {"PUT", path, body_with("1", "2.5"), 400, R"({"message":"invalid value for quantity"})"},
        {"PUT", path, body_with("1.234"), 400, one_error("price", "invalid input")},
        {"PUT", path, body_with(R"("1.234")"), 400, one_error("price", "invalid input")},
        {"PUT", path, body_with("0.001"), 400, one_error("price", "invalid input")},
        {"PUT", path, body_with("10000000000"), 400,
         one_error("price", "price must be lower than or equal to 9999999999.99")},
        {"PUT", path, body_with(R"("10000000000.00")"), 400,
         one_error("price", "price must be lower than or equal to 9999999999.99")},
        {"PUT", path, body_with("0"), 400, one_error("price", "price must be greater than to 0")},
        {"PUT", path, body_with(R"("-0.01")"), 400, one_error("price", "price must be greater than to 0")},
        {"PUT", path, body_with("1", "-1"), 400, one_error("quantity", "quantity must be greater than or equal to 0")},
        {"PUT", path, body_with("1", "2147483648"), 400,
         one_error("quantity", "quantity must be lower than or equal to 2147483647")},
        {"PUT", path, body_with("1", "1", "\"" + std::string(256, 'n') + "\""), 400,
         one_error("name", "name length or value 255 must be at most")},
        {"PUT", path, R"({"description":"d","price":1})", 400, one_error("name", "name is required")},
        {"PUT", path, R"({"name":"n","description":"d","price":null})", 400, one_error("price", "price is required")},
        // U+0000 is text no product can keep ("abc\0def" was stored as "abc"): refused as invalid input.
        {"PUT", path, body_with("1", "1", R"("abc\u0000def")"), 400, one_error("name", "invalid input")},
        {"PUT", path, R"({"name":"n","description":"\u0000","price":1})", 400,
         one_error("description", "invalid input")},
        {"PUT", path, body_with(R"("1\u0000")"), 400, R"({"message":"invalid value for price"})"},
        {"PUT", "/products/abc", body_with("1"), 400, R"({"message":"expected a numeric value but got 'abc'"})"},
        {"PUT", "/products/99999999999999999999", body_with("1"), 400,
         R"({"message":"expected a numeric value but got '99999999999999999999'"})"},
        {"PUT", "/products/0", body_with("1"), 404, R"({"message":"product not found"})"},
        {"PUT", "/products/-" + id, body_with("1"), 404, R"({"message":"product not found"})"},
    };
    expect_rows(*s, rows);
    EXPECT_EQ(state(), before);
}

TEST_F(ProductBadInputIt, PostRowsAnswer400AndCreateNothing) {
    auto s = start();
    auto id = std::to_string(create(*s, "Pen", "Blue", "10", 3));
    auto before = state();
    std::vector<BadInputRow> rows{
        {"POST", "/products", "null", 400, R"({"message":"invalid JSON syntax"})"},
        {"POST", "/products", R"({"name":"n",})", 400, R"({"message":"invalid JSON syntax"})"},
        {"POST", "/products", R"({"name":"n","description":7,"price":1})", 400,
         R"({"message":"invalid value for description"})"},
        {"POST", "/products", body_with("true"), 400, R"({"message":"invalid value for price"})"},
        {"POST", "/products", body_with("1", "1e20"), 400, R"({"message":"invalid value for quantity"})"},
        {"POST", "/products", body_with(R"("1.234")"), 400, one_error("price", "invalid input")},
        {"POST", "/products", body_with("9999999999.999"), 400, one_error("price", "invalid input")},
        {"POST", "/products", body_with(R"("99999999999")"), 400,
         one_error("price", "price must be lower than or equal to 9999999999.99")},
        {"POST", "/products", body_with("1", "2147483648"), 400,
         one_error("quantity", "quantity must be lower than or equal to 2147483647")},
        {"POST", "/products", body_with("1", "1", "\"" + std::string(256, 'n') + "\""), 400,
         one_error("name", "name length or value 255 must be at most")},
        {"POST", "/products", body_with("1", "1", R"("abc\u0000def")"), 400, one_error("name", "invalid input")},
        {"POST", "/products", R"({"name":"\u0000","description":"d\u0000","price":1})", 400,
         kValidationErrors + R"({"field":"name","message":"invalid input"},)"
                             R"({"field":"description","message":"invalid input"}]})"},
    };
    expect_rows(*s, rows);
    EXPECT_EQ(state(), before);

    // The bounds themselves are accepted and kept exactly.
    auto edge = s->call("POST", "/products",
                        body_with(R"("9999999999.99")", "2147483647", "\"" + std::string(255, 'n') + "\""), kAdmin);
    ASSERT_EQ(edge.status, 201) << edge.body;
    EXPECT_EQ(edge.json().at("data").at("price").as_string(), "9999999999.99");
    EXPECT_EQ(edge.json().at("data").at("quantity").as_int64(), 2147483647);
    auto smallest = s->call("POST", "/products", body_with("0.01"), kAdmin);
    ASSERT_EQ(smallest.status, 201) << smallest.body;
    EXPECT_EQ(smallest.json().at("data").at("price").as_string(), "0.01");
}

TEST_F(ProductBadInputIt, IdAndQueryRowsOnTheOtherRoutes) {
    auto s = start();
    auto id = std::to_string(create(*s, "Pen", "Blue", "10", 3));
    auto before = state();
    std::vector<BadInputRow> rows{
        {"GET", "/products/99999999999999999999", "", 400,
         R"({"message":"expected a numeric value but got '99999999999999999999'"})"},
        {"GET", "/products/1.0", "", 400, R"({"message":"expected a numeric value but got '1.0'"})"},
        {"DELETE", "/products/abc", "", 400, R"({"message":"expected a numeric value but got 'abc'"})"},
        {"DELETE", "/products/0", "", 404, R"({"message":"product not found"})"},
        {"GET", "/products/abc/history", "", 400, R"({"message":"expected a numeric value but got 'abc'"})"},
        {"GET", "/products/0/history", "", 404, R"({"message":"product not found"})"},
        {"GET", "/products/-" + id + "/history", "", 404, R"({"message":"product not found"})"},
        {"GET", "/products?limit=0", "", 400, one_error("limit", "limit must be greater than or equal to 1")},
        {"GET", "/products?limit=-3", "", 400, one_error("limit", "limit must be greater than or equal to 1")},
        {"GET", "/products?limit=1e3", "", 400, one_error("limit", "invalid input")},
        {"GET", "/products?page=-1", "", 400, one_error("page", "page must be greater than or equal to 1")},
        {"GET", "/products?page=99999999999999999999", "", 400, one_error("page", "invalid input")},
        {"GET", "/products?name=abc%00def", "", 400, one_error("name", "invalid input")},
        {"GET", "/products?description=%00", "", 400, one_error("description", "invalid input")},
        {"GET", "/products?limit=1%00", "", 400, one_error("limit", "invalid input")},
        {"GET", "/products?page=%001", "", 400, one_error("page", "invalid input")},
        {"GET", "/products/1%00", "", 400, R"({"message":"expected a numeric value but got '1%00'"})"},
        {"GET", "/products?limit=x&page=y", "", 400,
         kValidationErrors +
             R"({"field":"limit","message":"invalid input"},{"field":"page","message":"invalid input"}]})"},
    };
    expect_rows(*s, rows);
    EXPECT_EQ(state(), before);
}

// The largest page is a page like any other past the end: no overflow in its offset or its links.
TEST_F(ProductBadInputIt, TheLargestPageIsAnEmptyPage) {
    auto s = start();
    create(*s, "Pen", "Blue", "10", 3);
    for (const std::string limit : {"", "&limit=25"}) {
        auto reply = s->call("GET", "/products?page=9223372036854775807" + limit);
        ASSERT_EQ(reply.status, 200) << reply.body;
        const std::string q =
            "http://public.test/products?" + (limit.empty() ? "" : std::string("limit=25&")) + "page=";
        EXPECT_EQ(reply.body, R"({"message":"success","data":[],"paging":{"page":9223372036854775807,"size":)" +
                                  std::string(limit.empty() ? "10" : "25") +
                                  R"(,"total_item":1,"total_page":1,"links":{"self":")" + q +
                                  R"(9223372036854775807","first":")" + q + R"(1","prev":")" + q +
                                  R"(9223372036854775806","next":")" + q + R"(1","last":")" + q + R"(1"}}})");
    }
}

TEST_F(ProductBadInputIt, ReservationRowsAnswer400AndReserveNothing) {
    auto s = start();
    auto id = std::to_string(create(*s, "Pen", "Blue", "10", 3));
    auto before = state();
    auto item = [&](const std::string& product, const std::string& quantity) {
        return R"({"product_id":)" + product + R"(,"quantity":)" + quantity + "}";
    };
    auto reserve = [&](const std::string& items, const std::string& extra = "") {
        return R"({"reservation_id":)" + std::to_string(reservation_id(1)) + extra + R"(,"items":)" + items + "}";
    };
    const std::string path = "/internal/reservations";
    std::vector<BadInputRow> rows{
        {"POST", path, "[1]", 400, R"({"message":"invalid JSON syntax"})"},
        {"POST", path, reserve("null"), 400, one_error("items", "items is required")},
        {"POST", path, reserve("[" + item("0", "1") + "]"), 400,
         one_error("product_id", "product_id must be greater than or equal to 1")},
        {"POST", path, reserve("[" + item("-" + id, "1") + "]"), 400,
         one_error("product_id", "product_id must be greater than or equal to 1")},
        {"POST", path, reserve("[" + item(id, "0") + "]"), 400,
         one_error("quantity", "quantity must be greater than or equal to 1")},
        {"POST", path, reserve("[" + item(id, "2147483648") + "]"), 400,
         one_error("quantity", "quantity must be lower than or equal to 2147483647")},
        {"POST", path, reserve("[" + item(R"(")" + id + R"(")", "1") + "]"), 400,
         R"({"message":"invalid value for product_id"})"},
        {"POST", path, reserve("[" + item(id, "1") + "]", R"(,"hold_s":0)"), 400,
         one_error("hold_s", "hold_s must be greater than or equal to 1")},
        {"POST", path, reserve("[" + item(id, "1") + "]", R"(,"hold_s":86401)"), 400,
         one_error("hold_s", "hold_s must be lower than or equal to 86400")},
        {"POST", path, R"({"reservation_id":-1,"items":[)" + item(id, "1") + "]}", 400,
         one_error("reservation_id", "reservation_id must be greater than or equal to 1")},
        {"GET", "/internal/reservations/abc", "", 400, R"({"message":"expected a numeric value but got 'abc'"})"},
    };
    expect_rows(*s, rows);
    EXPECT_EQ(state(), before);
}

}  // namespace
}  // namespace agora::product::test
