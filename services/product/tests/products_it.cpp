// The product routes through HTTP: exact bodies, admin-only changes, literal search, paging links from the
// public URL (docs/contract.md, D13), the versioned history and every bad-input row.
#include "tests/service_harness.hpp"

namespace agora::product::test {
namespace {

std::string url_encode(const std::string& s) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : s) {
        if (std::isalnum(c)) {
            out.push_back(static_cast<char>(c));
        } else {
            out += '%';
            out += kHex[c >> 4];
            out += kHex[c & 15];
        }
    }
    return out;
}

std::vector<std::string> names_of(const HttpReply& reply) {
    std::vector<std::string> names;
    auto json = reply.json();
    for (const auto& p : json.at("data").as_array()) names.emplace_back(p.at("name").as_string());
    return names;
}

TEST_F(ProductIt, CrudWithTheContractsBodies) {
    auto s = start();
    auto created = s->call("POST", "/products", R"({"name":"Pen","description":"Blue ink","price":25000,"quantity":0})",
                           kAdmin);
    ASSERT_EQ(created.status, 201) << created.body;
    EXPECT_EQ(created.headers["content-type"], "application/json; charset=utf-8");
    auto data = created.json().at("data").as_object();
    EXPECT_EQ(created.json().at("message").as_string(), "success");
    std::vector<std::string> keys;
    for (const auto& kv : data) keys.emplace_back(kv.key());
    EXPECT_EQ(keys, (std::vector<std::string>{"id", "name", "description", "price", "quantity", "created_at",
                                               "updated_at"}));
    EXPECT_EQ(data.at("price").as_string(), "25000");
    EXPECT_EQ(data.at("quantity").as_int64(), 0);
    EXPECT_TRUE(data.at("created_at").as_string().ends_with("Z"));
    auto id = std::to_string(data.at("id").as_int64());

    auto got = s->call("GET", "/products/" + id);
    ASSERT_EQ(got.status, 200);
    EXPECT_EQ(got.json().at("data").at("name").as_string(), "Pen");

    auto updated = s->call("PUT", "/products/" + id,
                           R"({"name":"Pen 2","description":"Black ink","price":"25000.50","quantity":7})", kAdmin);
    ASSERT_EQ(updated.status, 200) << updated.body;
    EXPECT_EQ(updated.json().at("data").at("price").as_string(), "25000.5");
    EXPECT_EQ(updated.json().at("data").at("quantity").as_int64(), 7);

    auto removed = s->call("DELETE", "/products/" + id, "", kAdmin);
    EXPECT_EQ(removed.status, 200);
    EXPECT_EQ(removed.body, R"({"message":"success"})");
    auto gone = s->call("GET", "/products/" + id);
    EXPECT_EQ(gone.status, 404);
    EXPECT_EQ(gone.body, R"({"message":"product not found"})");
    EXPECT_EQ(s->call("DELETE", "/products/" + id, "", kAdmin).status, 404);
    EXPECT_EQ(s->call("PUT", "/products/" + id, R"({"name":"n","description":"d","price":1})", kAdmin).status, 404);
    EXPECT_EQ(s->call("GET", "/products").json().at("data").as_array().size(), 0u);
}

TEST_F(ProductIt, OnlyAnAdminChangesProducts) {
    auto s = start();
    auto id = std::to_string(create(*s, "Pen", "Blue", "10", 1));
    const std::string body = R"({"name":"X","description":"Y","price":1})";
    for (const auto& [method, path] : std::vector<std::pair<std::string, std::string>>{
             {"POST", "/products"}, {"PUT", "/products/" + id}, {"DELETE", "/products/" + id},
             {"GET", "/products/" + id + "/history"}}) {
        auto anonymous = s->call(method, path, method == "GET" ? "" : body);
        EXPECT_EQ(anonymous.status, 401) << method << " " << path;
        EXPECT_EQ(anonymous.body, R"({"message":"unauthorized"})");
        auto customer = s->call(method, path, method == "GET" ? "" : body, kCustomer);
        EXPECT_EQ(customer.status, 403) << method << " " << path;
        EXPECT_EQ(customer.body, R"({"message":"forbidden"})");
    }
    EXPECT_EQ(query("SELECT count(*) FROM products"), "1");
    EXPECT_EQ(query("SELECT name FROM products"), "Pen");
    EXPECT_EQ(query("SELECT count(*) FROM product_events"), "1");
}

