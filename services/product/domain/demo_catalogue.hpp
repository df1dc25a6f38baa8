#pragma once
// The small catalogue a local platform starts with (PRODUCT_SEED_DEMO), so `make up` shows products.
#include <vector>

#include "domain/product.hpp"

namespace agora::product {

std::vector<ProductInput> demo_catalogue();

}  // namespace agora::product
