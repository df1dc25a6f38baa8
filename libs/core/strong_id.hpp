#pragma once
// Ids that can be confused with one another (a user's, a product's, an order's) as types of their own: a
// product id passed where an order id is wanted does not compile. Constructed explicitly from the number
// the database, the path or the JSON holds; `.value()` gives it back at those boundaries.
#include <compare>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <ostream>
#include <string>

namespace agora {

template <class Tag>
class StrongId {
public:
    constexpr StrongId() = default;
    constexpr explicit StrongId(std::int64_t value) : value_(value) {}

    constexpr std::int64_t value() const { return value_; }
    constexpr auto operator<=>(const StrongId&) const = default;

private:
    std::int64_t value_ = 0;
};

// Decimal, as in paths, logs and message keys.
template <class Tag>
std::string to_string(StrongId<Tag> id) {
    return std::to_string(id.value());
}

template <class Tag>
std::ostream& operator<<(std::ostream& out, StrongId<Tag> id) {
    return out << id.value();
}

using UserId = StrongId<struct UserIdTag>;
using ProductId = StrongId<struct ProductIdTag>;
using OrderId = StrongId<struct OrderIdTag>;

}  // namespace agora

template <class Tag>
struct std::hash<agora::StrongId<Tag>> {
    std::size_t operator()(agora::StrongId<Tag> id) const noexcept { return std::hash<std::int64_t>{}(id.value()); }
};
