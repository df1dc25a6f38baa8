#include "metrics.hpp"

namespace agora::product {

ProductMetrics::ProductMetrics(prometheus::Registry& registry)
    : reservations_(prometheus::BuildCounter()
                        .Name("agora_product_reservations_total")
                        .Help("Reserve requests answered, by result")
                        .Register(registry)),
      reserved_(reservations_.Add({{"result", "reserved"}})),
      refused_stock_(reservations_.Add({{"result", "refused_stock"}})),
      refused_missing_(reservations_.Add({{"result", "refused_missing"}})),
      released_(prometheus::BuildCounter()
                    .Name("agora_product_stock_released_total")
                    .Help("Reservations whose stock was given back (cancel, release call or expiry)")
                    .Register(registry)
                    .Add({})) {}

}  // namespace agora::product
