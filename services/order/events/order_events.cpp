#include "events/order_events.hpp"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

namespace agora::order_service {
namespace {

messaging::Message domain_event(std::string_view topic, OrderId order_id, const std::vector<OrderLine>& items) {
    boost::json::array lines;
    for (const auto& item : items) {
        lines.push_back(boost::json::object{{"product_id", item.product_id.value()}, {"quantity", item.quantity}});
    }
    messaging::Message m;
    m.event_type = std::string(topic);
    m.destination = std::string(topic);
    m.key = to_string(order_id);
    m.payload = boost::json::serialize(boost::json::object{{"id", order_id.value()}, {"items", std::move(lines)}});
    return m;
}

boost::json::object notice_fields(const OrderNotice& notice) {
    return boost::json::object{{"order_id", notice.order_id.value()},
                               {"user_id", notice.user_id.value()},
                               {"email", notice.email},
                               {"total_amount", notice.total.to_string()},
                               {"description", notice.description}};
}

messaging::Message notification(std::string_view routing_key, const boost::json::object& payload) {
    messaging::Message m;
    m.event_type = std::string(routing_key);
    m.destination = std::string(routing_key);
    m.payload = boost::json::serialize(payload);
    return m;
}

}  // namespace

messaging::Message order_created(OrderId order_id, const std::vector<OrderLine>& items) {
    return domain_event(kOrderCreatedTopic, order_id, items);
}

messaging::Message order_cancelled(OrderId order_id, const std::vector<OrderLine>& items) {
    return domain_event(kOrderCancelledTopic, order_id, items);
}

messaging::Message order_success(const OrderNotice& notice) {
    return notification(kOrderSuccessKey, notice_fields(notice));
}

messaging::Message cancel_notification(const OrderNotice& notice) {
    return notification(kCancelNotificationKey, notice_fields(notice));
}

messaging::Message payment_reminder(const OrderNotice& notice, const std::string& due_date) {
    auto fields = notice_fields(notice);
    // The contract's key order: order_id, user_id, email, due_date, total_amount, description.
    boost::json::object payload{{"order_id", notice.order_id.value()},
                                {"user_id", notice.user_id.value()},
                                {"email", notice.email},
                                {"due_date", due_date},
                                {"total_amount", fields["total_amount"]},
                                {"description", notice.description}};
    return notification(kPaymentReminderKey, payload);
}

std::vector<messaging::Message> messages_of(const OrderChange& change) {
    switch (change.kind) {
        case ChangeKind::kPaid: return {order_success(change.notice)};
        case ChangeKind::kCancelled:
            return {order_cancelled(change.notice.order_id, change.lines), cancel_notification(change.notice)};
        case ChangeKind::kReminded: return {payment_reminder(change.notice, change.due_date)};
    }
    return {};
}

bool is_notification(const messaging::Message& message) { return message.destination.starts_with("send."); }

}  // namespace agora::order_service
