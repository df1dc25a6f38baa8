#include "events/product_events.hpp"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

namespace agora::product {
namespace {

std::string_view topic_of(ProductChange change) {
    switch (change) {
        case ProductChange::kCreated: return topic::kProductCreated;
        case ProductChange::kUpdated: return topic::kProductUpdated;
        case ProductChange::kDeleted: return topic::kProductDeleted;
    }
    return topic::kProductUpdated;
}

boost::json::object payload_of(const Product& p, ProductChange change) {
    if (change == ProductChange::kDeleted) return boost::json::object{{"id", p.id.value()}};
    return boost::json::object{{"id", p.id.value()},
                               {"name", p.name},
                               {"description", p.description},
                               {"price", p.price.to_string()},
                               {"quantity", p.quantity}};
}

}  // namespace

messaging::Message change_message(const Product& product, ProductChange change) {
    messaging::Message message;
    message.event_type = std::string(topic_of(change));
    message.destination = message.event_type;
    message.key = to_string(product.id);
    message.payload = boost::json::serialize(payload_of(product, change));
    message.headers = {{"version", std::to_string(product.version)}};
    return message;
}

}  // namespace agora::product
