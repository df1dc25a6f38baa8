#pragma once
// What the product service counts beside the HTTP RED metrics:
//   agora_product_reservations_total{result}   result: reserved, refused_stock, refused_missing
//   agora_product_stock_released_total          reservations whose stock came back
// Counters are thread-safe: handlers on any event loop update them.
#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/registry.h>

namespace agora::product {

class ProductMetrics {
public:
    explicit ProductMetrics(prometheus::Registry& registry);

    void reserved() { reserved_.Increment(); }
    void refused_stock() { refused_stock_.Increment(); }
    void refused_missing() { refused_missing_.Increment(); }
    void released() { released_.Increment(); }

private:
    prometheus::Family<prometheus::Counter>& reservations_;
    prometheus::Counter& reserved_;
    prometheus::Counter& refused_stock_;
    prometheus::Counter& refused_missing_;
    prometheus::Counter& released_;
};

}  // namespace agora::product