// The product service took X-User-ID and X-User-Role from whoever connected: an identity now counts only
// under the gateway's valid signature (docs/adr/0010), and anything else is 401 with nothing written.
TEST_F(ProductIt, AnIdentityWithoutTheGatewaysValidSignatureIsRefused) {
    auto s = start();
    auto id = std::to_string(create(*s, "Pen", "Blue", "10", 1));
    const std::string body = R"({"name":"Forged","description":"Y","price":1,"quantity":1})";
    const http::InternalKeys other_key{"some-other-internal-key-0123456789abcdef", ""};
    auto now = http::InternalSignature::unix_now();
    for (const auto& [method, path] : std::vector<std::pair<std::string, std::string>>{
             {"POST", "/products"}, {"PUT", "/products/" + id}, {"DELETE", "/products/" + id},
             {"GET", "/products/" + id + "/history"}, {"GET", "/products"}}) {
        auto sent_body = method == "GET" || method == "DELETE" ? "" : body;
        auto with = [&](std::string line) {
            auto headers = kAdmin;
            auto colon = line.find(": ");
            headers.emplace_back(line.substr(0, colon), line.substr(colon + 2));
            return headers;
        };
        std::vector<std::pair<std::string, Headers>> forgeries{
            {"unsigned", kAdmin},
            {"made up", with("X-Agora-Signature: v1 gateway " + std::to_string(now) + " " + std::string(64, '0'))},
            {"another key", with(testing::signature_line("gateway", method, path, kAdmin, sent_body, other_key))},
            {"expired", with(testing::signature_line("gateway", method, path, kAdmin, sent_body,
                                                     testing::internal_keys(), now - 120))},
            // A customer's signed identity with the role changed on the way.
            {"tampered", with(testing::signature_line("gateway", method, path, kCustomer, sent_body))},
            {"another body", with(testing::signature_line("gateway", method, path, kAdmin, "{}"))},
        };
        for (const auto& [what, headers] : forgeries) {
            auto reply = s->call(method, path, sent_body, headers, Signed::kNo);
            EXPECT_EQ(reply.status, 401) << what << ": " << method << " " << path;
            EXPECT_EQ(reply.body, R"({"message":"unauthorized"})") << what;
        }
    }
    EXPECT_EQ(query("SELECT count(*) FROM products"), "1");
    EXPECT_EQ(query("SELECT name FROM products"), "Pen");
    EXPECT_EQ(query("SELECT count(*) FROM product_events"), "1");
    // Browsing without an identity needs no signature.
    EXPECT_EQ(s->call("GET", "/products/" + id, "", {}, Signed::kNo).status, 200);
}

TEST_F(ProductIt, SearchTakesWildcardsAndQuotesLiterally) {
    auto s = start();
    create(*s, "100% cotton", "Shirt", "10", 1);
    create(*s, "1000 cotton", "Towel", "10", 1);
    create(*s, "a_b", "Under_score", "10", 1);
    create(*s, "axb", "Plain", "10", 1);
    create(*s, "It's \"quoted\"", "O'Brien's pick", "10", 1);

    auto search = [&](const std::string& key, const std::string& term) {
        auto reply = s->call("GET", "/products?" + key + "=" + url_encode(term));
        EXPECT_EQ(reply.status, 200) << reply.body;
        return names_of(reply);
    };
    EXPECT_EQ(search("name", "%"), (std::vector<std::string>{"100% cotton"}));
    EXPECT_EQ(search("name", "0%"), (std::vector<std::string>{"100% cotton"}));
    EXPECT_EQ(search("name", "_"), (std::vector<std::string>{"a_b"}));
    EXPECT_EQ(search("name", "'s \""), (std::vector<std::string>{"It's \"quoted\""}));
    EXPECT_EQ(search("description", "o'brien"), (std::vector<std::string>{"It's \"quoted\""}));
    EXPECT_EQ(search("name", "COTTON"), (std::vector<std::string>{"1000 cotton", "100% cotton"}));
    EXPECT_EQ(search("description", "\\"), (std::vector<std::string>{}));
    auto both = s->call("GET", "/products?name=cotton&description=towel");
    EXPECT_EQ(names_of(both), (std::vector<std::string>{"1000 cotton"}));
    EXPECT_EQ(both.json().at("paging").at("total_item").as_int64(), 1);
}

TEST_F(ProductIt, SearchCanUseTheTrigramIndexes) {
    auto s = start();
    create(*s, "Pen", "Blue", "1", 1);
    query("INSERT INTO products (name, description, price, quantity) "
          "SELECT 'item ' || g, 'thing ' || g, 1, 1 FROM generate_series(1, 50000) g; ANALYZE products");
    // Enough rows that an index pays; the plan names the index that serves each search.
    auto plan = [&](const std::string& column) {
        return query("SET enable_seqscan = off; EXPLAIN (FORMAT JSON) SELECT id FROM products "
                     "WHERE deleted_at IS NULL AND " + column + " ILIKE '%pen%' ESCAPE '\\'");
    };
    EXPECT_NE(plan("name").find("products_name_trgm"), std::string::npos) << plan("name");
    EXPECT_NE(plan("description").find("products_description_trgm"), std::string::npos) << plan("description");
}

