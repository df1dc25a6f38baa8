#include "domain/demo_catalogue.hpp"

namespace agora::product {

std::vector<ProductInput> demo_catalogue() {
    auto money = [](std::int64_t cents) { return Money::from_cents(cents); };
    return {
        {"Mechanical keyboard", "Tenkeyless keyboard with hot-swappable switches", money(8'990'00), 25},
        {"Wireless mouse", "Ergonomic mouse, 2.4 GHz and Bluetooth", money(2'450'50), 40},
        {"USB-C hub", "Seven ports: HDMI, USB 3, SD card and 100 W charging", money(3'999'00), 30},
        {"27-inch monitor", "QHD IPS panel at 144 Hz", money(35'000'00), 10},
        {"Laptop stand", "Aluminium stand with adjustable height", money(1'500'00), 50},
    };
}

}  // namespace agora::product
