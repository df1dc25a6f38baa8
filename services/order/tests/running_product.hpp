#pragma once
// The real product service in-process beside the order service (ADR 6 end to end), for the test binary
// that links both services.
#include <string>
#include <thread>

// By path: this binary has two app.hpp on its include path.
#include "../../product/app.hpp"
#include "../../product/config.hpp"

namespace agora::order_service::test {

// A product service on `port` with a database of its own on the shared server, asking the order service
// on `order_port` about expired holds.
product::ProductConfig product_config(int port, int order_port, const std::string& database);

// The product service running on a thread of its own until destroyed.
class RunningProduct {
public:
    explicit RunningProduct(product::ProductConfig config);
    ~RunningProduct();
    int port() const { return service_.port(); }

private:
    product::ProductService service_;
    std::thread thread_;
};

}  // namespace agora::order_service::test