TEST_F(ProductIt, PagingLinksComeFromThePublicUrl) {
    auto s = start();
    for (int i = 1; i <= 5; ++i) create(*s, "Item " + std::to_string(i), "Thing", "1", i);
    auto reply = s->call("GET", "/products?page=2&name=item&limit=2", "", {{"Host", "evil.example"}});
    ASSERT_EQ(reply.status, 200) << reply.body;
    EXPECT_EQ(names_of(reply), (std::vector<std::string>{"Item 3", "Item 2"}));  // newest first
    EXPECT_EQ(boost::json::serialize(reply.json().at("paging")),
              R"({"page":2,"size":2,"total_item":5,"total_page":3,"links":{)"
              R"("self":"http://public.test/products?limit=2&name=item&page=2",)"
              R"("first":"http://public.test/products?limit=2&name=item&page=1",)"
              R"("prev":"http://public.test/products?limit=2&name=item&page=1",)"
              R"("next":"http://public.test/products?limit=2&name=item&page=3",)"
              R"("last":"http://public.test/products?limit=2&name=item&page=3"}})");
    auto beyond = s->call("GET", "/products?page=9");
    EXPECT_EQ(beyond.status, 200);
    EXPECT_EQ(beyond.json().at("data").as_array().size(), 0u);
    auto first = s->call("GET", "/products");
    EXPECT_EQ(names_of(first).front(), "Item 5");
    EXPECT_EQ(first.json().at("paging").at("size").as_int64(), 10);
}

TEST_F(ProductIt, HistoryListsVersionedEventsOldestFirst) {
    auto s = start();
    auto id = std::to_string(create(*s, "Pen", "Blue", "10", 1));
    ASSERT_EQ(s->call("PUT", "/products/" + id, R"({"name":"Pen","description":"Red","price":"11.5","quantity":2})",
                      kAdmin).status, 200);
    ASSERT_EQ(s->call("DELETE", "/products/" + id, "", kAdmin).status, 200);
    auto history = s->call("GET", "/products/" + id + "/history", "", kAdmin);
    ASSERT_EQ(history.status, 200) << history.body;
    auto events = history.json().at("data").as_array();
    ASSERT_EQ(events.size(), 3u);
    EXPECT_EQ(events[0].at("version").as_int64(), 1);
    EXPECT_EQ(events[0].at("event_type").as_string(), "product-created");
    EXPECT_EQ(events[1].at("version").as_int64(), 2);
    EXPECT_EQ(events[1].at("event_type").as_string(), "product-updated");
    EXPECT_EQ(events[1].at("payload").at("price").as_string(), "11.5");
    EXPECT_EQ(events[2].at("version").as_int64(), 3);
    EXPECT_EQ(events[2].at("event_type").as_string(), "product-deleted");
    EXPECT_EQ(boost::json::serialize(events[2].at("payload")), R"({"id":)" + id + "}");
    EXPECT_EQ(s->call("GET", "/products/999999/history", "", kAdmin).status, 404);
    EXPECT_EQ(query("SELECT count(*) FROM outbox"), "3");
}

TEST_F(ProductIt, EveryBadInputIsA4xxWithoutAWrite) {
    auto s = start();
    auto id = std::to_string(create(*s, "Pen", "Blue", "10", 1));
    struct Row {
        std::string method, path, body;
        int status;
        std::string expected;  // the whole body
    };
    const std::string v = R"({"message":"input validation error","errors":[)";
    std::vector<Row> rows{
        {"POST", "/products", "{", 400, R"({"message":"invalid JSON syntax"})"},
        {"POST", "/products", "[1]", 400, R"({"message":"invalid JSON syntax"})"},
        {"POST", "/products", "", 400, R"({"message":"missing body request"})"},
        {"POST", "/products", R"({"name":5,"description":"d","price":1})", 400,
         R"({"message":"invalid value for name"})"},
        {"POST", "/products", R"({"name":"n","description":"d","price":"1O"})", 400,
         R"({"message":"invalid value for price"})"},
        {"POST", "/products", R"({"name":"n","description":"d","price":1,"quantity":"2"})", 400,
         R"({"message":"invalid value for quantity"})"},
        {"POST", "/products", R"({"name":"n","description":"d","price":1.234})", 400,
         v + R"({"field":"price","message":"invalid input"}]})"},
        {"POST", "/products", R"({"name":"n","description":"d","price":"12345678901.5"})", 400,
         v + R"({"field":"price","message":"price must be lower than or equal to 9999999999.99"}]})"},
        {"POST", "/products", R"({"name":"n","description":"d","price":0})", 400,
         v + R"({"field":"price","message":"price must be greater than to 0"}]})"},
        {"POST", "/products", R"({"name":"","description":"","price":1,"quantity":-1})", 400,
         v + R"({"field":"name","message":"name is required"},)"
             R"({"field":"description","message":"description is required"},)"
             R"({"field":"quantity","message":"quantity must be greater than or equal to 0"}]})"},
        {"PUT", "/products/" + id, R"({"name":"n","description":"d","price":-1})", 400,
         v + R"({"field":"price","message":"price must be greater than to 0"}]})"},
        {"GET", "/products/abc", "", 400, R"({"message":"expected a numeric value but got 'abc'"})"},
        {"PUT", "/products/1x", "{}", 400, R"({"message":"expected a numeric value but got '1x'"})"},
        {"GET", "/products/0", "", 404, R"({"message":"product not found"})"},
        {"GET", "/products/-1", "", 404, R"({"message":"product not found"})"},
        {"DELETE", "/products/-5", "", 404, R"({"message":"product not found"})"},
        {"GET", "/products?limit=abc", "", 400, v + R"({"field":"limit","message":"invalid input"}]})"},
        {"GET", "/products?page=x", "", 400, v + R"({"field":"page","message":"invalid input"}]})"},
        {"GET", "/products?limit=26", "", 400,
         v + R"({"field":"limit","message":"limit must be lower than or equal to 25"}]})"},
        {"GET", "/products?name=%FF", "", 400, v + R"({"field":"name","message":"invalid input"}]})"},
        {"GET", "/products?description=a%00b", "", 400, v + R"({"field":"description","message":"invalid input"}]})"},
        {"GET", "/products?page=0", "", 400,
         v + R"({"field":"page","message":"page must be greater than or equal to 1"}]})"},
        {"GET", "/products?name=%27%3B%20DROP%20TABLE%20products%3B--", "", 200,
         R"({"message":"success","data":[],"paging":{"page":1,"size":10,"total_item":0,"total_page":0,"links":{)"
         R"("self":"http://public.test/products?name=%27%3B%20DROP%20TABLE%20products%3B--&page=1",)"
         R"("first":"http://public.test/products?name=%27%3B%20DROP%20TABLE%20products%3B--&page=1",)"
         R"("prev":"http://public.test/products?name=%27%3B%20DROP%20TABLE%20products%3B--&page=1",)"
         R"("next":"http://public.test/products?name=%27%3B%20DROP%20TABLE%20products%3B--&page=1",)"
         R"("last":"http://public.test/products?name=%27%3B%20DROP%20TABLE%20products%3B--&page=1"}}})"},
    };
    for (const auto& row : rows) {
        auto reply = s->call(row.method, row.path, row.body, kAdmin);
        EXPECT_EQ(reply.status, row.status) << row.method << " " << row.path << " " << row.body;
        EXPECT_EQ(reply.body, row.expected) << row.method << " " << row.path << " " << row.body;
    }
    EXPECT_EQ(query("SELECT count(*) FROM products"), "1");
    EXPECT_EQ(query("SELECT name || '/' || price || '/' || quantity FROM products"), "Pen/10.00/1");
    EXPECT_EQ(query("SELECT count(*) FROM product_events"), "1");
}

TEST_F(ProductIt, TheDemoCatalogueIsSeededOnceIntoAnEmptyCatalogue) {
    auto seed = [](ProductConfig& c) { c.seed_demo = true; };
    {
        auto s = start(seed);
        auto list = s->call("GET", "/products");
        EXPECT_EQ(list.json().at("paging").at("total_item").as_int64(), 5);
    }
    {
        auto s = start(seed);  // a restart adds nothing
        EXPECT_EQ(query("SELECT count(*) FROM products"), "5");
        for (int id = 1; id <= 5; ++id) s->call("DELETE", "/products/" + std::to_string(id), "", kAdmin);
    }
    auto s = start(seed);  // nor does an emptied catalogue: it has had products
    EXPECT_EQ(query("SELECT count(*) FROM products WHERE deleted_at IS NULL"), "0");
    EXPECT_EQ(query("SELECT count(*) FROM product_events WHERE event_type = 'product-created'"), "5");
}

TEST_F(ProductIt, ProbesAndMetrics) {
    auto s = start();
    EXPECT_EQ(s->call("GET", "/health").body, R"({"message":"status UP"})");
    EXPECT_EQ(s->call("GET", "/ready").status, 200);
    s->call("GET", "/products");
    auto metrics = s->call("GET", "/metrics");
    EXPECT_EQ(metrics.status, 200);
    EXPECT_NE(metrics.body.find("agora_product_http_requests_total"), std::string::npos);
    EXPECT_NE(metrics.body.find("agora_product_reservations_total{result=\"refused_stock\"}"), std::string::npos);
    EXPECT_NE(metrics.body.find("agora_product_stock_released_total"), std::string::npos);
}

}  // namespace
}  // namespace agora::product::test
