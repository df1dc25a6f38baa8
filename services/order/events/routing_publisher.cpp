#include "events/routing_publisher.hpp"

#include "events/order_events.hpp"

namespace agora::order_service {

Task<Result<void>> RoutingPublisher::publish(const messaging::Message& message) {
    if (is_notification(message)) co_return co_await rabbitmq_.publish(message);
    co_return co_await kafka_.publish(message);
}

}  // namespace agora::order_service
